package io.sentryconnect.standin;

/**
 * Run-time behaviour switches of the stand-in (changed with {@code PUT /_standin/settings}).
 *
 * @param accessTokenLifetimeSeconds lifetime of new access tokens; Sentry's is 30 days, reported as 2591999 s
 * @param refreshRotation            {@code true}: a refresh rotates both tokens (Sentry's behaviour);
 *                                   {@code false}: the refresh token is reused and only the access token changes
 * @param rateLimitPerMinute         API requests allowed per token per fixed 60-second window; 0 = unlimited
 */
public record Settings(long accessTokenLifetimeSeconds, boolean refreshRotation, int rateLimitPerMinute) {

    public static final Settings DEFAULTS = new Settings(2_591_999, true, 0);

    public Settings {
        if (accessTokenLifetimeSeconds < 0) {
            throw new IllegalArgumentException("access_token_lifetime_s must not be negative");
        }
        if (rateLimitPerMinute < 0) {
            throw new IllegalArgumentException("rate_limit_per_minute must not be negative");
        }
    }
}
