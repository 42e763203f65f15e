package io.sentryconnect.token;

import io.micronaut.core.annotation.Nullable;

/**
 * Sentry's token endpoint did not give us tokens. {@link Kind#REJECTED} is Sentry's final word on this code or
 * refresh token ({@code invalid_grant} and friends); the other kinds say nothing about the grant.
 */
public final class TokenRequestFailed extends RuntimeException {
    /** Why the call failed. */
    public enum Kind {
        /** Sentry answered with an OAuth error: {@link #oauthError()} says which. */
        REJECTED,
        /** A 5xx, a 429, a connection failure. */
        UNAVAILABLE,
        /** No answer within the read timeout. */
        TIMEOUT,
        /** A 2xx whose body is not a usable token response. */
        MALFORMED
    }

    private final Kind kind;
    private final String oauthError;

    TokenRequestFailed(Kind kind, @Nullable String oauthError, String message) {
        super(message, null, false, false);
        this.kind = kind;
        this.oauthError = oauthError;
    }

    public Kind kind() {
        return kind;
    }

    /** The OAuth {@code error} code for {@link Kind#REJECTED}, e.g. {@code invalid_grant}; otherwise null. */
    @Nullable
    public String oauthError() {
        return oauthError;
    }

    /** Whether Sentry rejected the grant itself, so that it can never work again without the user. */
    public boolean grantRejected() {
        return kind == Kind.REJECTED && "invalid_grant".equals(oauthError);
    }
}
