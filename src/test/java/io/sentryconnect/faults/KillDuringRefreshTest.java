package io.sentryconnect.faults;

import io.micronaut.json.JsonMapper;
import io.sentryconnect.standin.Fault;
import io.sentryconnect.standin.RequestLogEntry;
import io.sentryconnect.standin.SentryStandIn;
import io.sentryconnect.standin.StandInConfiguration;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.IntegrationTest;
import io.sentryconnect.support.LinkDriver;
import io.sentryconnect.support.ServiceProcess;
import io.sentryconnect.support.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;

import static io.sentryconnect.support.LinkDriver.location;
import static io.sentryconnect.support.LinkDriver.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kill -9} of a service process while two refreshes are in flight, then a restart on the same database.
 * One refresh never reached Sentry's endpoint (the stand-in holds it, then drops the connection); the other reached
 * it and Sentry rotated the tokens after the process died, so the answer is lost for good.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KillDuringRefreshTest {
    private final SentryStandIn standIn = new SentryStandIn(StandInConfiguration.ephemeral(), Clock.systemUTC());
    private final JsonMapper json = JsonMapper.createDefault();
    private ServiceProcess service;

    @BeforeAll
    void startStandIn() {
        standIn.start();
    }

    @AfterAll
    void stopEverything() {
        if (service != null) {
            service.close();
        }
        standIn.close();
        // Other classes count the grants their background job refreshes across the whole table: leave none of ours.
        TestDatabase.execute("DELETE FROM sentry_connect_grant_event WHERE tenant_id LIKE 't-kill-%'");
        TestDatabase.execute("DELETE FROM sentry_connect_grant WHERE tenant_id LIKE 't-kill-%'");
    }

    private ServiceProcess startService(String name) {
        // A long token timeout: the process must still be waiting for Sentry when it is killed.
        ServiceProcess started = ServiceProcess.start(name, IntegrationTest.freePort(), standIn.pluginProperties(),
                Map.of("sentry-connect.http.token-read-timeout", "30s", "sentry-connect.http.discovery-read-timeout", "30s"),
                List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"));
        started.awaitHealthy(Duration.ofMinutes(2));
        return started;
    }

    @Test
    void aGrantSurvivesAKillDuringItsRefreshUnlessSentryRotatedItsTokensAfterTheProcessDied() throws Exception {
        service = startService("kill-before");
        LinkDriver driver = new LinkDriver(service.url(), standIn, json);
        Grant survivor = link(driver, "acme");
        Grant lost = link(driver, "globex");
        Map<String, Object> survivorBefore = row(survivor);
        Map<String, Object> lostBefore = row(lost);
        standIn.expire(null);

        // The survivor's refresh is held by Sentry and then dropped without reaching the token endpoint.
        standIn.addFault(new Fault("/oauth/token/", 0, 8_000, true, false, 1));
        CompletableFuture<HttpResponse<String>> survivorCall = CompletableFuture.supplyAsync(() -> proxy(service, survivor));
        awaitFaultTaken();
        // The other refresh is held, then served: Sentry rotates the tokens while nobody listens any more.
        standIn.addFault(Fault.delay("/oauth/token/", 3_000, 1));
        CompletableFuture<HttpResponse<String>> lostCall = CompletableFuture.supplyAsync(() -> proxy(service, lost));
        awaitFaultTaken();
        assertTrue(rowLocked(survivor) && rowLocked(lost), "both refreshes hold their grant's row lock");

        service.kill();

        assertThrows(ExecutionException.class, survivorCall::get, "the caller sees the connection end");
        assertThrows(ExecutionException.class, lostCall::get);
        await(() -> refreshes().size() == 2, "both held refreshes finished at Sentry");
        assertEquals(List.of(0, 200), refreshes().stream().map(RequestLogEntry::status).sorted().toList(),
                "one dropped before the endpoint, one served (tokens rotated) after the kill");
        assertEquals(survivorBefore, row(survivor), "the killed transaction left nothing behind");
        assertEquals(lostBefore, row(lost), "the killed transaction left nothing behind: the rotated tokens are lost");

        service = startService("kill-after");

        HttpResponse<String> works = proxy(service, survivor);
        assertEquals(200, works.statusCode(), works.body());
        assertEquals("active", row(survivor).get("status"));
        assertEquals((Long) survivorBefore.get("token_version") + 1, row(survivor).get("token_version"));

        HttpResponse<String> revoked = proxy(service, lost);
        assertEquals(409, revoked.statusCode(), revoked.body());
        assertEquals("grant_revoked", driver.map(revoked.body()).get("code"));
        assertEquals("revoked", row(lost).get("status"));
        assertEquals("refresh_lost", row(lost).get("status_reason"), "reported as a lost refresh, not a revocation by the user");
        assertEquals(List.of("grant.connected", "grant.revoked"), TestDatabase.query(
                "SELECT type FROM sentry_connect_grant_event WHERE grant_id = ?::uuid ORDER BY id", lost.id()).stream().map(r -> r.get("type")).toList());

        // The way back for the lost grant is the reconnect link: the same grant, active again.
        LinkDriver after = new LinkDriver(service.url(), standIn, json);
        HttpResponse<String> created = new Http().postJson(service.url() + "/api/v1/grants/" + lost.id() + "/reconnect",
                after.toJson(Map.of("return_to", LinkDriver.RETURN_TO)), Http.bearer(lost.jwt()));
        assertEquals(201, created.statusCode(), created.body());
        HttpResponse<String> done = after.link(new Http(), (String) after.map(created.body()).get("link_url"), "1", "globex");
        assertEquals(lost.id(), query(location(done)).get("grant_id"), location(done));
        assertEquals(200, proxy(service, lost).statusCode());
    }

    record Grant(String tenant, String id, String jwt, String org) {
    }

    private static Grant link(LinkDriver driver, String org) {
        String tenant = "t-kill-" + UUID.randomUUID();
        String jwt = driver.jwt(tenant, "u1");
        HttpResponse<String> done = driver.link(jwt, "1", org);
        String id = query(location(done)).get("grant_id");
        assertNotNull(id, location(done));
        return new Grant(tenant, id, jwt, org);
    }

    private static HttpResponse<String> proxy(ServiceProcess service, Grant grant) {
        return new Http().get(service.url() + "/api/v1/grants/" + grant.id() + "/sentry/organizations/" + grant.org() + "/projects/",
                Http.bearer(grant.jwt()));
    }

    private static Map<String, Object> row(Grant grant) {
        Map<String, Object> row = TestDatabase.query("SELECT * FROM sentry_connect_grant WHERE id = ?::uuid", grant.id()).get(0);
        row.replaceAll((k, v) -> v instanceof byte[] bytes ? java.util.HexFormat.of().formatHex(bytes) : v);
        return row;
    }

    /** Whether another session holds the grant's row lock: a NOWAIT lock attempt fails then. */
    private static boolean rowLocked(Grant grant) {
        try (var connection = TestDatabase.connection(); var statement = connection.prepareStatement(
                "SELECT 1 FROM sentry_connect_grant WHERE id = ?::uuid FOR UPDATE NOWAIT")) {
            statement.setString(1, grant.id());
            statement.executeQuery().close();
            return false;
        } catch (java.sql.SQLException e) {
            if ("55P03".equals(e.getSQLState())) {
                return true;
            }
            throw new IllegalStateException(e);
        }
    }

    private List<RequestLogEntry> refreshes() {
        return standIn.requests("/oauth/token/").stream().filter(r -> "refresh_token".equals(r.grantType())).toList();
    }

    /** The stand-in takes a fault when the request arrives (before its delay): then the refresh is in flight. */
    private void awaitFaultTaken() {
        await(() -> new Http().get(standIn.baseUrl() + "/_standin/faults").body().replace(" ", "").contains("\"faults\":[]"),
                "the refresh reached Sentry");
    }

    private static void await(BooleanSupplier condition, String what) {
        io.sentryconnect.support.Await.until(condition, what, java.time.Duration.ofSeconds(30));
    }
}
