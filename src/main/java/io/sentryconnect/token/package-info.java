/**
 * Tokens: the exchange and refresh calls to Sentry's token endpoint, refresh coordination across threads and
 * instances, and encryption at rest. Does not know grants' other columns or HTTP routes; storage is a {@link io.sentryconnect.token.TokenStore}.
 */
package io.sentryconnect.token;
