/**
 * The plugin's own outgoing HTTP clients (Sentry's token endpoint, Sentry's API, webhook deliveries), configured by
 * {@code sentry-connect.http.*} alone: a host's {@code micronaut.http.*} settings neither shape them nor are changed by them;
 * how their failures are classified ({@code HttpFailure}) and the HMAC of the requests the plugin signs.
 */
package io.sentryconnect.http;
