package io.sentryconnect.events;

import io.sentryconnect.PluginJobs;
import io.sentryconnect.PluginMetrics;
import io.sentryconnect.ClockFactory;
import io.micronaut.context.annotation.Requires;
import io.sentryconnect.database.Sql;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.sentryconnect.http.PluginHttpClients;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.scheduling.annotation.Scheduled;
import io.micronaut.transaction.TransactionOperations;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Delivers outbox events to the configured webhook, at least once, in order per grant, from any instance.
 * Each poll claims a batch in a short transaction with {@code FOR UPDATE SKIP LOCKED}, taking only the oldest
 * pending event of each grant (an earlier pending event of the same grant holds the later ones back), and leases
 * it by moving its {@code next_attempt_at} past the delivery timeout, so no other instance takes it meanwhile. The
 * POSTs run outside any transaction, and each outcome is recorded in its own: a slow receiver holds no connection
 * or lock, and a crash before the outcome is written only means the event is sent again when the lease ends.
 * A failure is retried with exponential backoff and jitter ({@link RetrySchedule}); after {@code max-attempts} the event is marked failed with its last error.
 */
@Singleton
@Requires(property = "sentry-connect.webhook.url")
@Requires(property = "sentry-connect.webhook.delivery.enabled", notEquals = "false")
public class WebhookDelivery {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDelivery.class);
    private final Sql jdbc;
    private final TransactionOperations<Connection> transactions;
    private final HttpClient http;
    private final WebhookProperties properties;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final RetrySchedule retries;
    private final WebhookSigner signer;

    WebhookDelivery(Sql jdbc, PluginHttpClients clients,
                    WebhookProperties properties, @Named(ClockFactory.NAME) Clock clock, PluginMetrics metrics) {
        this.jdbc = jdbc;
        this.transactions = jdbc.transactions();
        this.http = clients.webhook();
        this.properties = properties;
        this.clock = clock;
        this.metrics = metrics.registry();
        this.retries = new RetrySchedule(properties.initialDelay(), properties.maxDelay());
        this.signer = WebhookSigner.of(properties);
        if (signer.usesPlainSecret()) {
            LOG.warn("sentry-connect.webhook.secret is a plain secret (deprecated): set it to whsec_ followed by the base64 of "
                    + "the same secret, which keeps the key, and verify deliveries by their webhook-* headers");
        }
        if (properties.legacyHeaders()) {
            LOG.warn("sentry-connect.webhook.legacy-headers is on (deprecated, removed in the next release): turn it off once "
                    + "the receiver verifies the webhook-* headers");
        }
    }

    private record Pending(long id, String eventId, String payload, int attempts) {
    }

    @Scheduled(scheduler = PluginJobs.NAME, fixedDelay = "${sentry-connect.webhook.poll-interval:1s}", initialDelay = "${sentry-connect.webhook.poll-initial-delay:1s}")
    void scheduled() {
        deliverBatch();
    }

    /** Claims and delivers one batch; returns how many events were delivered. */
    public int deliverBatch() {
        int delivered = 0;
        for (Pending event : transactions.executeWrite(status -> claim())) {
            if (deliver(event)) {
                delivered++;
            }
        }
        return delivered;
    }

    private List<Pending> claim() {
        List<Pending> claimed = jdbc.prepareStatement("SELECT e.id, e.event_id, e.payload, e.attempts FROM sentry_connect_grant_event e "
                + "WHERE e.delivered_at IS NULL AND e.failed_at IS NULL AND e.next_attempt_at <= ? "
                + "AND NOT EXISTS (SELECT 1 FROM sentry_connect_grant_event p WHERE p.grant_id = e.grant_id AND p.id < e.id "
                + "AND p.delivered_at IS NULL AND p.failed_at IS NULL) "
                + "ORDER BY e.id LIMIT ? FOR UPDATE SKIP LOCKED", ps -> {
            ps.setTimestamp(1, Timestamp.from(clock.instant()));
            ps.setInt(2, properties.batchSize());
            List<Pending> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Pending(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4)));
                }
            }
            return rows;
        });
        if (!claimed.isEmpty()) {
            jdbc.prepareStatement("UPDATE sentry_connect_grant_event SET next_attempt_at = ? WHERE id = ANY (?)", ps -> {
                ps.setTimestamp(1, Timestamp.from(clock.instant().plus(properties.lease())));
                ps.setArray(2, ps.getConnection().createArrayOf("bigint", claimed.stream().map(Pending::id).toArray()));
                return ps.executeUpdate();
            });
        }
        return claimed;
    }

    private boolean deliver(Pending event) {
        byte[] body = event.payload().getBytes(StandardCharsets.UTF_8);
        long timestamp = clock.instant().getEpochSecond();
        String error;
        try {
            MutableHttpRequest<byte[]> request = HttpRequest.POST(properties.url().toString(), body)
                    .contentType(MediaType.APPLICATION_JSON_TYPE);
            signer.headers(event.eventId(), timestamp, event.payload()).forEach(request::header);
            HttpResponse<?> response = http.toBlocking().exchange(request);
            if (response.code() >= 200 && response.code() < 300) {
                markDelivered(event);
                return true;
            }
            error = "HTTP " + response.code();
        } catch (HttpClientResponseException e) {
            error = "HTTP " + e.code();
        } catch (RuntimeException e) {
            error = e.getClass().getSimpleName();
        }
        markFailedAttempt(event, error);
        return false;
    }

    private void markDelivered(Pending event) {
        Instant now = clock.instant();
        transactions.executeWrite(status -> jdbc.prepareStatement("UPDATE sentry_connect_grant_event SET delivered_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?", ps -> {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setLong(2, event.id());
            return ps.executeUpdate();
        }));
        deliveries("delivered").increment();
    }

    private Counter deliveries(String outcome) {
        return Counter.builder("sentry_connect.webhook.deliveries")
                .description("Webhook delivery attempts to the platform, by outcome").tag("outcome", outcome).register(metrics);
    }

    private void markFailedAttempt(Pending event, String error) {
        int attempts = event.attempts() + 1;
        Instant now = clock.instant();
        boolean giveUp = attempts >= properties.maxAttempts();
        transactions.executeWrite(status -> jdbc.prepareStatement("UPDATE sentry_connect_grant_event SET attempts = ?, last_error = ?, next_attempt_at = ?, failed_at = ? WHERE id = ?", ps -> {
            ps.setInt(1, attempts);
            ps.setString(2, error);
            ps.setTimestamp(3, Timestamp.from(now.plus(retries.after(attempts))));
            ps.setTimestamp(4, giveUp ? Timestamp.from(now) : null);
            ps.setLong(5, event.id());
            return ps.executeUpdate();
        }));
        deliveries(giveUp ? "gave_up" : "failed").increment();
        if (giveUp) {
            LOG.error("Webhook event {} given up after {} attempts: {}", event.eventId(), attempts, error);
        } else {
            LOG.warn("Webhook event {} attempt {} failed: {}", event.eventId(), attempts, error);
        }
    }
}
