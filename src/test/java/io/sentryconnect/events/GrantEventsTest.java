package io.sentryconnect.events;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.GrantEvents;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.ServiceTest;
import io.sentryconnect.support.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.sentryconnect.support.LinkDriver.location;
import static io.sentryconnect.support.LinkDriver.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The outbox: every grant change writes its event in the change's transaction; the polling API lists them. */
@MicronautTest(environments = "test", transactional = false)
class GrantEventsTest extends ServiceTest {
    @BeforeAll
    void setUp() {
        TestDatabase.installFailingTrigger();
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

    /**
     * Event ids come from a sequence at insert, not at commit: an event whose transaction took the smaller id and
     * commits last must still reach a poller that already read the later one. Both orders of the two transactions'
     * ids are played: the first to take an event id also took its transaction id first, and the other way round.
     */
    @Test
    void anEventThatCommitsAfterALaterOneIsNeverSkipped() throws Exception {
        for (boolean laterTransactionStartsFirst : new boolean[]{false, true}) {
            String tenant = "t-order-" + UUID.randomUUID();
            String jwt = driver.jwt(tenant, "u1");
            // A real event's payload as the template of the two written by hand below (the answer is contract-checked).
            driver.link(jwt, "1", "acme");
            String cursor = (String) events(jwt, null).get(0).get("cursor");
            String template = (String) TestDatabase.query("SELECT payload FROM sentry_connect_grant_event WHERE tenant_id = ?",
                    tenant).get(0).get("payload");
            List<String> seen = new java.util.ArrayList<>();
            try (Connection slow = TestDatabase.connection(); Connection fast = TestDatabase.connection()) {
                slow.setAutoCommit(false);
                fast.setAutoCommit(false);
                if (laterTransactionStartsFirst) {
                    try (Statement statement = fast.createStatement()) {
                        statement.execute("SELECT pg_current_xact_id()");
                    }
                }
                String early = insertEvent(slow, tenant, template);
                String late = insertEvent(fast, tenant, template);
                fast.commit();
                // At once: this thread holds the slow transaction open, so waiting for older ones would never end.
                for (Map<String, Object> event : GrantEvents.listNow(serviceUrl(), driver, jwt, cursor)) {
                    seen.add((String) event.get("id"));
                    cursor = (String) event.get("cursor");
                }
                slow.commit();
                for (Map<String, Object> event : events(jwt, cursor)) {
                    seen.add((String) event.get("id"));
                }
                assertEquals(java.util.Set.of(early, late), java.util.Set.copyOf(seen),
                        "the poller saw every event once (later transaction started first: " + laterTransactionStartsFirst + ")");
                assertEquals(2, seen.size(), "and none twice: " + seen);
            }
        }
    }

    @Test
    void aCursorFromBeforeTheCommitOrderStillReadsOnAndABadOneIs400() {
        String tenant = "t-legacy-" + UUID.randomUUID();
        String jwt = driver.jwt(tenant, "u1");
        driver.link(jwt, "1", "acme");
        List<Map<String, Object>> events = events(jwt, null);
        assertEquals(1, events.size());
        // A plain event id was the cursor before migration V10: rows written after it sort after every such cursor.
        assertEquals(events, events(jwt, "0"));
        String cursor = (String) events.get(0).get("cursor");
        assertEquals(List.of(), events(jwt, cursor));
        for (String bad : List.of("18446744073709551616.1", "1.99999999999999999999", "1.2.3", "-1", ".5")) {
            assertEquals(400, new Http().get(serviceUrl() + "/api/v1/events?after=" + bad, Http.bearer(jwt)).statusCode(), bad);
        }
    }

    private static String insertEvent(Connection connection, String tenant, String template) throws Exception {
        String eventId = UUID.randomUUID().toString();
        String payload = template.replaceFirst("\"id\":\"[^\"]+\"", "\"id\":\"" + eventId + "\"");
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO sentry_connect_grant_event (event_id, tenant_id, "
                + "user_id, grant_id, type, payload, created_at, next_attempt_at) VALUES (?::uuid, ?, 'u1', ?::uuid, "
                + "'grant.connected', ?, now(), now() + interval '1 day')")) {
            insert.setString(1, eventId);
            insert.setString(2, tenant);
            insert.setString(3, UUID.randomUUID().toString());
            insert.setString(4, payload);
            insert.executeUpdate();
        }
        return eventId;
    }

    private List<Map<String, Object>> events(String jwt, String after) {
        return GrantEvents.list(serviceUrl(), driver, jwt, after);
    }
}
