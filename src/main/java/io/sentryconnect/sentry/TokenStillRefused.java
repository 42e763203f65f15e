package io.sentryconnect.sentry;

import java.util.UUID;

/**
 * Sentry's API refused the grant's token with a 401 that is no reason to revoke: either it kept answering
 * token-failure 401s to tokens its token endpoint had just issued (only the token endpoint's {@code invalid_grant}
 * revokes), or its 401 was none of Sentry's known messages (an HTML or empty body, a new message), which says nothing
 * known about the token and so is not refreshed for. The grant is left as it is and the call fails.
 */
final class TokenStillRefused extends RuntimeException {
    private final boolean refreshed;

    TokenStillRefused(UUID grantId, boolean refreshed) {
        super((refreshed ? "Sentry refused freshly refreshed tokens of grant " : "Sentry answered an unrecognised 401 for grant ")
                + grantId, null, false, false);
        this.refreshed = refreshed;
    }

    /** Whether the token was refreshed before Sentry's last refusal; false for an unrecognised 401, never refreshed for. */
    boolean refreshed() {
        return refreshed;
    }
}
