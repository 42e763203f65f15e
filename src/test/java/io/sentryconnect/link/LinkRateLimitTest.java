package io.sentryconnect.link;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.LinkDriver;
import io.sentryconnect.support.ServiceTest;
import io.sentryconnect.support.TestDatabase;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Link creation is rate-limited per user and per tenant in PostgreSQL, so the limit holds across instances; expired
 * link rows and ended windows are purged. Small limits here: 3 per user, 5 per tenant, in a one-hour window (so that
 * no test straddles a window boundary; the clock moves only when a test moves it).
 */
@MicronautTest(environments = "test", transactional = false)
class LinkRateLimitTest extends ServiceTest {
    @Inject
    LinkHousekeeping housekeeping;

    private EmbeddedServer second;
    private LinkDriver secondDriver;

    @Override
    protected Map<String, String> extraProperties() {
        return limits();
    }

    private static Map<String, String> limits() {
        return Map.of("sentry-connect.link.rate-limit.per-user", "3",
                "sentry-connect.link.rate-limit.per-tenant", "5",
                "sentry-connect.link.rate-limit.window", "1h");
    }

    @BeforeAll
    void startSecondInstance() {
        int port = freePort();
        Map<String, Object> properties = new HashMap<>(TestDatabase.properties());
        properties.put("micronaut.server.port", port);
        properties.put("sentry-connect.public-url", "http://localhost:" + port);
        properties.put("sentry-connect.standin.enabled", false);
        properties.putAll(standIn.pluginProperties());
        properties.put("datasources.default.maximum-pool-size", 3);
        properties.putAll(limits());
        second = ApplicationContext.run(EmbeddedServer.class, properties, "test");
        secondDriver = new LinkDriver("http://localhost:" + port, standIn, json);
    }

    @AfterAll
    void stopSecondInstance() {
        second.close();
    }

    private static String tenant() {
        return "t-rate-" + UUID.randomUUID();
    }

    private static HttpResponse<String> create(LinkDriver on, String jwt) {
        return on.createLink(jwt, Map.of("return_to", LinkDriver.RETURN_TO));
    }

    private long tickets(String tenant) {
        return ((Number) TestDatabase.query("SELECT count(*) AS n FROM sentry_connect_link_ticket WHERE tenant_id = ?", tenant)
                .get(0).get("n")).longValue();
    }

    private void assertRateLimited(HttpResponse<String> response) {
        assertEquals(429, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        assertEquals("rate_limited", driver.map(response.body()).get("code"), response.body());
        long retryAfter = Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 3600, "Retry-After " + retryAfter);
    }

    @Test
    void oneUserIsRefusedOnceOverTheLimitAcrossTwoInstancesWhileOtherUsersAndTenantsAreNot() {
        String tenant = tenant();
        String jwt = driver.jwt(tenant, "u1");
        assertEquals(201, create(driver, jwt).statusCode());
        assertEquals(201, create(secondDriver, jwt).statusCode());
        assertEquals(201, create(driver, jwt).statusCode());
        assertRateLimited(create(secondDriver, jwt));
        assertRateLimited(create(driver, jwt));
        assertEquals(3, tickets(tenant), "the refused requests stored nothing");

        assertEquals(201, create(secondDriver, driver.jwt(tenant, "u2")).statusCode(), "another user of the tenant");
        String other = tenant();
        assertEquals(201, create(driver, driver.jwt(other, "u1")).statusCode(), "the same user id in another tenant");
    }

    @Test
    void aTenantIsRefusedOverItsLimitWhateverTheUserAndOtherTenantsAreNot() {
        String tenant = tenant();
        for (int i = 0; i < 5; i++) {
            assertEquals(201, create(i % 2 == 0 ? driver : secondDriver, driver.jwt(tenant, "u" + i)).statusCode());
        }
        assertRateLimited(create(secondDriver, driver.jwt(tenant, "u-new")));
        assertEquals(5, tickets(tenant));
        assertEquals(201, create(driver, driver.jwt(tenant(), "u-new")).statusCode());
    }

    @Test
    void theLimitEndsWithItsWindow() {
        String tenant = tenant();
        String jwt = driver.jwt(tenant, "u1");
        for (int i = 0; i < 3; i++) {
            assertEquals(201, create(driver, jwt).statusCode());
        }
        assertRateLimited(create(driver, jwt));
        clock.advance(Duration.ofHours(1));
        assertEquals(201, create(driver, jwt).statusCode());
    }

    @Test
    void reconnectLinksCountTowardsTheSameLimit() {
        String tenant = tenant();
        String jwt = driver.jwt(tenant, "u1");
        String grantId = LinkDriver.query(LinkDriver.location(driver.link(jwt, "1", "acme"))).get("grant_id");
        String reconnect = driver.toJson(Map.of("return_to", LinkDriver.RETURN_TO));
        assertEquals(201, new Http().postJson(serviceUrl() + "/api/v1/grants/" + grantId + "/reconnect", reconnect, Http.bearer(jwt)).statusCode());
        assertEquals(201, create(driver, jwt).statusCode());
        assertRateLimited(new Http().postJson(serviceUrl() + "/api/v1/grants/" + grantId + "/reconnect", reconnect, Http.bearer(jwt)));
    }

    @Test
    void expiredTicketsAndStatesArePurgedAfterTheGraceAndFreshOnesAreKept() {
        String tenant = tenant();
        String jwt = driver.jwt(tenant, "u1");
        String opened = driver.linkUrl(jwt);
        driver.start(new Http(), opened);
        clock.advance(Duration.ofMinutes(30));
        String fresh = tenant();
        driver.linkUrl(driver.jwt(fresh, "u1"));
        assertEquals(1, tickets(tenant));
        assertTrue(housekeeping.purge() >= 1);
        assertEquals(0, tickets(tenant), "expired 25 minutes ago, past the 10-minute grace");
        assertEquals(0, TestDatabase.query("SELECT 1 FROM sentry_connect_link_state WHERE tenant_id = ?", tenant).size());
        assertEquals(1, tickets(fresh), "not expired: kept");
        assertEquals(0, TestDatabase.query("SELECT 1 FROM sentry_connect_link_rate WHERE tenant_id = ? AND window_start < ?",
                tenant, java.sql.Timestamp.from(clock.instant().minus(Duration.ofHours(1)))).size(), "ended windows are gone");
    }
}
