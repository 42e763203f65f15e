package io.sentryconnect.token;

import java.util.Optional;
import java.util.UUID;

/**
 * Where a grant's tokens live (the grant package implements it). Every method runs in the caller's transaction;
 * {@link #lockForRefresh} takes the row lock that serialises refreshes across instances.
 */
public interface TokenStore {
    /** The grant's tokens, read with {@code SELECT … FOR UPDATE}: other refreshers wait until we commit. */
    Optional<StoredTokens> lockForRefresh(UUID grantId);

    /** Writes a refresh's result; when Sentry sent no refresh token (reuse), the stored one is kept. */
    StoredTokens saveRefreshed(StoredTokens before, SentryTokens fresh);

    /** Marks the grant revoked: Sentry rejected it for good. Tokens stay (encrypted) until disconnect. */
    StoredTokens markRevoked(StoredTokens before, String reason);
}
