package io.sentryconnect.grant;

import io.micronaut.core.annotation.Nullable;
import io.sentryconnect.token.GrantStatus;
import io.sentryconnect.token.StatusReason;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A grant as the API shows it: everything but the tokens.
 *
 * @param id              the grant id
 * @param tenantId        the platform tenant
 * @param userId          the platform user who linked it
 * @param kind            linked through OAuth, or provisioned
 * @param status          active, revoked or disconnected
 * @param statusReason    why it is not active
 * @param organization    the Sentry organization
 * @param sentryUser      the Sentry user who approved it
 * @param scopes          the scopes Sentry granted
 * @param expiresAt       when the current access token expires
 * @param createdAt       first linked
 * @param updatedAt       last changed
 * @param lastRefreshedAt last refreshed
 * @param lastFailureAt   when a refresh last failed for a reason that does not revoke (5xx, timeout, rate limit)
 * @param lastFailureReason why: {@code sentry_unavailable}, {@code timeout}, {@code rate_limited}, ...
 */
public record Grant(UUID id, String tenantId, String userId, GrantKind kind, GrantStatus status,
                    @Nullable StatusReason statusReason, Organization organization, @Nullable SentryUserRef sentryUser,
                    List<String> scopes, @Nullable Instant expiresAt, Instant createdAt, Instant updatedAt,
                    @Nullable Instant lastRefreshedAt, @Nullable Instant lastFailureAt, @Nullable String lastFailureReason) {

    /** A Sentry organization and the base URL of its data region, where its API calls go. */
    public record Organization(String id, String slug, String name, String regionUrl) {
    }

    /** The Sentry user behind a grant. */
    public record SentryUserRef(String id, @Nullable String name, @Nullable String email) {
    }

    /** A grant id from a URL; a malformed one cannot name a visible grant, so it is the same 404 as an unknown one. */
    public static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new GrantNotFound();
        }
    }
}
