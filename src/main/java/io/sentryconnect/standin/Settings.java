package io.sentryconnect.standin;

import java.util.Locale;

/**
 * Run-time behaviour switches of the stand-in (changed with {@code PUT /_standin/settings}).
 *
 * @param accessTokenLifetimeSeconds lifetime of new access tokens; Sentry's is 30 days, reported as 2591999 s
 * @param refreshRotation            {@code true}: a refresh rotates both tokens (Sentry's behaviour);
 *                                   {@code false}: the refresh token is reused and only the access token changes
 * @param rateLimit                  API requests allowed per bucket (caller, rate-limit group and method, and
 *                                   the endpoint where it declares limits of its own) in one fixed window;
 *                                   0 = unlimited
 * @param rateLimitWindowSeconds     length of that window; Sentry's default is 1 second
 *                                   ({@code src/sentry/ratelimits/config.py}, {@code DEFAULT_RATELIMIT})
 * @param rateLimitBody              the shape of a 429 body: Sentry's current {@code {"detail": "…"}} or the
 *                                   bare JSON string of older versions
 * @param regionReplicaLagMs         how long a new or refreshed token stays unknown at the region origins, as
 *                                   Sentry's asynchronously replicated {@code ApiTokenReplica} does; 0 = at once
 * @param refreshRaceMs              how long a refresh waits between reading the token row and writing the refreshed
 *                                   one; Sentry holds no lock between the two, so concurrent refreshes of one refresh
 *                                   token all succeed and the last write wins. 0 = no added wait (the window is then
 *                                   as narrow as the stand-in's own work); tests widen it to play that race
 */
public record Settings(long accessTokenLifetimeSeconds, boolean refreshRotation, int rateLimit,
                       int rateLimitWindowSeconds, RateLimitBody rateLimitBody, long regionReplicaLagMs,
                       long refreshRaceMs) {

    public static final Settings DEFAULTS = new Settings(2_591_999, true, 0, 1, RateLimitBody.DETAIL, 0, 0);

    /** The body of a rate-limited answer. */
    public enum RateLimitBody {
        /** {@code {"detail": "You are attempting …"}}: {@code src/sentry/middleware/ratelimit.py} today. */
        DETAIL,
        /** {@code "You are attempting …"}: the bare JSON string older versions and some endpoints send. */
        STRING;

        /** The name in {@code /_standin/settings}: {@code detail} or {@code string}. */
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static RateLimitBody fromJsonName(String name) {
            for (RateLimitBody body : values()) {
                if (body.jsonName().equals(name)) {
                    return body;
                }
            }
            throw new IllegalArgumentException("rate_limit_body must be \"detail\" or \"string\"");
        }
    }

    public Settings {
        if (accessTokenLifetimeSeconds < 0) {
            throw new IllegalArgumentException("access_token_lifetime_s must not be negative");
        }
        if (rateLimit < 0) {
            throw new IllegalArgumentException("rate_limit must not be negative");
        }
        if (rateLimitWindowSeconds < 1) {
            throw new IllegalArgumentException("rate_limit_window_s must be at least 1");
        }
        if (rateLimitBody == null) {
            throw new IllegalArgumentException("rate_limit_body must be \"detail\" or \"string\"");
        }
        if (regionReplicaLagMs < 0) {
            throw new IllegalArgumentException("region_replica_lag_ms must not be negative");
        }
        if (refreshRaceMs < 0) {
            throw new IllegalArgumentException("refresh_race_ms must not be negative");
        }
    }

    /**
     * The defaults for everything but these three: Sentry's 1-second window, the detail body, no replica lag, no
     * added refresh race window.
     */
    public Settings(long accessTokenLifetimeSeconds, boolean refreshRotation, int rateLimit) {
        this(accessTokenLifetimeSeconds, refreshRotation, rateLimit, 1, RateLimitBody.DETAIL, 0, 0);
    }

    public Settings withRateLimit(int limit, int windowSeconds, RateLimitBody body) {
        return new Settings(accessTokenLifetimeSeconds, refreshRotation, limit, windowSeconds, body, regionReplicaLagMs,
                refreshRaceMs);
    }

    public Settings withRegionReplicaLagMs(long lagMs) {
        return new Settings(accessTokenLifetimeSeconds, refreshRotation, rateLimit, rateLimitWindowSeconds,
                rateLimitBody, lagMs, refreshRaceMs);
    }

    public Settings withRefreshRaceMs(long raceMs) {
        return new Settings(accessTokenLifetimeSeconds, refreshRotation, rateLimit, rateLimitWindowSeconds,
                rateLimitBody, regionReplicaLagMs, raceMs);
    }
}
