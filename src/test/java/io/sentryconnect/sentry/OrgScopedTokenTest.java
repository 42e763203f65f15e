package io.sentryconnect.sentry;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.platform.PlatformCaller;
import io.sentryconnect.standin.Fault;
import io.sentryconnect.standin.RequestLogEntry;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.LinkDriver.Linked;
import io.sentryconnect.support.ServiceTest;
import io.sentryconnect.support.TestDatabase;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every token we hold is org-scoped, and Sentry answers 401 to it on any URL outside its organization. Those 401s
 * say nothing about the token: the service must neither refresh nor revoke because of them, and must not send such
 * URLs at all.
 */
@MicronautTest(environments = "test", transactional = false)
class OrgScopedTokenTest extends ServiceTest {
    @Inject
    SentryApi sentryApi;

    private HttpResponse<String> check(Linked grant) {
        return new Http().postJson(serviceUrl() + "/api/v1/grants/" + grant.grantId() + "/check", "{}", Http.bearer(grant.jwt()));
    }

    private Map<String, Object> row(Linked grant) {
        return TestDatabase.query("SELECT status, token_version, access_token, refresh_token FROM sentry_connect_grant WHERE id = ?::uuid",
                grant.grantId()).get(0);
    }

    private long tokenRequests() {
        return standIn.requests("/oauth/token/").size();
    }

    private void assertUntouched(Map<String, Object> before, Linked grant) {
        Map<String, Object> after = row(grant);
        assertEquals("active", after.get("status"));
        assertEquals(before.get("token_version"), after.get("token_version"));
        assertArrayEquals((byte[]) before.get("access_token"), (byte[]) after.get("access_token"));
        assertArrayEquals((byte[]) before.get("refresh_token"), (byte[]) after.get("refresh_token"));
    }

    @Test
    void checkOnAHealthyGrantCallsItsOwnOrganizationOnceAndAsksForNoToken() {
        Linked grant = link("1", "acme");
        standIn.clearRequests();
        HttpResponse<String> checked = check(grant);
        assertEquals(200, checked.statusCode(), checked.body());
        assertEquals("active", driver.map(checked.body()).get("status"));
        List<RequestLogEntry> api = standIn.requests("/api/0/");
        assertEquals(1, api.size(), api::toString);
        assertEquals("/api/0/organizations/acme/", api.get(0).path());
        assertEquals(200, api.get(0).status());
        assertEquals(0, tokenRequests());
    }

    @Test
    void checkDoesNotRefreshATokenThatIsMerelyDue() {
        Linked grant = link("1", "acme");
        clock.advance(Duration.ofDays(28));
        standIn.clearRequests();
        assertEquals(200, check(grant).statusCode());
        assertEquals(0, tokenRequests(), "a due token that still works is not refreshed by Check");
        assertEquals(1, standIn.requests("/api/0/").size());
    }

    @Test
    void pathsOutsideTheGrantsOrganizationAreRefusedBeforeAnythingIsSent() {
        Linked grant = link("1", "acme");
        Map<String, Object> before = row(grant);
        standIn.clearRequests();
        Map<String, String> insteadOf = Map.of(
                "organizations/globex/", "globex",
                "organizations/no-such-org/projects/", "no-such-org",
                "projects/globex/api/issues/", "globex",
                "teams/globex/core/", "globex",
                "issues/1/", "organizations/acme/issues/1/",
                "groups/7/events/", "organizations/acme/issues/7/",
                "users/me/", "organizations/acme/",
                "users/me/regions/", "organizations/acme/",
                "broadcasts/", "organizations/acme/");
        insteadOf.forEach((path, hint) -> {
            HttpResponse<String> refused = proxy(grant, path);
            assertEquals(400, refused.statusCode(), path + ": " + refused.body());
            Map<String, Object> problem = driver.map(refused.body());
            assertEquals("outside_grant_organization", problem.get("code"), path);
            assertEquals("acme", problem.get("organization"), path);
            assertTrue(((String) problem.get("detail")).contains(hint), path + ": " + problem.get("detail"));
        });
        assertEquals(List.of(), standIn.requests(null), "nothing was sent to Sentry");
        assertUntouched(before, grant);
    }

    @Test
    void theJavaBeanRefusesTheSamePathsWithoutSendingThem() {
        Linked grant = link("1", "acme");
        standIn.clearRequests();
        PlatformCaller caller = new PlatformCaller(grant.tenant(), "u1", false);
        for (String path : List.of("organizations/globex/projects/", "issues/1/", "users/me/", "")) {
            OutsideGrantOrganization problem = assertThrows(OutsideGrantOrganization.class,
                    () -> sentryApi.call(caller, UUID.fromString(grant.grantId()), SentryRequest.get(path)), path);
            assertEquals("outside_grant_organization", problem.code(), path);
        }
        assertEquals(List.of(), standIn.requests(null));
    }

    @Test
    void theGrantsOwnNumericOrganizationIdIsSentAsItsSlug() {
        Linked grant = link("1", "acme");
        standIn.clearRequests();
        HttpResponse<String> projects = proxy(grant, "organizations/1001/projects/");
        assertEquals(200, projects.statusCode(), projects.body());
        assertEquals(List.of("/api/0/organizations/acme/projects/"),
                standIn.requests("/api/0/").stream().map(RequestLogEntry::path).toList());
        assertEquals(200, proxy(grant, "projects/1001/backend/issues/?per_page=1").statusCode());
    }

    @Test
    void theGrantsOwnTeamPathsReachSentryAndAreAnswered() {
        // teams/{org}/{team}/… name the organization (SentryProfile's routes, Sentry's organization_id_or_slug):
        // the guard passes them and Sentry answers them to a token of that organization.
        Linked grant = link("1", "acme");
        standIn.clearRequests();
        HttpResponse<String> team = proxy(grant, "teams/acme/platform/projects/");
        assertEquals(200, team.statusCode(), team.body());
        assertTrue(team.body().contains("\"slug\":\"backend\"") && !team.body().contains("\"slug\":\"billing\""), team.body());
        assertEquals(List.of("/api/0/teams/acme/platform/projects/"),
                standIn.requests("/api/0/").stream().map(RequestLogEntry::path).toList());
        Map<String, Object> before = row(grant);
        assertEquals(404, proxy(grant, "teams/acme/no-such-team/projects/").statusCode());
        assertUntouched(before, grant);
    }

    @Test
    void theGrantsOwnProjectDetailsReachSentryAndAreAnswered() {
        // projects/{org}/{project}/ is ProjectDetailsEndpoint: the stand-in once did not serve it, so it met the
        // catch-all's "limited to organization endpoints" 401 and the call answered 403 organization_scope_refused.
        Linked grant = link("1", "acme");
        HttpResponse<String> backend = proxy(grant, "projects/acme/backend/");
        assertEquals(200, backend.statusCode(), backend.body());
        assertTrue(backend.body().contains("\"slug\":\"backend\""), backend.body());
        assertEquals(200, proxy(grant, "projects/1001/backend/").statusCode(), "the numeric id, sent as the slug");
        Map<String, Object> before = row(grant);
        assertEquals(404, proxy(grant, "projects/acme/no-such-project/").statusCode());
        assertUntouched(before, grant);
    }

    @Test
    void theOrganizationsListAndOrgScopedIssuePathsPassTheGuard() {
        Linked grant = link("1", "acme");
        HttpResponse<String> list = proxy(grant, "organizations/");
        assertEquals(200, list.statusCode(), list.body());
        assertTrue(list.body().contains("\"slug\":\"acme\""), list.body());
        assertEquals(200, proxy(grant, "organizations/acme/").statusCode());
    }

    @Test
    void sentrysRequestScope401sLeaveTheGrantAloneAndNameTheOrganization() {
        Linked grant = link("1", "acme");
        Map<String, Object> before = row(grant);
        for (String message : List.of("Unauthorized organization access.", "This token access is limited to organization endpoints.")) {
            standIn.clearRequests();
            standIn.addFault(Fault.statusWithDetail("/api/0/organizations/acme/projects/", 401, message, 1));
            HttpResponse<String> refused = proxy(grant, "organizations/acme/projects/");
            assertEquals(403, refused.statusCode(), refused.body());
            Map<String, Object> problem = driver.map(refused.body());
            assertEquals("organization_scope_refused", problem.get("code"));
            assertEquals("acme", problem.get("organization"));
            assertTrue(((String) problem.get("detail")).contains("'acme'") && ((String) problem.get("detail")).contains(message),
                    refused.body());
            assertEquals(0, tokenRequests(), "no refresh for a request-scope 401");
            assertEquals(1, standIn.requests("/api/0/").size(), "and no retry");
            assertUntouched(before, grant);
        }
        assertEquals(200, proxy(grant, "organizations/acme/projects/").statusCode(), "the grant still works");
    }

    @Test
    void checkMeetingARequestScope401KeepsTheGrantActive() {
        Linked grant = link("1", "acme");
        Map<String, Object> before = row(grant);
        standIn.clearRequests();
        standIn.addFault(Fault.statusWithDetail("/api/0/organizations/acme/", 401, "Unauthorized organization access.", 1));
        HttpResponse<String> checked = check(grant);
        assertEquals(403, checked.statusCode(), checked.body());
        assertEquals("organization_scope_refused", driver.map(checked.body()).get("code"));
        assertEquals(0, tokenRequests());
        assertUntouched(before, grant);
    }

    @Test
    void aTokenFailureThatOutlastsTwoRefreshesFailsTheCallButDoesNotRevoke() {
        Linked grant = link("1", "acme");
        standIn.clearRequests();
        standIn.addFault(Fault.statusWithDetail("/api/0/organizations/acme/projects/", 401, "Invalid token", 1000));
        HttpResponse<String> failed = proxy(grant, "organizations/acme/projects/");
        assertEquals(502, failed.statusCode(), failed.body());
        assertEquals("sentry_unauthorized", driver.map(failed.body()).get("code"));
        assertEquals(2, tokenRequests(), "the token endpoint was asked twice, and accepted the grant twice");
        assertEquals("active", row(grant).get("status"), "only the token endpoint's invalid_grant revokes");
        standIn.clearFaults();
        assertEquals(200, proxy(grant, "organizations/acme/projects/").statusCode(), "the rotated tokens work");
    }

    @Test
    void aRateLimitedRefreshAnswers429WithTheConfiguredFallbackRetryAfter() {
        Linked grant = link("1", "acme");
        Map<String, Object> before = row(grant);
        standIn.expire("acme");
        standIn.addFault(Fault.status("/oauth/token/", 429, 1));
        HttpResponse<String> limited = proxy(grant, "organizations/acme/projects/");
        assertEquals(429, limited.statusCode(), limited.body());
        assertEquals("sentry_rate_limited", driver.map(limited.body()).get("code"));
        assertEquals("60", limited.headers().firstValue("Retry-After").orElse(null), limited.headers().map().toString());
        assertEquals(60, ((Number) driver.map(limited.body()).get("retry_after")).intValue());
        assertUntouched(before, grant);
    }

    @Test
    void aRealRevocationIsStillDetected() {
        Linked grant = link("2", "umbrella");
        standIn.revoke("2", "umbrella");
        HttpResponse<String> checked = check(grant);
        assertEquals(200, checked.statusCode(), checked.body());
        Map<String, Object> body = driver.map(checked.body());
        assertEquals("revoked", body.get("status"));
        assertEquals("refresh_rejected", body.get("status_reason"));
        assertEquals(true, body.get("reconnect_required"));
        assertEquals("grant.revoked", TestDatabase.query(
                "SELECT type FROM sentry_connect_grant_event WHERE grant_id = ?::uuid ORDER BY id DESC LIMIT 1", grant.grantId()).get(0).get("type"));
    }
}
