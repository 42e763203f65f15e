/**
 * Owns the dev-only demo: a page that plays the host platform (sign in, Connect to Sentry, grants, proxy calls) and
 * the stand-in control it needs. Switched on by {@code sentry-connect.demo.enabled}; uses only the public HTTP API
 * and the stand-in, never grant, link or token internals.
 */
package io.sentryconnect.demo;
