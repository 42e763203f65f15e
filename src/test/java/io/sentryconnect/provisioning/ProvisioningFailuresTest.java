package io.sentryconnect.provisioning;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.standin.Fault;
import io.sentryconnect.support.SecondInstance;
import io.sentryconnect.support.TestClock;
import io.sentryconnect.support.TestDatabase;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Provisioning when something fails: Sentry's 5xx (retried), an answer lost after Sentry acted (repaired by calling
 * again), a timeout, a wrong partner secret, a clock too far behind, no partner credentials, a database failure while
 * recording. Each is a clear error, and nothing is half recorded.
 */
@MicronautTest(environments = "test", transactional = false)
class ProvisioningFailuresTest extends ProvisioningTestBase {
    ProvisioningFailuresTest() {
        super(9);
    }

    @Test
    void aServerErrorIsRetriedAndALostAnswerIsRepairedByCallingAgain() {
        String tenant = tenant();
        String jwt = admin(tenant);
        standIn.addFault(Fault.status(PROVISIONING_PATH, 503, 1));
        provisioned(jwt, body("us", "Backend"));
        assertEquals(2, provisioningCalls(), "one retry after the 503");

        String other = tenant();
        String otherJwt = admin(other);
        standIn.addFault(Fault.status(PROVISIONING_PATH, 503, 3));
        assertProblem(provision(otherJwt, body("us")), 502, "sentry_unavailable", null);
        assertEquals(List.of(), grants(other));

        // Sentry creates the organization but its answer never arrives intact: nothing recorded, and the next call
        // finds the same organization instead of making a second one.
        standIn.addFault(Fault.malformed(PROVISIONING_PATH, 1));
        assertProblem(provision(otherJwt, body("us", "Backend")), 502, "sentry_unavailable", null);
        assertEquals(List.of(), grants(other));
        assertEquals(1, atSentry(other).size());
        Map<String, Object> grant = provisioned(otherJwt, body("us", "Backend"));
        assertEquals(atSentry(other).get(0).get("organization"), Map.of("id", organization(grant).get("id"),
                "slug", organization(grant).get("slug"), "name", organization(grant).get("name"),
                "region", "us", "region_url", organization(grant).get("region_url")));
        assertEquals(1, atSentry(other).size());
    }

    @Test
    void anAnswerTooLargeToReadIsSentryUnavailableOnceAndNothingIsRecorded() {
        String tenant = tenant();
        long before = provisioningCalls();
        // Over sentry-connect.http.api-max-content-length's default 10MB.
        standIn.addFault(io.sentryconnect.standin.Fault.content(PROVISIONING_PATH, 201, "application/json",
                "{\"padding\":\"" + "a".repeat(11 * 1024 * 1024) + "\"}", 3));
        HttpResponse<String> response = provision(admin(tenant), body("us"));
        assertProblem(response, 502, "sentry_unavailable", null);
        assertFalse(response.body().contains("per_page"), "not the proxy's advice: " + response.body());
        assertEquals(List.of(), grants(tenant));
        assertEquals(before + 1, provisioningCalls(), "sent once, not retried");
        standIn.clearFaults();
    }

    @Test
    void aTimeoutIsRetriedThen504AndNothingIsRecorded() {
        String tenant = tenant();
        standIn.addFault(Fault.delay(PROVISIONING_PATH, 1500, 3));
        assertProblem(provision(admin(tenant), body("us")), 504, "sentry_timeout", null);
        assertEquals(List.of(), grants(tenant));
        // The stand-in finishes the delayed requests after we gave up on them: let them land before the next test.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (provisioningCalls() < 3 && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
        assertEquals(3, provisioningCalls(), "three attempts");
    }

    @Test
    void aWrongPartnerSecretIsAClearErrorAndNothingIsRecorded() {
        String tenant = tenant();
        try (EmbeddedServer misconfigured = otherInstance(Map.of("sentry-connect.partner.secret", WRONG_SECRET))) {
            String base = "http://localhost:" + misconfigured.getPort();
            HttpResponse<String> response = provision(base, admin(tenant), body("us", "Backend"));
            assertProblem(response, 502, "partner_signature_rejected", null);
            assertTrue(((String) driver.map(response.body()).get("type")).endsWith("/partner_signature_rejected"));
            assertTrue(response.body().contains("sentry-connect.partner.secret"), "says what to check: " + response.body());
            assertEquals(1, provisioningCalls(), "a 401 is not retried");
        }
        assertEquals(List.of(), grants(tenant));
        assertEquals(List.of(), atSentry(tenant));
    }

    @Test
    void aClockTooFarBehindIsAClearErrorAndNothingIsRecorded() {
        String tenant = tenant();
        try (EmbeddedServer skewed = otherInstance(Map.of())) {
            skewed.getApplicationContext().getBean(TestClock.class).advance(Duration.ofMinutes(-10));
            HttpResponse<String> response = provision("http://localhost:" + skewed.getPort(), admin(tenant), body("us"));
            assertProblem(response, 502, "provisioning_rejected", null);
            assertTrue(response.body().contains("timestamp"), response.body());
        }
        assertEquals(List.of(), grants(tenant));
        assertEquals(List.of(), atSentry(tenant));
    }

    @Test
    void withoutPartnerCredentialsProvisioningIs503() {
        String tenant = tenant();
        try (EmbeddedServer unconfigured = otherInstance(Map.of("sentry-connect.partner.secret", ""))) {
            assertProblem(provision("http://localhost:" + unconfigured.getPort(), admin(tenant), body("us")), 503,
                    "provisioning_not_configured", null);
        }
        assertEquals(0, provisioningCalls());
    }

    @Test
    void aDatabaseFailureWhileRecordingLeavesNeitherGrantNorProjectsAndARetryWorks() {
        String tenant = tenant();
        TestDatabase.execute("""
                CREATE OR REPLACE FUNCTION fail_provisioned_project() RETURNS trigger AS $$
                BEGIN
                  IF NEW.name = 'db-fails' THEN RAISE EXCEPTION 'simulated database failure'; END IF;
                  RETURN NEW;
                END $$ LANGUAGE plpgsql""");
        TestDatabase.execute("CREATE TRIGGER fail_provisioned_project BEFORE INSERT OR UPDATE ON sentry_connect_provisioned_project "
                + "FOR EACH ROW EXECUTE FUNCTION fail_provisioned_project()");
        try {
            HttpResponse<String> failed = provision(admin(tenant), body("us", "Backend", "db-fails"));
            assertEquals(500, failed.statusCode(), failed.body());
            assertEquals(List.of(), grants(tenant), "grant and projects are written in one transaction");
        } finally {
            TestDatabase.execute("DROP TRIGGER fail_provisioned_project ON sentry_connect_provisioned_project");
        }
        Map<String, Object> grant = provisioned(admin(tenant), body("us", "Backend"));
        assertEquals(1, grants(tenant).size());
        assertEquals(List.of("backend", "db-fails"), projects(grant).stream().map(p -> p.get("slug")).toList(),
                "the retry records every project Sentry reports for the organization");
    }

    /** Another instance of the service on the same database and stand-in, with its own settings and clock. */
    private EmbeddedServer otherInstance(Map<String, String> settings) {
        Map<String, String> properties = new HashMap<>(settings);
        // A few connections are plenty for one request at a time; the database is shared with other test runs.
        properties.put("datasources.default.maximum-pool-size", "3");
        return SecondInstance.start(standIn, properties).getBean(EmbeddedServer.class);
    }
}
