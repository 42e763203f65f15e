package io.sentryconnect.token;

import io.micronaut.context.ApplicationContext;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.GrantEvents;
import io.sentryconnect.support.SecondInstance;
import io.sentryconnect.support.ServiceTest;
import io.sentryconnect.support.TestClock;
import io.sentryconnect.support.TestDatabase;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static io.sentryconnect.support.LinkDriver.location;
import static io.sentryconnect.support.LinkDriver.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The background refresh job: due grants refreshed once across instances, rejected ones revoked, through its index. */
@MicronautTest(environments = "test", transactional = false)
class BackgroundRefreshTest extends ServiceTest {
    @Inject
    BackgroundRefresher backgroundRefresher;

    private ApplicationContext second;

    @BeforeAll
    void setUp() {
        second = SecondInstance.start(standIn, Map.of());
    }

    @AfterAll
    void tearDown() {
        second.close();
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
        assertEquals(List.of("grant.connected", "grant.revoked"),
                GrantEvents.list(serviceUrl(), driver, jwt, null).stream().map(e -> e.get("type")).toList());
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

    private long refreshRequests() {
        return standIn.requests("/oauth/token/").stream().filter(r -> "refresh_token".equals(r.grantType())).count();
    }
}
