package io.sentryconnect.link;

import io.sentryconnect.PluginJobs;
import io.sentryconnect.database.DatabaseProperties;
import io.sentryconnect.database.Sql;
import io.micronaut.scheduling.annotation.Scheduled;
import io.sentryconnect.ClockFactory;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import io.micronaut.transaction.annotation.Transactional;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;

/**
 * Deletes link tickets and states {@code purge-after} past their expiry (a ticket also past its confirmation's), and
 * rate-limit windows that ended. Each statement deletes a bounded batch of rows it could lock with
 * {@code FOR UPDATE SKIP LOCKED}: two instances purging at once take different rows, and neither waits on a row a
 * start or callback holds.
 */
@Singleton
class LinkHousekeeping {
    static final int BATCH = 1000;

    private final Sql jdbc;
    private final LinkProperties properties;
    private final LinkRateLimitProperties rateLimit;
    private final Clock clock;

    LinkHousekeeping(Sql jdbc, LinkProperties properties, LinkRateLimitProperties rateLimit,
                     @Named(ClockFactory.NAME) Clock clock) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.rateLimit = rateLimit;
        this.clock = clock;
    }

    @Scheduled(scheduler = PluginJobs.NAME, fixedDelay = "${sentry-connect.link.purge-interval:1m}", initialDelay = "${sentry-connect.link.purge-initial-delay:1m}")
    void scheduled() {
        purge();
    }

    /** One pass; answers the number of rows deleted. */
    @Transactional(DatabaseProperties.DATASOURCE)
    int purge() {
        Instant now = clock.instant();
        Timestamp cutoff = Timestamp.from(now.minus(properties.purgeAfter()));
        int deleted = 0;
        deleted += batches("sentry_connect_link_ticket",
                "expires_at < ? AND (confirmation_expires_at IS NULL OR confirmation_expires_at < ?)", cutoff, cutoff);
        deleted += batches("sentry_connect_link_state", "expires_at < ?", cutoff, null);
        Timestamp windowCutoff = Timestamp.from(now.minus(rateLimit.window()));
        deleted += batches("sentry_connect_link_rate", "window_start < ?", windowCutoff, null);
        return deleted;
    }

    private int batches(String table, String condition, Timestamp first, Timestamp second) {
        int total = 0;
        int deleted;
        do {
            deleted = jdbc.prepareStatement("DELETE FROM " + table + " WHERE ctid = ANY(ARRAY(SELECT ctid FROM " + table
                    + " WHERE " + condition + " LIMIT " + BATCH + " FOR UPDATE SKIP LOCKED))", ps -> {
                ps.setTimestamp(1, first);
                if (second != null) {
                    ps.setTimestamp(2, second);
                }
                return ps.executeUpdate();
            });
            total += deleted;
        } while (deleted == BATCH);
        return total;
    }
}
