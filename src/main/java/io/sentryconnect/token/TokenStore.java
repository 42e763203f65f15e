package io.sentryconnect.token;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Where a grant's tokens live (the grant package implements it). Every method runs in the caller's transaction;
 * {@link #lockForRefresh} takes the row lock that serialises refreshes across instances.
 */
public interface TokenStore {
    /** The grant's tokens, read with {@code SELECT … FOR UPDATE}: other refreshers wait until we commit. */
    Optional<StoredTokens> lockForRefresh(UUID grantId);

    /** The token version of a refresh that started and never recorded its result, if any. */
    Optional<Long> unfinishedRefresh(UUID grantId);

    /**
     * Records that a refresh of {@code version} may ask Sentry (the caller commits it on its own, before the row lock);
     * it never replaces the record of a newer version.
     */
    void recordRefreshAttempt(UUID grantId, long version);

    /** Writes a refresh's result (and clears its attempt); when Sentry sent no refresh token (reuse), the stored one is kept. */
    StoredTokens saveRefreshed(StoredTokens before, SentryTokens fresh);

    /** Marks the grant revoked: Sentry rejected it for good. Tokens stay (encrypted) until disconnect. */
    StoredTokens markRevoked(StoredTokens before, StatusReason reason);

    /**
     * Claims up to {@code limit} active grants whose token is due, for {@code lease}: rows are picked with
     * {@code FOR UPDATE SKIP LOCKED} and leased, so two instances never claim the same grant.
     */
    List<DueGrant> claimDueForRefresh(int limit, Duration lease);

    /** A grant the background job should refresh, with the token version it saw. */
    record DueGrant(UUID grantId, long version) {
    }
}
