/**
 * The plugin's own outgoing HTTP clients (Sentry's token endpoint, Sentry's API, webhook deliveries), configured by
 * {@code sentry-connect.http.*} alone: a host's {@code micronaut.http.*} settings neither shape them nor are changed by them.
 */
package io.sentryconnect.http;
