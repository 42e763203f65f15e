package io.sentryconnect.sentry;

import java.util.UUID;

/**
 * Sentry's API kept answering token-failure 401s to tokens its token endpoint had just issued: not a revocation
 * (only the token endpoint's {@code invalid_grant} is), so the grant is left as it is and the call fails.
 */
final class TokenStillRefused extends RuntimeException {
    TokenStillRefused(UUID grantId) {
        super("Sentry refused freshly refreshed tokens of grant " + grantId, null, false, false);
    }
}
