package io.sentryconnect.events;

import io.micronaut.context.ApplicationContext;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.SecondInstance;
import io.sentryconnect.support.ServiceTest;
import io.sentryconnect.support.TestDatabase;
import io.sentryconnect.support.WebhookReceiver;
import io.sentryconnect.testing.LogCapture;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import static io.sentryconnect.support.LinkDriver.location;
import static io.sentryconnect.support.LinkDriver.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Webhook delivery: signed, retried with backoff, given up after the configured attempts, once across instances. */
@MicronautTest(environments = "test", transactional = false)
class WebhookDeliveryTest extends ServiceTest {
    private static final String WEBHOOK_SECRET = "test-webhook-secret-0123456789";
    private final WebhookReceiver receiver = new WebhookReceiver();

    @Inject
    WebhookDelivery delivery;
    @Inject
    EventRetention retention;

    private ApplicationContext second;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("sentry-connect.webhook.url", receiver.url(),
                "sentry-connect.webhook.secret", WEBHOOK_SECRET,
                "sentry-connect.webhook.poll-initial-delay", "1h",
                "sentry-connect.webhook.max-attempts", "3");
    }

    @BeforeAll
    void setUp() {
        second = SecondInstance.start(standIn, extraProperties());
    }

    @AfterAll
    void tearDown() {
        second.close();
        receiver.close();
        assertEquals(List.of(), LogCapture.linesContaining(WEBHOOK_SECRET));
    }

    @AfterEach
    void resetWorld() {
        receiver.failNext(0);
    }

    @Test
    void eventsAreDeliveredSignedRetriedAfterFailuresAndInOrderPerGrant() throws Exception {
        String tenant = "t-" + UUID.randomUUID();
        String jwt = driver.jwt(tenant, "u1");
        String grantId = query(location(driver.link(jwt, "1", "acme"))).get("grant_id");
        assertEquals(204, new Http().delete(serviceUrl() + "/api/v1/grants/" + grantId, Http.bearer(jwt)).statusCode());

        receiver.failNext(1, tenant);
        drain();
        List<Map<String, Object>> row = TestDatabase.query("SELECT attempts, last_error, next_attempt_at FROM sentry_connect_grant_event "
                + "WHERE tenant_id = ? ORDER BY id", tenant);
        assertEquals(1, row.get(0).get("attempts"));
        assertEquals("HTTP 503", row.get(0).get("last_error"));
        assertEquals(List.of(), mine(tenant), "the later event of the grant waits for the earlier one");
        clock.advance(Duration.ofSeconds(10));
        drain();
        List<WebhookReceiver.Delivery> delivered = mine(tenant);
        assertEquals(List.of("grant.connected", "grant.disconnected"),
                delivered.stream().map(d -> driver.map(d.body()).get("type")).toList());
        for (WebhookReceiver.Delivery d : delivered) {
            long timestamp = Long.parseLong(d.header(WebhookSignature.TIMESTAMP_HEADER));
            assertEquals(WebhookSignature.sign(WEBHOOK_SECRET, timestamp, d.body().getBytes(StandardCharsets.UTF_8)),
                    d.header(WebhookSignature.SIGNATURE_HEADER), "a valid signature");
            assertTrue(verify(d), "the README's verification recipe accepts it");
            assertNotNull(d.header(WebhookSignature.EVENT_ID_HEADER));
        }
        assertEquals(2, TestDatabase.query("SELECT 1 FROM sentry_connect_grant_event WHERE tenant_id = ? AND delivered_at IS NOT NULL", tenant).size());
    }

    @Test
    void anEventIsGivenUpAfterTheConfiguredAttemptsAndRecorded() {
        String tenant = "t-" + UUID.randomUUID();
        driver.link(driver.jwt(tenant, "u1"), "1", "globex");
        receiver.failNext(1000, tenant);
        for (int i = 0; i < 3; i++) {
            drain();
            clock.advance(Duration.ofMinutes(5));
        }
        Map<String, Object> event = TestDatabase.query("SELECT attempts, failed_at, last_error FROM sentry_connect_grant_event WHERE tenant_id = ?", tenant).get(0);
        assertEquals(3, event.get("attempts"));
        assertNotNull(event.get("failed_at"));
        assertEquals("HTTP 503", event.get("last_error"));
    }

    @Test
    void twoInstancesDeliverEachEventOnce() throws Exception {
        String tenant = "t-" + UUID.randomUUID();
        String jwt = driver.jwt(tenant, "u1");
        for (String org : List.of("acme", "globex", "initech")) {
            driver.link(jwt, "1", org);
            driver.link(jwt, "1", org);
        }
        WebhookDelivery other = second.getBean(WebhookDelivery.class);
        for (int round = 0; round < 10 && mine(tenant).size() < 6; round++) {
            CompletableFuture<Integer> a = CompletableFuture.supplyAsync(delivery::deliverBatch);
            CompletableFuture<Integer> b = CompletableFuture.supplyAsync(other::deliverBatch);
            a.get();
            b.get();
        }
        Map<Object, Long> counts = mine(tenant).stream().collect(Collectors.groupingBy(d -> d.header(WebhookSignature.EVENT_ID_HEADER), Collectors.counting()));
        assertEquals(6, counts.size());
        assertTrue(counts.values().stream().allMatch(c -> c == 1), "no duplicates: " + counts);
    }

    private void drain() {
        for (int i = 0; i < 5; i++) {
            delivery.deliverBatch();
        }
    }

    private List<WebhookReceiver.Delivery> mine(String tenant) {
        return receiver.deliveries().stream().filter(d -> d.body().contains("\"tenant_id\":\"" + tenant + "\"")).toList();
    }

    /** The receiver's side, as the README shows it: recompute v1=HMAC(secret, timestamp + "." + body), compare, check age. */
    private static boolean verify(WebhookReceiver.Delivery d) throws Exception {
        long timestamp = Long.parseLong(d.header("Sentry-Connect-Timestamp"));
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = "v1=" + java.util.HexFormat.of().formatHex(mac.doFinal((timestamp + "." + d.body()).getBytes(StandardCharsets.UTF_8)));
        return java.security.MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                d.header("Sentry-Connect-Signature").getBytes(StandardCharsets.UTF_8))
                && Math.abs(Instant.now().getEpochSecond() - timestamp) < 3600 * 24 * 30;
    }

    /** With a webhook URL, an event is purged retention after it was delivered or given up; a pending one never. */
    @Test
    void deliveredAndGivenUpEventsArePurgedAfterTheRetentionAndPendingOnesKept() {
        String tenant = "t-retention-" + java.util.UUID.randomUUID();
        String insert = "INSERT INTO sentry_connect_grant_event (event_id, tenant_id, user_id, grant_id, type, payload, created_at, "
                + "next_attempt_at, delivered_at, failed_at) VALUES (gen_random_uuid(), '" + tenant + "', 'u1', gen_random_uuid(), "
                + "'grant.connected', '{}', now() - interval '30 days', now() + interval '1 day', ";
        io.sentryconnect.support.TestDatabase.execute(insert + "now() - interval '8 days', NULL)");
        io.sentryconnect.support.TestDatabase.execute(insert + "NULL, now() - interval '8 days')");
        io.sentryconnect.support.TestDatabase.execute(insert + "now() - interval '6 days', NULL)");
        io.sentryconnect.support.TestDatabase.execute(insert + "NULL, NULL)");
        assertTrue(retention.purge() >= 2);
        List<Map<String, Object>> left = io.sentryconnect.support.TestDatabase.query(
                "SELECT delivered_at, failed_at FROM sentry_connect_grant_event WHERE tenant_id = ? ORDER BY id", tenant);
        assertEquals(2, left.size(), left.toString());
        assertTrue(left.get(0).get("delivered_at") != null, "delivered 6 days ago: kept");
        assertEquals(null, left.get(1).get("delivered_at"), "pending: kept whatever its age");
        io.sentryconnect.support.TestDatabase.execute("DELETE FROM sentry_connect_grant_event WHERE tenant_id = '" + tenant + "'");
        String metrics = new io.sentryconnect.support.Http().get(serviceUrl() + "/prometheus").body();
        assertTrue(metrics.contains("sentry_connect_outbox_pending") && metrics.contains("sentry_connect_outbox_lag_seconds"),
                "with a webhook URL the outbox gauges are exported");
    }
}
