/**
 * Owns Sentry's facts as data ({@link io.sentryconnect.sentry.profile.SentryProfile}): endpoints, regions, which URLs
 * name an organization, rate-limit headers, 401 messages. Pure values: imports nothing of the plugin's.
 */
package io.sentryconnect.sentry.profile;
