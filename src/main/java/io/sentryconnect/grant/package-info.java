/**
 * Grants: the model, its table, its lifecycle (connect, reconnect, revoke, disconnect) and the read API, with each
 * instance's in-memory cache of the grants that calls read (kept true across instances by LISTEN/NOTIFY).
 * Calls nothing in Sentry; the sentry package calls Sentry on a grant's behalf, the link package creates grants.
 */
package io.sentryconnect.grant;
