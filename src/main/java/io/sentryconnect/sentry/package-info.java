/**
 * Calling Sentry's API on a grant's behalf: organization discovery, the proxy and its Java bean, the token
 * authenticator (refresh before expiry, refresh-and-retry on 401), rate limits and regions. Never writes SQL itself.
 */
package io.sentryconnect.sentry;
