package io.sentryconnect.token;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.util.UUID;

/**
 * A grant's tokens as stored, decrypted, with what the refresh policy needs.
 *
 * @param grantId      the grant
 * @param tenantId     its tenant
 * @param status       where the grant stands
 * @param statusReason why it is not active, if it is not
 * @param version      bumped by every token write; a refresh re-checks it under the row lock
 * @param accessToken  null once disconnected
 * @param refreshToken null for grants without one (provisioned), once disconnected, and in the proxy's read, which
 *                     never needs it (a refresh reads it under the row lock)
 * @param issuedAt     when the access token was received
 * @param expiresAt    when the access token expires
 */
public record StoredTokens(UUID grantId, String tenantId, GrantStatus status, @Nullable StatusReason statusReason, long version,
                           @Nullable Secret accessToken, @Nullable Secret refreshToken,
                           @Nullable Instant issuedAt, @Nullable Instant expiresAt) {
    public boolean active() {
        return status == GrantStatus.ACTIVE;
    }
}
