package io.sentryconnect.events;

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

/**
 * Deletes outbox events {@code sentry-connect.webhook.retention} after they were delivered or given up; pending
 * events stay whatever their age. Without a webhook URL nothing is ever delivered, and events are kept for the polling
 * API only: they are deleted {@code retention} after they were written, or the table would grow for ever. Bounded batches of rows locked with {@code FOR UPDATE SKIP LOCKED}: two instances
 * purging at once take different rows, and neither waits on an event a delivery holds.
 */
@Singleton
public class EventRetention {
    static final int BATCH = 1000;

    private final Sql jdbc;
    private final WebhookProperties properties;
    private final Clock clock;

    EventRetention(Sql jdbc, WebhookProperties properties, @Named(ClockFactory.NAME) Clock clock) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.clock = clock;
    }

    @Scheduled(scheduler = PluginJobs.NAME, fixedDelay = "${sentry-connect.webhook.purge-interval:10m}", initialDelay = "${sentry-connect.webhook.purge-initial-delay:5m}")
    void scheduled() {
        purge();
    }

    /** One pass; answers the number of events deleted. */
    @Transactional(DatabaseProperties.DATASOURCE)
    public int purge() {
        Timestamp cutoff = Timestamp.from(clock.instant().minus(properties.retention()));
        int total = 0;
        for (String finished : new String[]{"delivered_at", "failed_at"}) {
            int deleted;
            do {
                deleted = jdbc.prepareStatement("DELETE FROM sentry_connect_grant_event WHERE id = ANY(ARRAY(SELECT id FROM "
                        + "sentry_connect_grant_event WHERE " + finished + " < ? ORDER BY " + finished + " LIMIT " + BATCH
                        + " FOR UPDATE SKIP LOCKED))", ps -> {
                    ps.setTimestamp(1, cutoff);
                    return ps.executeUpdate();
                });
                total += deleted;
            } while (deleted == BATCH);
        }
        if (properties.url() == null) {
            int deleted;
            do {
                // By id, the order they were written in: the primary key's index finds the oldest rows first.
                deleted = jdbc.prepareStatement("DELETE FROM sentry_connect_grant_event WHERE id = ANY(ARRAY(SELECT id FROM "
                        + "sentry_connect_grant_event WHERE created_at < ? ORDER BY id LIMIT " + BATCH
                        + " FOR UPDATE SKIP LOCKED))", ps -> {
                    ps.setTimestamp(1, cutoff);
                    return ps.executeUpdate();
                });
                total += deleted;
            } while (deleted == BATCH);
        }
        return total;
    }
}
