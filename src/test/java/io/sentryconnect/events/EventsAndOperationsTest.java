package io.sentryconnect.events;

import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.standin.SentryStandIn;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.IntegrationTest;
import io.sentryconnect.support.LinkDriver;
import io.sentryconnect.testing.LogCapture;
import io.sentryconnect.support.TestClock;
import io.sentryconnect.support.TestDatabase;
import io.sentryconnect.support.WebhookReceiver;
import io.sentryconnect.token.BackgroundRefresher;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import static io.sentryconnect.support.LinkDriver.location;
import static io.sentryconnect.support.LinkDriver.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@MicronautTest(environments = "test", transactional = false)
class EventsAndOperationsTest extends IntegrationTest {
    private static final String WEBHOOK_SECRET = "test-webhook-secret-0123456789";
    private final WebhookReceiver receiver = new WebhookReceiver();

    @Inject
    SentryStandIn standIn;
    @Inject
    JsonMapper json;
    @Inject
    TestClock clock;
    @Inject
    WebhookDelivery delivery;
    @Inject
    BackgroundRefresher backgroundRefresher;

    private LinkDriver driver;
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
        driver = new LinkDriver(serviceUrl(), standIn, json);
        TestDatabase.installFailingTrigger();
        Map<String, Object> properties = new HashMap<>(TestDatabase.properties());
        int port = freePort();
        properties.put("micronaut.server.port", port);
        properties.put("sentry-connect.public-url", "http://localhost:" + port);
        properties.put("sentry-connect.standin.enabled", false);
        properties.put("sentry-connect.sentry.base-url", standIn.baseUrl().toString());
        properties.putAll(extraProperties());
        second = ApplicationContext.run(EmbeddedServer.class, properties, "test").getApplicationContext();
    }

    @AfterAll
    void tearDown() {
        second.close();
        receiver.close();
        assertEquals(List.of(), LogCapture.linesContaining(WEBHOOK_SECRET));
    }

    @AfterEach
    void resetWorld() {
        clock.reset();
        standIn.clearFaults();
        receiver.failNext(0);
    }

    @Test
    void everyGrantChangeWritesItsEventAndThePollingApiListsThemInOrder() {
        String tenant = "t-" + UUID.randomUUID();
        String jwt = driver.jwt(tenant, "u1");
        String grantId = query(location(driver.link(jwt, "1", "acme"))).get("grant_id");
        driver.link(jwt, "1", "acme");
        standIn.revoke("1", "acme");
        assertEquals(409, new Http().get(serviceUrl() + "/api/v1/grants/" + grantId + "/sentry/organizations/acme/projects/",
                Http.bearer(jwt)).statusCode());
        assertEquals(204, new Http().delete(serviceUrl() + "/api/v1/grants/" + grantId, Http.bearer(jwt)).statusCode());

        List<Map<String, Object>> events = events(jwt, null);
        assertEquals(List.of("grant.connected", "grant.reconnected", "grant.revoked", "grant.disconnected"),
                events.stream().map(e -> e.get("type")).toList());
        for (Map<String, Object> event : events) {
            assertEquals(tenant, event.get("tenant_id"));
            @SuppressWarnings("unchecked")
            Map<String, Object> grant = (Map<String, Object>) ((Map<String, Object>) event.get("data")).get("grant");
            assertEquals(grantId, grant.get("id"));
            assertFalse(event.toString().contains("token\""), "no tokens in events: " + event);
        }
        String cursor = (String) events.get(1).get("cursor");
        assertEquals(List.of("grant.revoked", "grant.disconnected"), events(jwt, cursor).stream().map(e -> e.get("type")).toList());
        String otherUser = driver.jwt(tenant, "u2");
        assertEquals(List.of(), events(otherUser, null), "a user sees their own grants' events");
        assertEquals(4, events(driver.jwt(tenant, "admin", "tenant-admin"), null).size(), "an admin sees the tenant's");
    }

    @Test
    void aRolledBackChangeLeavesNoEvent() {
        String tenant = TestDatabase.FAILING_TENANT;
        driver.link(driver.jwt(tenant, "u1"), "1", "acme");
        assertEquals(List.of(), TestDatabase.query("SELECT 1 FROM sentry_connect_grant_event WHERE tenant_id = ?", tenant));
        assertEquals(List.of(), TestDatabase.query("SELECT 1 FROM sentry_connect_grant WHERE tenant_id = ?", tenant));
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

    @Test
    void theBackgroundJobRefreshesDueGrantsOnceAcrossTwoInstancesAndLeavesFreshOnesAlone() throws Exception {
        String tenant = "t-" + UUID.randomUUID();
        String jwt = driver.jwt(tenant, "u1");
        for (String org : List.of("acme", "globex", "initech")) {
            driver.link(jwt, "1", org);
        }
        // Other tests' grants share the schema: keep them out of this count.
        TestDatabase.execute("UPDATE sentry_connect_grant SET refresh_due_at = now() + interval '10 years' "
                + "WHERE tenant_id <> '" + tenant + "' AND refresh_due_at IS NOT NULL");
        clock.advance(Duration.ofDays(28));
        // The second instance has its own clock: move it as well, so that both see the grants due.
        second.getBean(TestClock.class).advance(Duration.ofDays(28));
        String fresh = query(location(driver.link(jwt, "2", "umbrella"))).get("grant_id");
        long before = refreshRequests();
        BackgroundRefresher other = second.getBean(BackgroundRefresher.class);
        for (int round = 0; round < 5; round++) {
            CompletableFuture<Integer> a = CompletableFuture.supplyAsync(backgroundRefresher::runOnce);
            CompletableFuture<Integer> b = CompletableFuture.supplyAsync(other::runOnce);
            a.get();
            b.get();
        }
        second.getBean(TestClock.class).reset();
        assertEquals(3, refreshRequests() - before, "each due grant refreshed exactly once, across both instances");
        List<Map<String, Object>> rows = TestDatabase.query("SELECT id::text AS id, last_refreshed_at FROM sentry_connect_grant WHERE tenant_id = ?", tenant);
        assertEquals(4, rows.size());
        for (Map<String, Object> row : rows) {
            if (row.get("id").equals(fresh)) {
                assertEquals(null, row.get("last_refreshed_at"), "a fresh grant is left alone");
            } else {
                assertNotNull(row.get("last_refreshed_at"), "a due grant is refreshed: " + row);
            }
        }
    }

    @Test
    void aGrantRejectedDuringBackgroundRefreshTurnsRevokedWithItsEvent() {
        String tenant = "t-" + UUID.randomUUID();
        String jwt = driver.jwt(tenant, "u1");
        String grantId = query(location(driver.link(jwt, "2", "umbrella"))).get("grant_id");
        standIn.revoke("2", "umbrella");
        clock.advance(Duration.ofDays(28));
        backgroundRefresher.runOnce();
        Map<String, Object> row = TestDatabase.query("SELECT status, status_reason FROM sentry_connect_grant WHERE id = ?::uuid", grantId).get(0);
        assertEquals("revoked", row.get("status"));
        assertEquals("refresh_rejected", row.get("status_reason"));
        assertEquals(List.of("grant.connected", "grant.revoked"), events(jwt, null).stream().map(e -> e.get("type")).toList());
    }

    @Test
    void theDueGrantQueryCanUseItsPartialIndex() {
        List<String> plan = new ArrayList<>();
        try (var c = TestDatabase.connection(); var st = c.createStatement()) {
            st.execute("SET enable_seqscan = off");
            try (var rs = st.executeQuery("EXPLAIN SELECT id, token_version FROM sentry_connect_grant WHERE status = 'active' "
                    + "AND refresh_due_at <= now() AND (refresh_claimed_until IS NULL OR refresh_claimed_until < now()) "
                    + "ORDER BY refresh_due_at LIMIT 50 FOR UPDATE SKIP LOCKED")) {
                while (rs.next()) {
                    plan.add(rs.getString(1));
                }
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        assertTrue(plan.stream().anyMatch(l -> l.contains("sentry_connect_grant_refresh_due_idx")), String.join("\n", plan));
    }

    @Test
    void prometheusExposesTheServiceMetricsAndTheCountersMove() {
        String tenant = "t-" + UUID.randomUUID();
        String jwt = driver.jwt(tenant, "u1");
        double linksBefore = metric("sentry_connect_link_outcomes_total{code=\"connected\"");
        double callsBefore = metric("sentry_connect_proxy_calls_seconds_count{method=\"GET\",outcome=\"200\"");
        String grantId = query(location(driver.link(jwt, "1", "acme"))).get("grant_id");
        new Http().get(serviceUrl() + "/api/v1/grants/" + grantId + "/sentry/organizations/acme/projects/", Http.bearer(jwt));
        new Http().get(serviceUrl() + "/api/v1/grants/" + grantId + "/sentry/organizations/acme/projects/", Http.bearer(jwt));
        assertEquals(linksBefore + 1, metric("sentry_connect_link_outcomes_total{code=\"connected\""));
        assertEquals(callsBefore + 2, metric("sentry_connect_proxy_calls_seconds_count{method=\"GET\",outcome=\"200\""));
        HttpResponse<String> metrics = new Http().get(serviceUrl() + "/prometheus");
        assertEquals(200, metrics.statusCode());
        for (String name : List.of("sentry_connect_link_attempts_total", "sentry_connect_link_outcomes_total{code=\"connected\"",
                "sentry_connect_proxy_calls_seconds_count", "sentry_connect_sentry_rate_limit_remaining",
                "sentry_connect_outbox_pending", "sentry_connect_outbox_lag_seconds", "http_server_requests_seconds_count")) {
            assertTrue(metrics.body().contains(name), name + " missing");
        }
    }

    @Inject
    io.sentryconnect.grant.TokenReencryption reencryption;
    @Inject
    io.sentryconnect.token.EncryptionProperties keys;
    @Inject
    io.sentryconnect.token.TokenCipher cipher;

    @Test
    void reencryptionMovesEveryGrantToThePrimaryKeyInResumableIdempotentBatches() {
        String tenant = "t-" + UUID.randomUUID();
        String jwt = driver.jwt(tenant, "u1");
        List<String> grantIds = new ArrayList<>();
        for (String org : List.of("acme", "globex", "initech")) {
            grantIds.add(query(location(driver.link(jwt, "1", org))).get("grant_id"));
        }
        // Put the three grants back under the older key 1, as if they had been written before key 2 was added.
        io.sentryconnect.token.TokenCipher old = new io.sentryconnect.token.TokenCipher(
                new io.sentryconnect.token.EncryptionProperties(1, keys.keys()));
        for (Map<String, Object> row : TestDatabase.query("SELECT id, access_token, refresh_token FROM sentry_connect_grant WHERE tenant_id = ?", tenant)) {
            String ad = "sentry-connect:grant:" + tenant.length() + ":" + tenant + ":" + row.get("id") + ":";
            row.put("tenant_id", tenant);
            byte[] access = old.encrypt(TestDatabase.decrypt(cipher, row, "access"), ad + "access");
            byte[] refresh = old.encrypt(TestDatabase.decrypt(cipher, row, "refresh"), ad + "refresh");
            try (var c = TestDatabase.connection(); var ps = c.prepareStatement(
                    "UPDATE sentry_connect_grant SET access_token = ?, refresh_token = ?, key_id = 1 WHERE id = ?")) {
                ps.setBytes(1, access);
                ps.setBytes(2, refresh);
                ps.setObject(3, row.get("id"));
                ps.executeUpdate();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
            assertEquals(1, io.sentryconnect.token.TokenCipher.keyIdOf(access));
        }
        String call = "/sentry/organizations/acme/projects/";
        assertEquals(200, new Http().get(serviceUrl() + "/api/v1/grants/" + grantIds.get(0) + call, Http.bearer(jwt)).statusCode(),
                "the old key still decrypts");

        assertEquals(2, reencryption.run(2, 1), "one batch of two, then stopped");
        assertEquals(1, TestDatabase.query("SELECT 1 FROM sentry_connect_grant WHERE tenant_id = ? AND key_id = 1", tenant).size());
        assertEquals(1, reencryption.run(2, 100), "resumed: the rest");
        assertEquals(0, reencryption.run(2, 100), "idempotent: nothing left");
        for (Map<String, Object> row : TestDatabase.query("SELECT access_token, refresh_token, key_id FROM sentry_connect_grant WHERE tenant_id = ?", tenant)) {
            assertEquals(2, row.get("key_id"));
            assertEquals(2, io.sentryconnect.token.TokenCipher.keyIdOf((byte[]) row.get("access_token")));
            assertEquals(2, io.sentryconnect.token.TokenCipher.keyIdOf((byte[]) row.get("refresh_token")));
        }
        assertEquals(200, new Http().get(serviceUrl() + "/api/v1/grants/" + grantIds.get(0) + call, Http.bearer(jwt)).statusCode());
    }

    @Test
    void logLinesCarryTheRequestIdTenantAndGrant() {
        String tenant = "t-" + UUID.randomUUID();
        String jwt = driver.jwt(tenant, "u1");
        String grantId = query(location(driver.link(jwt, "1", "acme"))).get("grant_id");
        HttpResponse<String> response = new Http().delete(serviceUrl() + "/api/v1/grants/" + grantId,
                "Authorization", "Bearer " + jwt, "X-Request-Id", "req-mdc-check-42");
        assertEquals(204, response.statusCode());
        assertEquals("req-mdc-check-42", response.headers().firstValue("X-Request-Id").orElseThrow());
        List<String> lines = LogCapture.linesContaining("request_id=req-mdc-check-42");
        assertFalse(lines.isEmpty(), "the disconnect's log line carries the request id");
        assertTrue(lines.stream().allMatch(l -> l.contains("tenant_id=" + tenant) && l.contains("grant_id=" + grantId)), lines.toString());
        HttpResponse<String> generated = new Http().get(serviceUrl() + "/api/v1/me", Http.bearer(jwt));
        assertTrue(generated.headers().firstValue("X-Request-Id").orElseThrow().length() >= 16, "a request id is made up when none is sent");
    }

    /** The value of the first Prometheus sample whose name and labels start with {@code prefix}; 0 when absent. */
    private double metric(String prefix) {
        return new Http().get(serviceUrl() + "/prometheus").body().lines()
                .filter(line -> line.startsWith(prefix))
                .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElse(0.0);
    }

    private void drain() {
        for (int i = 0; i < 5; i++) {
            delivery.deliverBatch();
        }
    }

    private long refreshRequests() {
        return standIn.requests("/oauth/token/").stream().filter(r -> "refresh_token".equals(r.grantType())).count();
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

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> events(String jwt, String after) {
        HttpResponse<String> response = new Http().get(serviceUrl() + "/api/v1/events" + (after == null ? "" : "?after=" + after), Http.bearer(jwt));
        assertEquals(200, response.statusCode(), response.body());
        return (List<Map<String, Object>>) driver.map("{\"e\":" + response.body() + "}").get("e");
    }
}
