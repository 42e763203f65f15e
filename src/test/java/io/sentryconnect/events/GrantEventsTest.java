package io.sentryconnect.events;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.GrantEvents;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.ServiceTest;
import io.sentryconnect.support.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

    private List<Map<String, Object>> events(String jwt, String after) {
        return GrantEvents.list(serviceUrl(), driver, jwt, after);
    }
}
