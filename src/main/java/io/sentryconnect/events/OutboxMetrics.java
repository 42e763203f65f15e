package io.sentryconnect.events;

import io.sentryconnect.PluginMetrics;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.sentryconnect.database.Sql;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.sql.ResultSet;

/**
 * Outbox gauges, read from the database at scrape time: how many events wait for delivery, and how old the
 * oldest one is (the delivery lag), in seconds. Both queries use the pending-events partial index.
 */
@Context
// Registered at start so that the first scrape sees them, but only where something can scrape them: a host (or the
// standalone service) with a MeterRegistry bean. Without one, PluginMetrics' private registry has no reader, and
// creating this bean would load Micrometer and the data layer during the host's start for nothing.
@Requires(beans = MeterRegistry.class)
// Only with a webhook URL: without one nothing is delivered, every event would count as pending and the lag grow
// without end, which reads as an outage.
@Requires(property = "sentry-connect.webhook.url")
final class OutboxMetrics {
    // Providers: the JDBC and transaction beans (most of Micronaut Data) are created at the first scrape, not at start.
    OutboxMetrics(PluginMetrics metrics, BeanProvider<Sql> jdbc) {
        Gauge.builder("sentry_connect.outbox.pending", () -> read(jdbc,
                        "SELECT count(*) FROM sentry_connect_grant_event WHERE delivered_at IS NULL AND failed_at IS NULL"))
                .description("Grant events not yet delivered").register(metrics.registry());
        Gauge.builder("sentry_connect.outbox.lag.seconds", () -> read(jdbc,
                        "SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0) FROM sentry_connect_grant_event "
                                + "WHERE delivered_at IS NULL AND failed_at IS NULL"))
                .description("Age of the oldest undelivered grant event").register(metrics.registry());
    }

    private static double read(BeanProvider<Sql> jdbc, String sql) {
        Sql database = jdbc.get();
        return database.transactions().executeRead(status -> database.prepareStatement(sql, ps -> {
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getDouble(1) : 0.0;
            }
        }));
    }
}
