/**
 * Linking: link tickets, their browser binding, OAuth state and PKCE in PostgreSQL, and the browser's start, confirm and callback endpoints.
 * Records grants through the grant package and asks Sentry through the token and sentry packages; owns no grant SQL.
 */
package io.sentryconnect.link;
