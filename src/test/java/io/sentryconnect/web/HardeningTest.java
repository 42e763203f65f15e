package io.sentryconnect.web;

import io.sentryconnect.Inputs;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.events.EventRetention;
import io.sentryconnect.standin.Fault;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.LinkDriver;
import io.sentryconnect.support.ServiceTest;
import io.sentryconnect.support.TestDatabase;
import io.sentryconnect.testing.LogCapture;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.sentryconnect.support.LinkDriver.location;
import static io.sentryconnect.support.LinkDriver.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #16: bad input is refused with a clear problem before anything is written or sent to Sentry; our answers
 * carry no-store and nosniff; Sentry's redirects and non-JSON bodies are passed back, never followed or rendered.
 */
@MicronautTest(environments = "test", transactional = false)
class HardeningTest extends ServiceTest {
    private static final String PROVISIONING_PATH = "/remote/channel-provision/account/";

    @Inject
    EventRetention retention;

    private final Http http = new Http();

    private static String tenant() {
        return "t-hard-" + UUID.randomUUID();
    }

    private void assertProblem(HttpResponse<String> response, int status, String code, String field) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                response.headers().map().toString());
        Map<String, Object> problem = driver.map(response.body());
        assertEquals(code, problem.get("code"), response.body());
        if (field != null) {
            assertEquals(field, problem.get("field"), response.body());
        }
    }

    private int stackTracesSince(int before) {
        List<String> lines = LogCapture.lines();
        return (int) lines.subList(before, lines.size()).stream().filter(l -> l.contains("\n\tat ")).count();
    }

    private long rows(String table, String tenant) {
        return ((Number) TestDatabase.query("SELECT count(*) AS n FROM " + table + " WHERE tenant_id = ?", tenant)
                .get(0).get("n")).longValue();
    }

    // --- caps ------------------------------------------------------------------------------------------------------

    @Test
    void aReturnToLongerThanTheCapIs400AndNoTicketIsStored() {
        String tenant = tenant();
        String jwt = driver.jwt(tenant, "u1");
        String huge = LinkDriver.RETURN_TO + "?pad=" + "a".repeat(100_000);
        HttpResponse<String> response = driver.createLink(jwt, Map.of("return_to", huge));
        assertProblem(response, 400, "invalid_request", "return_to");
        assertTrue(response.body().length() < 2_000, "the problem does not echo the value");
        assertEquals(0, rows("sentry_connect_link_ticket", tenant));
    }

    @Test
    void aReturnToAtTheCapIsAccepted() {
        String jwt = driver.jwt(tenant(), "u1");
        String base = LinkDriver.RETURN_TO + "?pad=";
        HttpResponse<String> response = driver.createLink(jwt, Map.of("return_to", base + "a".repeat(Inputs.MAX_URL - base.length())));
        assertEquals(201, response.statusCode(), response.body());
    }

    @Test
    void aScopeLongerThanAnySentryScopeIs400WithoutBeingEchoed() {
        String tenant = tenant();
        HttpResponse<String> response = driver.createLink(driver.jwt(tenant, "u1"),
                Map.of("return_to", LinkDriver.RETURN_TO, "scopes", List.of("x".repeat(10_000))));
        assertProblem(response, 400, "invalid_request", "scopes");
        assertFalse(response.body().contains("xxxxxxxxxx"), response.body());
        assertEquals(0, rows("sentry_connect_link_ticket", tenant));
    }

    // --- strict booleans and numbers ---------------------------------------------------------------------------------

    private Map<String, Object> provisioningBody(Object agreed) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("email", "owner-" + UUID.randomUUID().toString().substring(0, 8) + "@customer.example");
        body.put("organization_name", "Customer Co");
        body.put("region", "us");
        body.put("has_agreed_terms", agreed);
        return body;
    }

    @Test
    void hasAgreedTermsCountsOnlyAsJsonTrueAndNothingElseReachesSentry() {
        String tenant = tenant();
        String admin = driver.jwt(tenant, "admin-1", "tenant-admin");
        for (Object lenient : List.of("true", 2, 0.5, List.of(true), Map.of("value", true))) {
            HttpResponse<String> response = http.postJson(serviceUrl() + "/api/v1/provisioning",
                    driver.toJson(provisioningBody(lenient)), Http.bearer(admin));
            assertProblem(response, 400, "invalid_request", "has_agreed_terms");
        }
        HttpResponse<String> no = http.postJson(serviceUrl() + "/api/v1/provisioning",
                driver.toJson(provisioningBody(false)), Http.bearer(admin));
        assertProblem(no, 400, "terms_not_agreed", "has_agreed_terms");
        assertEquals(0, standIn.requests(PROVISIONING_PATH).size(), "nothing sent to Sentry");
        assertEquals(0, rows("sentry_connect_grant", tenant));
    }

    @Test
    void aListingLimitThatIsNotAWholeNumberIs400NamingIt() {
        String jwt = driver.jwt(tenant(), "u1");
        for (String limit : List.of("0.5", "true", "1e3", "%5B1%5D")) {
            assertProblem(http.get(serviceUrl() + "/api/v1/grants?limit=" + limit, Http.bearer(jwt)), 400, "invalid_request", "limit");
            assertProblem(http.get(serviceUrl() + "/api/v1/events?limit=" + limit, Http.bearer(jwt)), 400, "invalid_request", "limit");
        }
    }

    // --- control characters ------------------------------------------------------------------------------------------

    @Test
    void aNulInAGrantQueryIs400NamingTheParameterWithoutAStackTrace() {
        String jwt = driver.jwt(tenant(), "u1", "tenant-admin");
        int before = LogCapture.lines().size();
        for (String parameter : List.of("org_slug", "user_id", "status", "cursor")) {
            assertProblem(http.get(serviceUrl() + "/api/v1/grants?" + parameter + "=%00", Http.bearer(jwt)), 400, "invalid_request", parameter);
        }
        assertProblem(http.get(serviceUrl() + "/api/v1/events?after=a%01b", Http.bearer(jwt)), 400, "invalid_request", "after");
        assertEquals(0, stackTracesSince(before));
    }

    @Test
    void anOrganizationNameWithANulIs400BeforeSentryIsCalled() {
        String tenant = tenant();
        String admin = driver.jwt(tenant, "admin-1", "tenant-admin");
        Map<String, Object> body = provisioningBody(true);
        body.put("organization_name", "Evil\u0000Co");
        int before = LogCapture.lines().size();
        HttpResponse<String> response = http.postJson(serviceUrl() + "/api/v1/provisioning", driver.toJson(body), Http.bearer(admin));
        assertProblem(response, 400, "invalid_request", "organization_name");
        assertEquals(0, standIn.requests(PROVISIONING_PATH).size(), "nothing sent to Sentry");
        assertTrue(standIn.provisioned().stream().noneMatch(p -> tenant.equals(p.get("organization_id"))), "no organization at Sentry");
        assertEquals(0, rows("sentry_connect_grant", tenant));
        assertEquals(0, stackTracesSince(before));
    }

    @Test
    void aReturnToWithAControlCharacterIs400() {
        String tenant = tenant();
        HttpResponse<String> response = driver.createLink(driver.jwt(tenant, "u1"),
                Map.of("return_to", LinkDriver.RETURN_TO + "?x=\u0000"));
        assertProblem(response, 400, "invalid_request", "return_to");
        assertEquals(0, rows("sentry_connect_link_ticket", tenant));
    }

    // --- headers -----------------------------------------------------------------------------------------------------

    private static void assertNoStoreNoSniff(HttpResponse<String> response) {
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(null), response.uri().toString());
        assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(null), response.uri().toString());
    }

    @Test
    void linksGrantsEventsAndProxiedDataAreNoStoreAndNoSniff() {
        String jwt = driver.jwt(tenant(), "u1");
        HttpResponse<String> link = driver.createLink(jwt, Map.of("return_to", LinkDriver.RETURN_TO));
        assertEquals(201, link.statusCode(), link.body());
        assertNoStoreNoSniff(link);
        String grantId = query(location(driver.link(jwt, "1", "acme"))).get("grant_id");
        assertNotNull(grantId);
        assertNoStoreNoSniff(http.get(serviceUrl() + "/api/v1/grants", Http.bearer(jwt)));
        assertNoStoreNoSniff(http.get(serviceUrl() + "/api/v1/grants/" + grantId, Http.bearer(jwt)));
        assertNoStoreNoSniff(http.get(serviceUrl() + "/api/v1/events", Http.bearer(jwt)));
        HttpResponse<String> proxied = http.get(serviceUrl() + "/api/v1/grants/" + grantId + "/sentry/organizations/acme/projects/", Http.bearer(jwt));
        assertEquals(200, proxied.statusCode(), proxied.body());
        assertNoStoreNoSniff(proxied);
        assertFalse(proxied.headers().firstValue("Content-Security-Policy").isPresent(), "JSON is served as it is");
        assertFalse(proxied.headers().firstValue("Content-Disposition").isPresent(), "JSON is served as it is");
    }

    @Test
    void errorAnswersCarryNoSniffToo() {
        HttpResponse<String> unauthenticated = http.get(serviceUrl() + "/api/v1/grants");
        assertEquals(401, unauthenticated.statusCode());
        assertEquals("nosniff", unauthenticated.headers().firstValue("X-Content-Type-Options").orElse(null));
    }

    // --- the proxy ---------------------------------------------------------------------------------------------------

    private record Linked(String jwt, String grantId) {
        String url(String path) {
            return "/api/v1/grants/" + grantId + "/sentry/" + path;
        }
    }

    private Linked linkWithWrite() {
        String jwt = driver.jwt(tenant(), "u1");
        HttpResponse<String> created = driver.createLink(jwt, Map.of("return_to", LinkDriver.RETURN_TO,
                "scopes", List.of("org:read", "project:read", "event:read", "event:write")));
        assertEquals(201, created.statusCode(), created.body());
        String linkUrl = (String) driver.map(created.body()).get("link_url");
        String grantId = query(location(driver.link(new Http(), linkUrl, "1", "acme"))).get("grant_id");
        assertNotNull(grantId);
        return new Linked(jwt, grantId);
    }

    @Test
    void aFormEncodedPutIsPassedToSentryAsItsBytesWithItsContentType() {
        Linked grant = linkWithWrite();
        int before = LogCapture.lines().size();
        HttpResponse<String> response = http.send(Http.request(serviceUrl() + grant.url("organizations/acme/issues/90007/"),
                        Http.bearer(grant.jwt())).header("Content-Type", "application/x-www-form-urlencoded")
                .PUT(HttpRequest.BodyPublishers.ofString("status=resolved")).build());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("resolved", driver.map(response.body()).get("status"), "Sentry read the form body");
        HttpResponse<String> post = http.postForm(serviceUrl() + grant.url("organizations/acme/issues/90007/"), "status=resolved",
                Http.bearer(grant.jwt()));
        assertEquals(405, post.statusCode(), "Sentry's own answer to a POST there: " + post.body());
        assertEquals(0, stackTracesSince(before));
    }

    @Test
    void aRedirectFromSentryIsPassedBackAndNotFollowedWithTheToken() {
        Linked grant = linkWithWrite();
        String elsewhere = standIn.regionUrl("us") + "/api/0/organizations/acme/elsewhere/";
        standIn.addFault(Fault.redirect("/api/0/organizations/acme/projects/", 302, elsewhere, 1));
        HttpResponse<String> response = http.get(serviceUrl() + grant.url("organizations/acme/projects/"), Http.bearer(grant.jwt()));
        assertEquals(302, response.statusCode(), response.body());
        assertEquals(elsewhere, response.headers().firstValue("Location").orElse(null));
        assertTrue(standIn.requests("/api/0/organizations/acme/elsewhere/").isEmpty(), "the redirect was not followed");
        assertEquals("active", TestDatabase.query("SELECT status FROM sentry_connect_grant WHERE id = ?::uuid", grant.grantId())
                .get(0).get("status"));
    }

    @Test
    void htmlAndSvgFromSentryAreSandboxedDownloadsNeverPagesOfOurOrigin() {
        Linked grant = linkWithWrite();
        for (String type : List.of("text/html; charset=utf-8", "image/svg+xml")) {
            standIn.addFault(Fault.content("/api/0/organizations/acme/projects/", 200, type,
                    "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(document.cookie)</script></svg>", 1));
            HttpResponse<String> response = http.get(serviceUrl() + grant.url("organizations/acme/projects/"), Http.bearer(grant.jwt()));
            assertEquals(200, response.statusCode());
            assertEquals(type, response.headers().firstValue("Content-Type").orElse(null));
            assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(null));
            assertTrue(response.headers().firstValue("Content-Security-Policy").orElse("").startsWith("sandbox"), type);
            assertEquals("attachment", response.headers().firstValue("Content-Disposition").orElse(null));
            assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(null));
        }
    }

    // --- retention -----------------------------------------------------------------------------------------------

    /**
     * Without a webhook URL (this service's configuration) nothing is ever delivered: every event is purged retention
     * after it was written, whatever its delivery columns say, and younger ones stay for the polling API.
     */
    @Test
    void withoutAWebhookEveryEventIsPurgedRetentionAfterItWasWritten() {
        String tenant = tenant();
        String insert = "INSERT INTO sentry_connect_grant_event (event_id, tenant_id, user_id, grant_id, type, payload, created_at, "
                + "next_attempt_at, delivered_at, failed_at) VALUES (gen_random_uuid(), '" + tenant + "', 'u1', gen_random_uuid(), "
                + "'grant.connected', '{}', ";
        TestDatabase.execute(insert + "now() - interval '30 days', now() - interval '30 days', NULL, NULL)");
        TestDatabase.execute(insert + "now() - interval '8 days', now() - interval '8 days', NULL, NULL)");
        TestDatabase.execute(insert + "now() - interval '6 days', now() - interval '6 days', NULL, NULL)");
        assertTrue(retention.purge() >= 2);
        assertEquals(1, rows("sentry_connect_grant_event", tenant), "only the event written 6 days ago is kept");
    }

    @Test
    void nothingIsPurgedWhileTheClockIsWithinRetention() {
        clock.advance(Duration.ZERO);
        String tenant = tenant();
        TestDatabase.execute("INSERT INTO sentry_connect_grant_event (event_id, tenant_id, user_id, grant_id, type, payload, "
                + "created_at, next_attempt_at, delivered_at) VALUES (gen_random_uuid(), '" + tenant + "', 'u1', gen_random_uuid(), "
                + "'grant.connected', '{}', now(), now(), now())");
        retention.purge();
        assertEquals(1, rows("sentry_connect_grant_event", tenant));
    }
}
