/**
 * Owns the built-in Sentry stand-in for development and tests only: its own HTTP origins (OAuth, API, regions, controls) and seeded fixtures.
 * Must not touch service code or the database; the service talks to it over HTTP like to real Sentry.
 */
package io.sentryconnect.standin;
