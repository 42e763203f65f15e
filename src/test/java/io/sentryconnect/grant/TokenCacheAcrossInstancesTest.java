package io.sentryconnect.grant;

import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.standin.RequestLogEntry;
import io.sentryconnect.standin.SentryStandIn;
import io.sentryconnect.support.Await;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.IntegrationTest;
import io.sentryconnect.support.LinkDriver;
import io.sentryconnect.support.LinkDriver.Linked;
import io.sentryconnect.support.TcpProxy;
import io.sentryconnect.support.TestDatabase;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two instances on one database: this test's context (A) and a second one (B), whose database connections pass a
 * counting TCP proxy. B caches a grant; A refreshes, revokes or disconnects it; B's next call sees the change.
 */
@MicronautTest(environments = "test", transactional = false)
class TokenCacheAcrossInstancesTest extends IntegrationTest {
    private static final URI DATABASE = URI.create(TestDatabase.database().url().substring("jdbc:".length()));
    private static final String PROJECTS = "organizations/acme/projects/";
    /** The listener's own statement; everything else B sends the database is what its calls cost. */
    private static final String HEARTBEAT = "SELECT 1";

    @Inject
    SentryStandIn standIn;
    @Inject
    JsonMapper json;

    private final TcpProxy database = new TcpProxy(DATABASE.getHost(), DATABASE.getPort() == -1 ? 5432 : DATABASE.getPort());
    private LinkDriver driver;
    private EmbeddedServer second;
    private GrantChangeListener secondListener;
    private Duration bound;

    @BeforeAll
    void startSecondInstance() {
        driver = new LinkDriver(serviceUrl(), standIn, json);
        int port = freePort();
        Map<String, Object> properties = new HashMap<>(TestDatabase.properties());
        properties.put("datasources.default.url", database.jdbcUrl(TestDatabase.database().url(), TestDatabase.database().schema()));
        properties.put("datasources.default.connection-timeout", "1000");
        properties.put("micronaut.server.port", port);
        properties.put("sentry-connect.public-url", "http://localhost:" + port);
        properties.put("sentry-connect.standin.enabled", false);
        properties.putAll(standIn.pluginProperties());
        // No background job of B's touches the database while a test counts its statements.
        properties.put("sentry-connect.webhook.poll-initial-delay", "1h");
        second = ApplicationContext.run(EmbeddedServer.class, properties, "test");
        secondListener = second.getApplicationContext().getBean(GrantChangeListener.class);
        bound = second.getApplicationContext().getBean(TokenCacheProperties.class).maxStaleness();
    }

    @AfterAll
    void stopSecondInstance() {
        second.close();
        database.close();
    }

    @Test
    void aCallOnAGrantTheInstanceHasSeenMakesNoDatabaseRoundTrip() {
        Linked grant = driver.linkForNewTenant("1", "acme");
        awaitCaughtUp();
        Map<String, Long> before = database.statements();
        cacheOnB(grant);
        assertEquals(1, statementsSince(before).values().stream().mapToLong(Long::longValue).sum(), "the first call reads the grant");
        Map<String, Long> cached = database.statements();
        for (int i = 0; i < 50; i++) {
            HttpResponse<String> response = callOnB(grant);
            assertEquals(200, response.statusCode(), response.body());
        }
        assertEquals(Map.of(), statementsSince(cached), "statements B sent for 50 calls on a cached grant");
    }

    @Test
    void aCachedGrantIsStillNotFoundForAnotherUserOrAnotherTenant() {
        Linked grant = driver.linkForNewTenant("1", "acme");
        cacheOnB(grant);
        String base = "http://localhost:" + second.getPort() + "/api/v1/grants/" + grant.grantId() + "/sentry/" + PROJECTS;
        int logged = standIn.requests(null).size();
        assertEquals(404, new Http().get(base, Http.bearer(driver.jwt(grant.tenant(), "u2"))).statusCode(), "another user");
        assertEquals(404, new Http().get(base, Http.bearer(driver.jwt("t-other-" + grant.tenant(), "u1", "tenant-admin"))).statusCode(),
                "another tenant's admin");
        assertEquals(200, new Http().get(base, Http.bearer(driver.jwt(grant.tenant(), "u2", "tenant-admin"))).statusCode(),
                "the tenant's admin");
        assertEquals(logged + 1, standIn.requests(null).size(), "only the admin's call reached Sentry");
    }

    @Test
    void aRefreshOnOneInstanceIsUsedByTheOtherOnItsNextCallWithoutATokenFailure() {
        Linked grant = driver.linkForNewTenant("1", "acme");
        cacheOnB(grant);
        standIn.expire("acme");
        long refreshes = tokenRequests();
        assertEquals(200, callOnA(grant).statusCode(), "A refreshes");
        assertEquals(1, tokenRequests() - refreshes);
        long caughtUpMs = awaitCaughtUp();

        int logged = standIn.requests("/api/0/").size();
        HttpResponse<String> response = callOnB(grant);
        assertEquals(200, response.statusCode(), response.body());
        List<Integer> statuses = standIn.requests("/api/0/").subList(logged, standIn.requests("/api/0/").size()).stream()
                .map(RequestLogEntry::status).toList();
        assertEquals(List.of(200), statuses, "B sent A's new token at once (no 401 with the old one first)");
        assertEquals(1, tokenRequests() - refreshes, "and asked for no token of its own");
        assertTrue(caughtUpMs <= bound.toMillis(), caughtUpMs + " ms");
    }

    @Test
    void aRevocationSeenOnOneInstanceStopsTheOtherBeforeItsNextCall() {
        Linked grant = driver.linkForNewTenant("1", "acme");
        cacheOnB(grant);
        standIn.revoke("1", "acme");
        assertEquals(409, callOnA(grant).statusCode(), "A learns of the revocation at Sentry");
        awaitCaughtUp();

        int logged = standIn.requests(null).size();
        HttpResponse<String> response = callOnB(grant);
        assertEquals(409, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"code\":\"grant_revoked\""), response.body());
        assertEquals(logged, standIn.requests(null).size(), "B sent nothing to Sentry");
    }

    @Test
    void aDisconnectOnOneInstanceStopsTheOtherBeforeItsNextCall() {
        Linked grant = driver.linkForNewTenant("1", "acme");
        cacheOnB(grant);
        assertEquals(204, new Http().delete(serviceUrl() + "/api/v1/grants/" + grant.grantId(), Http.bearer(grant.jwt())).statusCode());
        awaitCaughtUp();

        int logged = standIn.requests(null).size();
        HttpResponse<String> response = callOnB(grant);
        assertEquals(409, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"code\":\"grant_disconnected\""), response.body());
        assertEquals(logged, standIn.requests(null).size(), "B sent nothing to Sentry");
    }

    @Test
    void changesMissedWhileTheListenerWasCutOffAreNeverServedFromTheCache() {
        Linked grant = driver.linkForNewTenant("1", "acme");
        cacheOnB(grant);
        database.cut();
        Await.until(() -> !secondListener.caughtUpSince(System.nanoTime() - bound.toNanos()),
                "B's listener no longer confirms it is caught up", Duration.ofSeconds(10));
        // Written while B hears nothing: B's notification is lost for good.
        TestDatabase.execute("UPDATE sentry_connect_grant SET status = 'disconnected', status_reason = 'disconnected', "
                + "access_token = NULL, refresh_token = NULL, key_id = NULL, token_version = token_version + 1 WHERE id = '"
                + grant.grantId() + "'::uuid");
        int logged = standIn.requests(null).size();
        assertTrue(callOnB(grant).statusCode() >= 500, "without its database B cannot call, and does not use what it cached");
        database.restore();
        awaitCaughtUp();

        HttpResponse<String> response = callOnB(grant);
        assertEquals(409, response.statusCode(), response.body());
        assertEquals(logged, standIn.requests(null).size(), "B sent nothing to Sentry");
    }

    /** B calls with the grant until it holds it: then a call sends the database nothing. */
    private void cacheOnB(Linked grant) {
        awaitCaughtUp();
        assertEquals(200, callOnB(grant).statusCode());
        Map<String, Long> before = database.statements();
        assertEquals(200, callOnB(grant).statusCode());
        assertEquals(Map.of(), statementsSince(before), "B has the grant cached");
    }

    /** Statement texts B sent since {@code before}, with how often, the listener's heartbeats left out. */
    private Map<String, Long> statementsSince(Map<String, Long> before) {
        Map<String, Long> sent = new HashMap<>();
        database.statements().forEach((text, count) -> {
            long delta = count - before.getOrDefault(text, 0L);
            if (delta > 0 && !text.equals(HEARTBEAT)) {
                sent.put(text, delta);
            }
        });
        return sent;
    }

    /** Waits until B's listener confirms every change committed before now; returns how long that took. */
    private long awaitCaughtUp() {
        long start = System.nanoTime();
        Await.until(() -> secondListener.caughtUpSince(start), "B's listener is caught up", Duration.ofSeconds(30));
        return (System.nanoTime() - start) / 1_000_000;
    }

    private HttpResponse<String> callOnA(Linked grant) {
        return new Http().get(serviceUrl() + "/api/v1/grants/" + grant.grantId() + "/sentry/" + PROJECTS, Http.bearer(grant.jwt()));
    }

    private HttpResponse<String> callOnB(Linked grant) {
        return new Http().get("http://localhost:" + second.getPort() + "/api/v1/grants/" + grant.grantId() + "/sentry/" + PROJECTS,
                Http.bearer(grant.jwt()));
    }

    private long tokenRequests() {
        return standIn.requests("/oauth/token/").stream().filter(r -> "refresh_token".equals(r.grantType())).count();
    }
}
