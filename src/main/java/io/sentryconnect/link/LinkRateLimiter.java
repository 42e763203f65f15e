package io.sentryconnect.link;

import io.sentryconnect.database.DatabaseProperties;
import io.micronaut.data.connection.annotation.Connectable;
import io.sentryconnect.database.Sql;
import io.sentryconnect.ClockFactory;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

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

    private static final String UPSERT = "INSERT INTO sentry_connect_link_rate (scope, tenant_id, user_id, window_start, count)";
    private static final String ON_CONFLICT = " ON CONFLICT (scope, tenant_id, user_id, window_start) "
            + "DO UPDATE SET count = sentry_connect_link_rate.count + 1 RETURNING count";

    private final Sql jdbc;
    private final LinkRateLimitProperties properties;
    private final Clock clock;

    LinkRateLimiter(Sql jdbc, LinkRateLimitProperties properties, @Named(ClockFactory.NAME) Clock clock) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.clock = clock;
    }

    /** Counts one link creation; {@link LinkRateLimited} when the user's or the tenant's window is full. */
    @Connectable(DatabaseProperties.DATASOURCE)
    void acquire(String tenantId, String userId) {
        if (!properties.enabled()) {
            return;
        }
        long window = Math.max(1, properties.window().toSeconds());
        Instant now = clock.instant();
        Instant start = Instant.ofEpochSecond(Math.floorDiv(now.getEpochSecond(), window) * window);
        long retryAfter = Math.max(1, start.getEpochSecond() + window - now.getEpochSecond());
        int[] counts = count(tenantId, userId, start);
        if (counts[0] > properties.perUser()) {
            throw new LinkRateLimited("Too many links created by this user: at most " + properties.perUser() + " per "
                    + window + " seconds. Retry after the given seconds.", retryAfter);
        }
        if (counts[1] > properties.perTenant()) {
            throw new LinkRateLimited("Too many links created in this tenant: at most " + properties.perTenant() + " per "
                    + window + " seconds. Retry after the given seconds.", retryAfter);
        }
    }

    /**
     * The user's and the tenant's counts after this request, in one statement (auto-commit, one round trip): the
     * tenant's upsert runs only when the user's count is within the limit, and answers 0 otherwise.
     */
    private int[] count(String tenantId, String userId, Instant windowStart) {
        return jdbc.prepareStatement("WITH u AS (" + UPSERT + " VALUES (?, ?, ?, ?, 1)" + ON_CONFLICT + "), t AS (" + UPSERT
                + " SELECT ?, ?, ?, ?, 1 FROM u WHERE u.count <= ?" + ON_CONFLICT + ") "
                + "SELECT u.count, COALESCE((SELECT count FROM t), 0) FROM u", ps -> {
            Timestamp window = Timestamp.from(windowStart);
            ps.setString(1, USER);
            ps.setString(2, tenantId);
            ps.setString(3, userId);
            ps.setTimestamp(4, window);
            ps.setString(5, TENANT);
            ps.setString(6, tenantId);
            ps.setString(7, "");
            ps.setTimestamp(8, window);
            ps.setInt(9, properties.perUser());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new int[]{rs.getInt(1), rs.getInt(2)};
            }
        });
    }
}
