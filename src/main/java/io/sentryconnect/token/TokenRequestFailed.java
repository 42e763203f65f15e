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
        /** A 5xx, a connection failure. */
        UNAVAILABLE,
        /** A 429: Sentry asks us to slow down; {@link #retryAfterSeconds()} says for how long. */
        RATE_LIMITED,
        /** No answer within the read timeout. */
        TIMEOUT,
        /** A 2xx whose body is not a usable token response. */
        MALFORMED
    }

    private final Kind kind;
    private final String oauthError;
    private final long retryAfterSeconds;

    TokenRequestFailed(Kind kind, @Nullable String oauthError, String message) {
        this(kind, oauthError, message, 0);
    }

    TokenRequestFailed(Kind kind, @Nullable String oauthError, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.kind = kind;
        this.oauthError = oauthError;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** For {@link Kind#RATE_LIMITED}: seconds until Sentry's rate-limit window resets. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** Sentry could not or would not answer now; nothing is known about the grant. */
    public boolean transientFailure() {
        return kind == Kind.UNAVAILABLE || kind == Kind.TIMEOUT || kind == Kind.RATE_LIMITED;
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
