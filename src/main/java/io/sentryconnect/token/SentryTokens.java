package io.sentryconnect.token;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.util.List;

/**
 * What one successful call to Sentry's token endpoint yields.
 *
 * @param accessToken    the bearer token
 * @param refreshToken   the refresh token; null when Sentry sent none (reuse: keep the old one)
 * @param issuedAt       when we received it (our clock)
 * @param expiresAt      when it expires, from {@code expires_at} or else {@code expires_in}
 * @param scopes         the scopes Sentry granted (not the ones we asked for)
 * @param user           the Sentry user, when sent
 * @param organizationId the organization of an org-scoped token, when sent
 */
public record SentryTokens(Secret accessToken, @Nullable Secret refreshToken, Instant issuedAt, Instant expiresAt,
                           List<String> scopes, @Nullable SentryUser user, @Nullable String organizationId) {
}
