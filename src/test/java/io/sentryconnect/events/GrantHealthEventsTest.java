package io.sentryconnect.events;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.standin.Fault;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.LinkDriver;
import io.sentryconnect.support.ServiceTest;
import io.sentryconnect.support.TestClock;
import io.sentryconnect.support.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.sentryconnect.support.LinkDriver.location;
import static io.sentryconnect.support.LinkDriver.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Events for a grant's health, under the stand-in's faults, with two instances on one database: a refresh that
 * fails without revoking is reported once per interval however many calls and instances meet it, and the grant's
 * JSON says when it last failed and why; its recovery is reported once; a reconnect that changes the scope set says so.
 */
@MicronautTest(environments = "test", transactional = false)
class GrantHealthEventsTest extends ServiceTest {
    private static final String TOKEN = "/oauth/token/";

    private ApplicationContext second;
    private String secondUrl;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("sentry-connect.refresh.failure-event-interval", "10m");
    }

    @BeforeAll
    void setUp() {
        Map<String, Object> properties = new HashMap<>(TestDatabase.properties());
        int port = freePort();
        properties.put("micronaut.server.port", port);
        properties.put("sentry-connect.public-url", "http://localhost:" + port);
        properties.put("sentry-connect.standin.enabled", false);
        properties.putAll(standIn.pluginProperties());
        properties.putAll(extraProperties());
        second = ApplicationContext.run(EmbeddedServer.class, properties, "test").getApplicationContext();
        secondUrl = "http://localhost:" + port;
    }

    @AfterAll
    void tearDown() {
        second.close();
    }

    @AfterEach
    void resetWorld() {
        second.getBean(TestClock.class).reset();
    }

    @Test
    void aFailingRefreshIsReportedOncePerIntervalAcrossTwoInstancesAndItsRecoveryOnce() throws Exception {
        LinkDriver.Linked grant = driver.linkForNewTenant("1", "acme");
        assertEquals(java.util.Arrays.asList(null, null), failureFields(grant), "a grant that never failed says so, with nulls");
        standIn.expire("acme");
        standIn.addFault(Fault.status(TOKEN, 503, 1000));
        long refreshesBefore = refreshRequests();

        // Six calls, three on each instance at once: each needs a refresh, and each refresh meets Sentry's 503.
        List<Integer> statuses = onBothInstances(grant, 3);
        assertTrue(statuses.stream().allMatch(s -> s == 502), "every call fails clearly: " + statuses);
        long failedRefreshes = refreshRequests() - refreshesBefore;
        assertTrue(failedRefreshes >= 2, "both instances refreshed: " + failedRefreshes);

        List<Map<String, Object>> events = events(grant.tenant());
        assertEquals(List.of("grant.connected", "grant.refresh_failed"), types(events), "one report inside the interval");
        assertEquals(Map.of("reason", "sentry_unavailable", "attempts", 1), failure(events.get(1)));
        Map<String, Object> row = healthRow(grant);
        assertEquals(failedRefreshes, ((Number) row.get("failure_attempts")).longValue(), "every failed refresh counted");
        assertEquals(List.of(row.get("last_failure_at_text"), "sentry_unavailable"), failureFields(grant),
                "the grant's JSON says when it last failed and why");

        // Past the interval, the next failure is reported again, with the streak's attempt count.
        clock.advance(Duration.ofMinutes(11));
        second.getBean(TestClock.class).advance(Duration.ofMinutes(11));
        assertEquals(502, proxy(secondUrl, grant).statusCode());
        events = events(grant.tenant());
        assertEquals(List.of("grant.connected", "grant.refresh_failed", "grant.refresh_failed"), types(events));
        assertEquals(Map.of("reason", "sentry_unavailable", "attempts", (int) failedRefreshes + 1), failure(events.get(2)));

        // Sentry answers again: both instances' calls succeed, and the recovery is reported once.
        standIn.clearFaults();
        statuses = onBothInstances(grant, 2);
        assertTrue(statuses.stream().allMatch(s -> s == 200), "the calls work again: " + statuses);
        events = events(grant.tenant());
        assertEquals(List.of("grant.connected", "grant.refresh_failed", "grant.refresh_failed", "grant.recovered"), types(events));
        assertEquals(Map.of("reason", "sentry_unavailable", "attempts", (int) failedRefreshes + 1), failure(events.get(3)));
        assertEquals(0, healthRow(grant).get("failure_attempts"));
        assertEquals("sentry_unavailable", failureFields(grant).get(1), "when it last failed stays after the recovery");
    }

    @Test
    void aGrantFlappingInsideTheIntervalIsReportedFailedAndRecoveredOnce() {
        LinkDriver.Linked grant = driver.linkForNewTenant("1", "acme");
        for (int round = 0; round < 2; round++) {
            standIn.expire("acme");
            standIn.addFault(Fault.status(TOKEN, 429, 1));
            assertEquals(429, proxy(round == 0 ? serviceUrl() : secondUrl, grant).statusCode());
            assertEquals(200, proxy(round == 0 ? secondUrl : serviceUrl(), grant).statusCode());
        }
        List<Map<String, Object>> events = events(grant.tenant());
        assertEquals(List.of("grant.connected", "grant.refresh_failed", "grant.recovered"), types(events),
                "the second failure fell inside the interval: neither it nor its recovery is reported");
        assertEquals(Map.of("reason", "rate_limited", "attempts", 1), failure(events.get(1)));
        assertEquals("rate_limited", failureFields(grant).get(1));
    }

    @Test
    void aRevokingRefreshIsNoRefreshFailure() {
        LinkDriver.Linked grant = driver.linkForNewTenant("1", "acme");
        standIn.revoke("1", "acme");
        assertEquals(409, proxy(serviceUrl(), grant).statusCode());
        assertEquals(List.of("grant.connected", "grant.revoked"), types(events(grant.tenant())));
        assertEquals(java.util.Arrays.asList(null, null), failureFields(grant));
    }

    @Test
    void aReconnectGrantingAnotherScopeSetWritesScopesChangedAndTheSameSetDoesNot() {
        String tenant = "t-" + java.util.UUID.randomUUID();
        String jwt = driver.jwt(tenant, "u1");
        String grantId = query(location(linkWithScopes(jwt, List.of("org:read", "project:read", "event:read")))).get("grant_id");
        assertEquals(grantId, query(location(linkWithScopes(jwt, List.of("org:read", "project:read")))).get("grant_id"));
        assertEquals(grantId, query(location(linkWithScopes(jwt, List.of("project:read", "org:read")))).get("grant_id"));

        List<Map<String, Object>> events = events(tenant);
        assertEquals(List.of("grant.connected", "grant.reconnected", "grant.scopes_changed", "grant.reconnected"), types(events),
                "the third link grants the same set in another order: no change");
        java.util.Set<Object> before = scopes(events.get(0));
        java.util.Set<Object> after = scopes(events.get(2));
        assertTrue(before.contains("event:read") && !after.contains("event:read"), before + " -> " + after);
        Map<String, Object> data = data(events.get(2));
        assertEquals(before, java.util.Set.copyOf((List<?>) data.get("previous_scopes")));
        assertEquals(List.of(), data.get("added_scopes"));
        java.util.Set<Object> removed = new java.util.HashSet<>(before);
        removed.removeAll(after);
        assertEquals(removed, java.util.Set.copyOf((List<?>) data.get("removed_scopes")));
        assertEquals(after, scopes(events.get(1)), "scopes_changed follows the reconnect it describes");
    }

    @SuppressWarnings("unchecked")
    private static java.util.Set<Object> scopes(Map<String, Object> event) {
        return java.util.Set.copyOf((List<Object>) ((Map<String, Object>) data(event).get("grant")).get("scopes"));
    }

    // --- helpers ------------------------------------------------------------------------------------------------------

    private HttpResponse<String> linkWithScopes(String jwt, List<String> scopes) {
        HttpResponse<String> created = driver.createLink(jwt, Map.of("return_to", LinkDriver.RETURN_TO, "scopes", scopes));
        assertEquals(201, created.statusCode(), created.body());
        return driver.link(new Http(), (String) driver.map(created.body()).get("link_url"), "1", "acme");
    }

    private List<Integer> onBothInstances(LinkDriver.Linked grant, int callsEach) throws Exception {
        List<CompletableFuture<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < callsEach; i++) {
            for (String base : List.of(serviceUrl(), secondUrl)) {
                calls.add(CompletableFuture.supplyAsync(() -> proxy(base, grant).statusCode()));
            }
        }
        List<Integer> statuses = new ArrayList<>();
        for (CompletableFuture<Integer> call : calls) {
            statuses.add(call.get());
        }
        return statuses;
    }

    private HttpResponse<String> proxy(String base, LinkDriver.Linked grant) {
        return proxy(base, grant, "organizations/acme/projects/");
    }

    private long refreshRequests() {
        return standIn.requests(TOKEN).stream().filter(r -> "refresh_token".equals(r.grantType())).count();
    }

    /** {@code last_failure_at} and {@code last_failure_reason} of the grant's JSON ({@code GET /api/v1/grants/{id}}). */
    private List<Object> failureFields(LinkDriver.Linked grant) {
        HttpResponse<String> response = new Http().get(serviceUrl() + "/api/v1/grants/" + grant.grantId(), Http.bearer(grant.jwt()));
        assertEquals(200, response.statusCode(), response.body());
        Map<String, Object> body = driver.map(response.body());
        assertTrue(body.containsKey("last_failure_at") && body.containsKey("last_failure_reason"), "always present: " + body);
        Object at = body.get("last_failure_at");
        return java.util.Arrays.asList(at == null ? null : java.time.Instant.parse((String) at).toString(), body.get("last_failure_reason"));
    }

    private static Map<String, Object> healthRow(LinkDriver.Linked grant) {
        Map<String, Object> row = TestDatabase.query("SELECT failure_attempts, last_failure_at FROM sentry_connect_grant WHERE id = ?::uuid",
                grant.grantId()).get(0);
        Object at = row.get("last_failure_at");
        assertNotNull(at);
        row.put("last_failure_at_text", ((java.sql.Timestamp) at).toInstant().toString());
        return row;
    }

    private List<Map<String, Object>> events(String tenant) {
        List<Map<String, Object>> events = new ArrayList<>();
        for (Map<String, Object> row : TestDatabase.query("SELECT payload FROM sentry_connect_grant_event WHERE tenant_id = ? ORDER BY id", tenant)) {
            events.add(driver.map(String.valueOf(row.get("payload"))));
        }
        return events;
    }

    private static List<Object> types(List<Map<String, Object>> events) {
        return events.stream().map(e -> e.get("type")).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> data(Map<String, Object> event) {
        return (Map<String, Object>) event.get("data");
    }

    /** The event's failure: reason and attempts (its time is checked against the grant's). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> failure(Map<String, Object> event) {
        Map<String, Object> failure = new HashMap<>((Map<String, Object>) data(event).get("failure"));
        assertNull(failure.get("failed_at") == null ? "missing failed_at" : null);
        failure.remove("failed_at");
        failure.replaceAll((k, v) -> v instanceof Number n ? n.intValue() : v);
        return failure;
    }
}
