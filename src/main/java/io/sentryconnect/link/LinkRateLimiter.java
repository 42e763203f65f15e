package io.sentryconnect.link;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.sentryconnect.ClockFactory;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;

import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;

/**
 * Fixed-window counters in {@code sentry_connect_link_rate}. The upsert's row lock makes each count exact across
 * instances: {@code INSERT … ON CONFLICT DO UPDATE … RETURNING count} is one atomic step per request. Hand-written
 * rather than a rate-limit library: those keep their counters in memory or in Redis, and the plugin's one shared
 * store is the host's PostgreSQL. A user over the limit is refused before the tenant's window is counted, so one
 * user's flood does not use up the other users' share.
 */
@Singleton
class LinkRateLimiter {
    static final String USER = "user";
    static final String TENANT = "tenant";

    private final JdbcOperations jdbc;
    private final LinkRateLimitProperties properties;
    private final Clock clock;

    LinkRateLimiter(JdbcOperations jdbc, LinkRateLimitProperties properties, @Named(ClockFactory.NAME) Clock clock) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.clock = clock;
    }

    /** Counts one link creation; {@link LinkRateLimited} when the user's or the tenant's window is full. */
    @Transactional
    void acquire(String tenantId, String userId) {
        if (!properties.enabled()) {
            return;
        }
        long window = Math.max(1, properties.window().toSeconds());
        Instant now = clock.instant();
        Instant start = Instant.ofEpochSecond(Math.floorDiv(now.getEpochSecond(), window) * window);
        long retryAfter = Math.max(1, start.getEpochSecond() + window - now.getEpochSecond());
        if (count(USER, tenantId, userId, start) > properties.perUser()) {
            throw new LinkRateLimited("Too many links created by this user: at most " + properties.perUser() + " per "
                    + window + " seconds. Retry after the given seconds.", retryAfter);
        }
        if (count(TENANT, tenantId, "", start) > properties.perTenant()) {
            throw new LinkRateLimited("Too many links created in this tenant: at most " + properties.perTenant() + " per "
                    + window + " seconds. Retry after the given seconds.", retryAfter);
        }
    }

    private int count(String scope, String tenantId, String userId, Instant windowStart) {
        return jdbc.prepareStatement("INSERT INTO sentry_connect_link_rate (scope, tenant_id, user_id, window_start, count) "
                + "VALUES (?, ?, ?, ?, 1) ON CONFLICT (scope, tenant_id, user_id, window_start) "
                + "DO UPDATE SET count = sentry_connect_link_rate.count + 1 RETURNING count", ps -> {
            ps.setString(1, scope);
            ps.setString(2, tenantId);
            ps.setString(3, userId);
            ps.setTimestamp(4, Timestamp.from(windowStart));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }
}
