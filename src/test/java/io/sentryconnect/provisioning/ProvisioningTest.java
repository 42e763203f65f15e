package io.sentryconnect.provisioning;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.standin.Fault;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.LinkDriver;
import io.sentryconnect.support.LogLeakCheck;
import io.sentryconnect.support.ServiceTest;
import io.sentryconnect.support.TestClock;
import io.sentryconnect.support.TestDatabase;
import io.sentryconnect.sentry.profile.SentryProfile;
import io.sentryconnect.token.AssociatedData;
import io.sentryconnect.token.TokenCipher;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import static io.sentryconnect.support.LinkDriver.location;
import static io.sentryconnect.support.LinkDriver.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@MicronautTest(environments = "test", transactional = false)
class ProvisioningTest extends ServiceTest {
    static final String PARTNER_SECRET = "standin-partner-secret-not-for-production";
    static final String WRONG_SECRET = "wrong-partner-secret-only-in-this-test";
    private static final String TENANT_PREFIX = "t-prov-";
    private static final String PROVISIONING_PATH = SentryProfile.SENTRY.provisioning().path();

    @Inject
    TokenCipher cipher;

    /** The partner secrets, every integration token ever stored and every DSN must be absent from the logs. */
    @RegisterExtension
    final LogLeakCheck leaks = LogLeakCheck.searching(() -> TestDatabase.storedTokens(cipher), TestDatabase::provisionedDsns)
            .alwaysSearch(PARTNER_SECRET, WRONG_SECRET).atLeast(11).afterwards(ProvisioningTest::tombstoneGrants);
    /** Tombstones this class's grants, so that other classes' log searches (which expect a refresh token on every live grant) do not meet them. */
    private static void tombstoneGrants() {
        TestDatabase.execute("UPDATE sentry_connect_grant SET status = 'disconnected', status_reason = 'disconnected', "
                + "access_token = NULL, refresh_token = NULL WHERE tenant_id LIKE '" + TENANT_PREFIX + "%'");
    }

    private static String ad(Map<String, Object> row) {
        return AssociatedData.grantToken((String) row.get("tenant_id"), (UUID) row.get("id"), "access");
    }

    // --- helpers --------------------------------------------------------------------------------------------------

    private static String tenant() {
        return TENANT_PREFIX + UUID.randomUUID();
    }

    private String admin(String tenant) {
        return driver.jwt(tenant, "admin-1", "tenant-admin");
    }

    private static Map<String, Object> body(String region, String... projects) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("email", "owner-" + UUID.randomUUID().toString().substring(0, 8) + "@customer.example");
        body.put("organization_name", "Customer Co");
        List<Map<String, Object>> list = new ArrayList<>();
        for (String project : projects) {
            list.add(Map.of("name", project, "platform", "javascript"));
        }
        body.put("projects", list);
        body.put("region", region);
        body.put("has_agreed_terms", true);
        return body;
    }

    private HttpResponse<String> provision(String base, String jwt, Map<String, Object> body) {
        return new Http().postJson(base + "/api/v1/provisioning", driver.toJson(body), Http.bearer(jwt));
    }

    private HttpResponse<String> provision(String jwt, Map<String, Object> body) {
        return provision(serviceUrl(), jwt, body);
    }

    private Map<String, Object> provisioned(String jwt, Map<String, Object> body) {
        HttpResponse<String> response = provision(jwt, body);
        assertEquals(201, response.statusCode(), response.body());
        return driver.map(response.body());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> organization(Map<String, Object> grant) {
        return (Map<String, Object>) grant.get("organization");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> projects(Map<String, Object> grant) {
        return (List<Map<String, Object>>) grant.get("projects");
    }

    private HttpResponse<String> proxy(String jwt, Object grantId, String path) {
        return proxy(serviceUrl(), jwt, grantId, path);
    }

    private List<Map<String, Object>> grants(String tenant) {
        return TestDatabase.query("SELECT * FROM sentry_connect_grant WHERE tenant_id = ?", tenant);
    }

    /** The stand-in's provisioned organizations for our organizationID (the tenant id). */
    private List<Map<String, Object>> atSentry(String tenant) {
        return standIn.provisioned().stream().filter(p -> tenant.equals(p.get("organization_id"))).toList();
    }

    private long provisioningCalls() {
        return standIn.requests(PROVISIONING_PATH).size();
    }

    private void assertProblem(HttpResponse<String> response, int status, String code, String field) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElseThrow());
        Map<String, Object> problem = driver.map(response.body());
        assertEquals(code, problem.get("code"), response.body());
        if (field != null) {
            assertEquals(field, problem.get("field"), response.body());
        }
        assertFalse(response.body().contains(PARTNER_SECRET) || response.body().contains(WRONG_SECRET), response.body());
    }

    /** Another instance of the service on the same database and stand-in, with its own settings and clock. */
    private EmbeddedServer otherInstance(Map<String, Object> settings) {
        Map<String, Object> properties = new HashMap<>(TestDatabase.properties());
        int port = freePort();
        properties.put("micronaut.server.port", port);
        properties.put("sentry-connect.public-url", "http://localhost:" + port);
        properties.put("sentry-connect.standin.enabled", false);
        properties.put("sentry-connect.sentry.base-url", standIn.baseUrl().toString());
        // A few connections are plenty for one request at a time; the database is shared with other test runs.
        properties.put("datasources.default.maximum-pool-size", 3);
        properties.putAll(settings);
        return ApplicationContext.run(EmbeddedServer.class, properties, "test");
    }

    // --- provisioning ---------------------------------------------------------------------------------------------

    @Test
    void provisioningRecordsAProvisionedGrantWhoseProxyCallsWork() {
        String tenant = tenant();
        String jwt = admin(tenant);
        HttpResponse<String> response = provision(jwt, body("de", "Web Shop", "Billing API"));
        assertEquals(201, response.statusCode(), response.body());
        Map<String, Object> grant = driver.map(response.body());
        assertEquals("/api/v1/grants/" + grant.get("id"), response.headers().firstValue("Location").orElseThrow());
        assertEquals("provisioned", grant.get("kind"));
        assertEquals("active", grant.get("status"));
        assertEquals(tenant, grant.get("tenant_id"));
        assertEquals("admin-1", grant.get("user_id"), "the calling admin owns the grant");
        assertEquals(standIn.regionUrl("de").toString(), organization(grant).get("region_url"));
        assertTrue(((List<?>) grant.get("scopes")).contains("project:write"), grant.toString());
        assertNull(grant.get("expires_at"), "an integration token does not expire");
        assertEquals(List.of("web-shop", "billing-api"), projects(grant).stream().map(p -> p.get("slug")).toList());
        assertTrue(((String) projects(grant).get(0).get("dsn")).startsWith("http://"), grant.toString());

        Map<String, Object> row = grants(tenant).get(0);
        assertEquals("provisioned", row.get("kind"));
        assertNull(row.get("refresh_token"));
        String token = cipher.decrypt((byte[]) row.get("access_token"), ad(row)).reveal();
        assertFalse(response.body().contains(token), "the token never leaves the service");
        assertEquals(2, TestDatabase.query("SELECT 1 FROM sentry_connect_provisioned_project WHERE grant_id = ?::uuid", grant.get("id")).size());

        String slug = (String) organization(grant).get("slug");
        HttpResponse<String> projects = proxy(jwt, grant.get("id"), "organizations/" + slug + "/projects/");
        assertEquals(200, projects.statusCode(), projects.body());
        assertTrue(projects.body().contains("\"slug\":\"billing-api\""), projects.body());
        assertEquals("de", standIn.requests("/api/0/organizations/" + slug + "/projects/").get(0).origin());

        assertTrue(new Http().get(serviceUrl() + "/api/v1/grants", Http.bearer(jwt)).body().contains((String) grant.get("id")));
        HttpResponse<String> current = new Http().get(serviceUrl() + "/api/v1/provisioning", Http.bearer(jwt));
        assertEquals(200, current.statusCode(), current.body());
        assertEquals(grant, driver.map(current.body()));
        assertEquals(1, atSentry(tenant).size(), "our organizationID at Sentry is the tenant id");
        assertEquals(true, atSentry(tenant).get(0).get("is_test"), "the test configuration provisions test accounts");
        assertEquals(List.of("grant.connected"), TestDatabase.query("SELECT type FROM sentry_connect_grant_event WHERE tenant_id = ? ORDER BY id", tenant)
                .stream().map(e -> e.get("type")).toList(), "the provisioning wrote its event in its transaction");
        assertEquals(2, grants(tenant).get(0).get("key_id"), "under the primary key, so key rotation finds it");
    }

    @Test
    void aRepeatedCallReusesTheOrganizationAndTheGrantAndAddsTheNewProject() {
        String tenant = tenant();
        Map<String, Object> first = provisioned(admin(tenant), body("us", "Backend"));
        Map<String, Object> second = provisioned(driver.jwt(tenant, "admin-2", "tenant-admin"), body("us", "Backend", "Mobile"));
        assertEquals(first.get("id"), second.get("id"));
        assertEquals(organization(first), organization(second));
        assertEquals("admin-1", second.get("user_id"), "the grant keeps its owner");
        assertEquals(List.of("backend", "mobile"), projects(second).stream().map(p -> p.get("slug")).toList());
        assertEquals(projects(first).get(0), projects(second).get(0));
        assertEquals(1, grants(tenant).size());
        assertEquals(1, atSentry(tenant).size());
        assertEquals(2, TestDatabase.query("SELECT 1 FROM sentry_connect_provisioned_project WHERE grant_id = ?::uuid", first.get("id")).size());
    }

    @Test
    void concurrentCallsForOneTenantMakeOneOrganizationAndOneGrant() throws Exception {
        String tenant = tenant();
        String jwt = admin(tenant);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                calls.add(() -> provision(jwt, body("us", "Backend")));
            }
            List<Object> ids = new ArrayList<>();
            for (Future<HttpResponse<String>> result : pool.invokeAll(calls)) {
                assertEquals(201, result.get().statusCode(), result.get().body());
                ids.add(driver.map(result.get().body()).get("id"));
            }
            assertEquals(1, ids.stream().distinct().count(), ids.toString());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, grants(tenant).size());
        assertEquals(1, atSentry(tenant).size());
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
    void withoutAgreementToTheTermsItIs400AndNothingIsSentToSentry() {
        String tenant = tenant();
        for (Consumer<Map<String, Object>> change : List.<Consumer<Map<String, Object>>>of(
                b -> b.put("has_agreed_terms", false), b -> b.remove("has_agreed_terms"))) {
            Map<String, Object> body = body("us", "Backend");
            change.accept(body);
            assertProblem(provision(admin(tenant), body), 400, "terms_not_agreed", "has_agreed_terms");
        }
        assertEquals(0, provisioningCalls());
        assertEquals(List.of(), grants(tenant));
    }

    @Test
    void invalidFieldsAre400NamingTheFieldAndNothingIsSent() {
        String tenant = tenant();
        Map<String, Consumer<Map<String, Object>>> cases = new LinkedHashMap<>();
        cases.put("email", b -> b.put("email", "not-an-email"));
        cases.put("email ", b -> b.remove("email"));
        cases.put("organization_name", b -> b.put("organization_name", "x".repeat(51)));
        cases.put("organization_name ", b -> b.put("organization_name", "  "));
        cases.put("region", b -> b.put("region", "eu"));
        cases.put("region ", b -> b.remove("region"));
        cases.put("projects", b -> b.put("projects", List.of(Map.of("platform", "java"))));
        cases.put("projects ", b -> b.put("projects", List.of(Map.of("name", "Api", "platform", "Java 17"))));
        cases.forEach((field, change) -> {
            Map<String, Object> body = body("us", "Backend");
            change.accept(body);
            assertProblem(provision(admin(tenant), body), 400, "invalid_request", field.strip());
        });
        assertEquals(0, provisioningCalls());
        assertEquals(List.of(), grants(tenant));
    }

    @Test
    void aNonAdminCallerIs403OnEveryPartnerEndpointAndNothingIsSent() {
        String tenant = tenant();
        String member = driver.jwt(tenant, "u1");
        assertProblem(provision(member, body("us", "Backend")), 403, "forbidden", null);
        assertProblem(new Http().get(serviceUrl() + "/api/v1/provisioning", Http.bearer(member)), 403, "forbidden", null);
        assertProblem(new Http().get(serviceUrl() + "/api/v1/partner/registration", Http.bearer(member)), 403, "forbidden", null);
        assertEquals(401, new Http().postJson(serviceUrl() + "/api/v1/provisioning", driver.toJson(body("us"))).statusCode());
        assertEquals(0, provisioningCalls());
        assertEquals(List.of(), grants(tenant));
        assertProblem(new Http().get(serviceUrl() + "/api/v1/provisioning", Http.bearer(admin(tenant))), 404, "not_provisioned", null);
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

    // --- lifecycle ------------------------------------------------------------------------------------------------

    @Test
    void revokingTheIntegrationTokenTurnsTheGrantRevokedOnTheNextCall() {
        String tenant = tenant();
        String jwt = admin(tenant);
        Map<String, Object> grant = provisioned(jwt, body("us", "Backend"));
        String slug = (String) organization(grant).get("slug");
        assertEquals(1, standIn.revokeIntegration(slug));
        int sentBefore = standIn.requests("/oauth/token/").size();

        HttpResponse<String> response = proxy(jwt, grant.get("id"), "organizations/" + slug + "/projects/");
        assertEquals(409, response.statusCode(), response.body());
        Map<String, Object> problem = driver.map(response.body());
        assertTrue(((String) problem.get("type")).endsWith("/grant_revoked"), response.body());
        assertEquals(serviceUrl() + "/api/v1/grants/" + grant.get("id") + "/reconnect", problem.get("reconnect"));
        assertEquals(sentBefore, standIn.requests("/oauth/token/").size(), "no refresh token, no refresh attempt");
        Map<String, Object> row = grants(tenant).get(0);
        assertEquals("revoked", row.get("status"));
        assertEquals("unauthorized", row.get("status_reason"));
        Map<String, Object> json = driver.map(new Http().get(serviceUrl() + "/api/v1/grants/" + grant.get("id"), Http.bearer(jwt)).body());
        assertEquals(true, json.get("reconnect_required"));
    }

    @Test
    void reconnectGoesThroughOAuthLinkingForTheOrganizationAndReactivatesTheGrantInPlace() {
        String tenant = tenant();
        String jwt = admin(tenant);
        Map<String, Object> body = body("us", "Backend");
        Map<String, Object> grant = provisioned(jwt, body);
        String slug = (String) organization(grant).get("slug");
        standIn.revokeIntegration(slug);
        assertEquals(409, proxy(jwt, grant.get("id"), "organizations/" + slug + "/").statusCode());

        HttpResponse<String> created = new Http().postJson(serviceUrl() + "/api/v1/grants/" + grant.get("id") + "/reconnect",
                driver.toJson(Map.of("return_to", LinkDriver.RETURN_TO)), Http.bearer(jwt));
        assertEquals(201, created.statusCode(), created.body());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> members = (List<Map<String, Object>>) atSentry(tenant).get(0).get("members");
        assertEquals(body.get("email"), members.get(0).get("email"));
        HttpResponse<String> done = driver.link(new Http(), (String) driver.map(created.body()).get("link_url"),
                (String) members.get(0).get("user_id"), slug);
        assertEquals("connected", query(location(done)).get("sentry_connect"), location(done));
        assertEquals(grant.get("id"), query(location(done)).get("grant_id"));

        Map<String, Object> row = grants(tenant).get(0);
        assertEquals(1, grants(tenant).size());
        assertEquals("active", row.get("status"));
        assertEquals("provisioned", row.get("kind"), "the organization is still the one provisioned for the tenant");
        assertNotNull(row.get("refresh_token"), "an OAuth grant now: refreshed like any linked grant");
        assertNotNull(row.get("expires_at"));
        assertEquals(body.get("email"), row.get("sentry_user_email"));
        assertEquals(200, proxy(jwt, grant.get("id"), "organizations/" + slug + "/projects/").statusCode());

        // A later provisioning call adds projects but keeps the user's live OAuth authorization.
        Map<String, Object> again = provisioned(jwt, body("us", "Backend", "Mobile"));
        assertEquals(grant.get("id"), again.get("id"));
        assertEquals(2, projects(again).size());
        assertTrue(java.util.Arrays.equals((byte[]) row.get("refresh_token"), (byte[]) grants(tenant).get(0).get("refresh_token")));
        assertEquals(200, proxy(jwt, grant.get("id"), "organizations/" + slug + "/projects/").statusCode());
    }

    @Test
    void disconnectDestroysTheTokenAndProvisioningAgainRevivesTheSameGrant() {
        String tenant = tenant();
        String jwt = admin(tenant);
        Map<String, Object> grant = provisioned(jwt, body("de", "Backend"));
        assertEquals(204, new Http().delete(serviceUrl() + "/api/v1/grants/" + grant.get("id"), Http.bearer(jwt)).statusCode());
        Map<String, Object> row = grants(tenant).get(0);
        assertEquals("disconnected", row.get("status"));
        assertNull(row.get("access_token"));
        assertEquals(409, proxy(jwt, grant.get("id"), "organizations/" + organization(grant).get("slug") + "/").statusCode());

        Map<String, Object> again = provisioned(jwt, body("de", "Backend"));
        assertEquals(grant.get("id"), again.get("id"));
        assertEquals("active", again.get("status"));
        assertEquals(200, proxy(jwt, grant.get("id"), "organizations/" + organization(grant).get("slug") + "/").statusCode());
    }

    // --- registration sheet ---------------------------------------------------------------------------------------

    @Test
    void theRegistrationSheetListsTheConfiguredValues() {
        HttpResponse<String> response = new Http().get(serviceUrl() + "/api/v1/partner/registration", Http.bearer(admin(tenant())));
        assertEquals(200, response.statusCode(), response.body());
        Map<String, Object> sheet = driver.map(response.body());
        assertEquals("Sentry Connect (test)", sheet.get("client_name"));
        assertEquals(List.of(serviceUrl() + "/connect/sentry/callback"), sheet.get("redirect_uris"));
        assertEquals(List.of("https://platform.example"), sheet.get("allowed_origins"));
        assertEquals("https://platform.example/", sheet.get("home_page_url"));
        assertEquals("https://platform.example/privacy", sheet.get("privacy_policy_url"));
        assertEquals("https://platform.example/terms", sheet.get("terms_url"));
        assertEquals(List.of("org:read", "project:read", "team:read", "member:read", "event:read", "event:write",
                "project:releases"), sheet.get("required_scopes"));
        assertFalse(response.body().contains(PARTNER_SECRET) || response.body().contains("standin-dev-secret"), response.body());
    }
}
