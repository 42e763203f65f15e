package io.sentryconnect.sentry;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.platform.PlatformCaller;
import io.sentryconnect.standin.RequestLogEntry;
import io.sentryconnect.standin.Settings;
import io.sentryconnect.support.Concurrently;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.LinkDriver;
import io.sentryconnect.support.LinkDriver.Linked;
import io.sentryconnect.support.LogLeakCheck;
import io.sentryconnect.support.ServiceTest;
import io.sentryconnect.support.TestDatabase;
import io.sentryconnect.token.TokenCipher;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.sentryconnect.support.LinkDriver.location;
import static io.sentryconnect.support.LinkDriver.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@MicronautTest(environments = "test", transactional = false)
class GrantLifecycleTest extends ServiceTest {
    @Inject
    TokenCipher cipher;
    @Inject
    SentryApi sentryApi;

    private EmbeddedServer second;
    /** Every token stored: none may appear in a log line. */
    @RegisterExtension
    final LogLeakCheck leaks = LogLeakCheck.searching(() -> TestDatabase.storedTokens(cipher));

    @BeforeAll
    void startSecondInstance() {
        int port = freePort();
        Map<String, Object> properties = new HashMap<>(TestDatabase.properties());
        properties.put("micronaut.server.port", port);
        properties.put("sentry-connect.public-url", "http://localhost:" + port);
        properties.put("sentry-connect.standin.enabled", false);
        properties.putAll(standIn.pluginProperties());
        second = ApplicationContext.run(EmbeddedServer.class, properties, "test");
    }

    @AfterAll
    void stopSecondInstance() {
        second.close();
    }

    private long tokenRequests(String grantType) {
        return standIn.requests("/oauth/token/").stream().filter(r -> grantType.equals(r.grantType())).count();
    }

    @Test
    void theProxyCallsTheGrantsRegionWithQueryAndPassesBodyStatusAndHeadersBack() {
        Linked grant = link("1", "acme");
        HttpResponse<String> projects = proxy(grant, "organizations/acme/projects/");
        assertEquals(200, projects.statusCode(), projects.body());
        assertTrue(projects.body().contains("\"slug\":\"backend\""), projects.body());
        assertTrue(projects.headers().firstValue("X-Sentry-Rate-Limit-Remaining").isPresent(), projects.headers().map().toString());
        RequestLogEntry last = standIn.requests("/api/0/organizations/acme/projects/").get(0);
        assertEquals("us", last.origin(), "sent to the organization's region");

        HttpResponse<String> page = proxy(grant, "projects/acme/backend/issues/?per_page=100");
        assertEquals(200, page.statusCode());
        String link = page.headers().firstValue("Link").orElseThrow();
        assertTrue(link.contains("rel=\"next\"; results=\"true\""), link);
        String cursor = link.replaceAll(".*rel=\"next\"; results=\"true\"; cursor=\"([^\"]+)\".*", "$1");
        HttpResponse<String> next = proxy(grant, "projects/acme/backend/issues/?per_page=100&cursor=" + cursor);
        assertEquals(200, next.statusCode());
        assertFalse(next.body().equals(page.body()), "the cursor reached the next page");
    }

    @Test
    void theProxyPassesSentrysLinkHeaderAsSentWhoseCursorsPageOnThroughTheProxy() {
        Linked grant = link("1", "acme");
        String issues = "organizations/acme/issues/?project=5001&limit=50";
        HttpResponse<String> first = proxy(grant, issues);
        assertEquals(200, first.statusCode(), first.body());
        // Not rewritten: the region's URL and Sentry's score cursors (the 51st issue's last seen for the next page).
        String region = standIn.regionUrl("us") + "/api/0/" + issues;
        assertEquals("<" + region + "&cursor=1732104000000:0:1>; rel=\"previous\"; results=\"false\"; cursor=\"1732104000000:0:1\", "
                + "<" + region + "&cursor=1731993000000:0:0>; rel=\"next\"; results=\"true\"; cursor=\"1731993000000:0:0\"",
                first.headers().firstValue("Link").orElseThrow());
        // The issue list's hit counts (Endpoint.add_cursor_headers) come back too, for a caller's "1–50 of N".
        assertTrue(first.headers().firstValue("X-Hits").map(hits -> Integer.parseInt(hits) > 50).orElse(false),
                first.headers().map().toString());
        assertEquals(List.of("1000"), first.headers().allValues("X-Max-Hits"));
        HttpResponse<String> second = proxy(grant, issues + "&cursor=1731993000000:0:0");
        assertEquals(200, second.statusCode(), second.body());
        List<Object> firstIds = ids(first);
        List<Object> secondIds = ids(second);
        assertEquals(50, secondIds.size());
        assertTrue(secondIds.stream().noneMatch(firstIds::contains), "the next page, not the first again");
        // A cursor made up as a row offset finds nothing, through the proxy as at Sentry.
        HttpResponse<String> madeUp = proxy(grant, issues + "&cursor=0:50:0");
        assertEquals(200, madeUp.statusCode());
        assertEquals("[]", madeUp.body());
    }

    private List<Object> ids(HttpResponse<String> response) {
        try {
            List<Map<String, Object>> items = json.readValue(response.body(),
                    io.micronaut.core.type.Argument.listOf(io.micronaut.core.type.Argument.mapOf(String.class, Object.class)));
            return items.stream().map(i -> i.get("id")).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theJavaBeanCallsSentryLikeTheProxy() {
        Linked grant = link("1", "globex");
        SentryResponse response = sentryApi.call(new PlatformCaller(grant.tenant(), "u1", false), UUID.fromString(grant.grantId()),
                SentryRequest.get("organizations/globex/projects/"));
        assertEquals(200, response.status());
        assertTrue(response.bodyText().contains("\"slug\":\"api\""));
    }

    @Test
    void hundredsOfConcurrentCallsOnTwoInstancesWithAnExpiredTokenCauseExactlyOneRefresh() throws Exception {
        assertOneRefreshUnderLoad();
    }

    @Test
    void exactlyOneRefreshAlsoWhenSentryReusesRefreshTokens() throws Exception {
        standIn.updateSettings(new Settings(Settings.DEFAULTS.accessTokenLifetimeSeconds(), false, 0));
        assertOneRefreshUnderLoad();
    }

    @Test
    void withHalfASecondOfRegionReplicaLagAfterARefreshEveryCallSucceedsWithExactlyOneTokenRequest() throws Exception {
        standIn.updateSettings(Settings.DEFAULTS.withRegionReplicaLagMs(500));
        assertOneRefreshUnderLoad();
    }

    private void assertOneRefreshUnderLoad() throws Exception {
        Linked grant = link("1", "acme");
        byte[] refreshBefore = (byte[]) grantRow(grant).get("refresh_token");
        standIn.expire("acme");
        long before = tokenRequests("refresh_token");
        String secondUrl = "http://localhost:" + second.getPort();
        List<HttpResponse<String>> results = Concurrently.run(120, i -> proxy(i % 2 == 0 ? serviceUrl() : secondUrl, grant, "organizations/acme/projects/"));
        for (HttpResponse<String> result : results) {
            assertEquals(200, result.statusCode(), result.body());
        }
        assertEquals(1, tokenRequests("refresh_token") - before, "exactly one token request");
        Map<String, Object> row = grantRow(grant);
        assertEquals("active", row.get("status"));
        assertNotNull(row.get("last_refreshed_at"));
        assertNotNull(row.get("refresh_token"));
        assertFalse(java.util.Arrays.equals(refreshBefore, (byte[]) row.get("refresh_token")), "re-encrypted (and rotated when Sentry rotates)");
    }

    @Inject
    io.micronaut.transaction.TransactionOperations<java.sql.Connection> transactions;

    @Test
    void aRefreshInsideAHostTransactionThatRollsBackKeepsTheRotatedTokens() {
        Linked grant = link("1", "acme");
        standIn.expire("acme");
        long versionBefore = (Long) grantRow(grant).get("token_version");
        PlatformCaller caller = new PlatformCaller(grant.tenant(), "u1", false);
        RuntimeException hostFailure = new IllegalStateException("the host application's own transaction fails");
        RuntimeException thrown = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () ->
                transactions.executeWrite(status -> {
                    assertEquals(200, sentryApi.call(caller, UUID.fromString(grant.grantId()),
                            SentryRequest.get("organizations/acme/projects/")).status());
                    throw hostFailure;
                }));
        assertEquals(hostFailure, thrown);
        Map<String, Object> row = grantRow(grant);
        assertEquals(versionBefore + 1, row.get("token_version"), "the refresh committed on its own");
        assertEquals(200, proxy(grant, "organizations/acme/projects/").statusCode(), "the rotated refresh token was kept");
        assertEquals("active", grantRow(grant).get("status"));
    }

    @Test
    void aTokenNearExpiryIsRefreshedBeforeTheCall() {
        Linked grant = link("1", "acme");
        long before = tokenRequests("refresh_token");
        clock.advance(Duration.ofDays(28));
        assertEquals(200, proxy(grant, "organizations/acme/projects/").statusCode());
        assertEquals(1, tokenRequests("refresh_token") - before);
        assertEquals(200, proxy(grant, "organizations/acme/projects/").statusCode());
        assertEquals(1, tokenRequests("refresh_token") - before, "the new token is not due");
    }

    @Test
    void aRevocationAtSentryTurnsTheGrantRevokedAndItIsNeverSentAgain() {
        Linked grant = link("1", "acme");
        standIn.revoke("1", "acme");
        HttpResponse<String> response = proxy(grant, "organizations/acme/projects/");
        assertEquals(409, response.statusCode(), response.body());
        Map<String, Object> problem = driver.map(response.body());
        assertTrue(((String) problem.get("type")).endsWith("/grant_revoked"), response.body());
        assertEquals(serviceUrl() + "/api/v1/grants/" + grant.grantId() + "/reconnect", problem.get("reconnect"));
        Map<String, Object> row = grantRow(grant);
        assertEquals("revoked", row.get("status"));
        assertEquals("refresh_rejected", row.get("status_reason"));

        int sent = standIn.requests(null).size();
        assertEquals(409, proxy(grant, "organizations/acme/projects/").statusCode());
        assertEquals(409, proxy("http://localhost:" + second.getPort(), grant, "organizations/acme/projects/").statusCode());
        assertEquals(sent, standIn.requests(null).size(), () -> "nothing sent to Sentry for a revoked grant: "
                + standIn.requests(null).subList(sent, standIn.requests(null).size()));
        Map<String, Object> json = driver.map(new Http().get(serviceUrl() + "/api/v1/grants/" + grant.grantId(), Http.bearer(grant.jwt())).body());
        assertEquals(true, json.get("reconnect_required"));
        assertEquals(java.util.Set.of("id", "tenant_id", "user_id", "kind", "status", "status_reason", "organization", "sentry_user",
                "scopes", "expires_at", "created_at", "updated_at", "last_refreshed_at", "reconnect_required", "last_failure_at",
                "last_failure_reason"), json.keySet(),
                "every field of docs/api.md's grant JSON is present, even when null");
        assertTrue(json.containsKey("last_refreshed_at") && json.get("last_refreshed_at") == null);
    }

    @Test
    void checkDetectsARevocation() {
        Linked grant = link("2", "umbrella");
        HttpResponse<String> ok = new Http().postJson(serviceUrl() + "/api/v1/grants/" + grant.grantId() + "/check", "{}", Http.bearer(grant.jwt()));
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("active", driver.map(ok.body()).get("status"));
        standIn.revoke("2", "umbrella");
        HttpResponse<String> revoked = new Http().postJson(serviceUrl() + "/api/v1/grants/" + grant.grantId() + "/check", "{}", Http.bearer(grant.jwt()));
        assertEquals(200, revoked.statusCode(), revoked.body());
        assertEquals("revoked", driver.map(revoked.body()).get("status"));
    }

    @Test
    void reconnectingTheSameOrgReactivatesTheGrantInPlaceWithMoreScopes() {
        Linked grant = link("1", "acme");
        standIn.revoke("1", "acme");
        assertEquals(409, proxy(grant, "organizations/acme/projects/").statusCode());
        HttpResponse<String> created = new Http().postJson(serviceUrl() + "/api/v1/grants/" + grant.grantId() + "/reconnect",
                driver.toJson(Map.of("return_to", LinkDriver.RETURN_TO, "scopes", List.of("org:read", "project:read", "event:read", "event:write"))),
                Http.bearer(grant.jwt()));
        assertEquals(201, created.statusCode(), created.body());
        HttpResponse<String> done = driver.link(new Http(), (String) driver.map(created.body()).get("link_url"), "1", "acme");
        assertEquals("connected", query(location(done)).get("sentry_connect"));
        assertEquals(grant.grantId(), query(location(done)).get("grant_id"));
        Map<String, Object> row = grantRow(grant);
        assertEquals("active", row.get("status"));
        assertNull(row.get("status_reason"));
        assertEquals("event:read event:write org:read project:read", row.get("scopes"), "as Sentry answers: hierarchy added, sorted");
        assertEquals(200, proxy(grant, "organizations/acme/projects/").statusCode());
        assertEquals(1, TestDatabase.query("SELECT 1 FROM sentry_connect_grant WHERE tenant_id = ?", grant.tenant()).size());
    }

    @Test
    void reconnectPickingAnotherOrgEndsWithOrgMismatchAndChangesNothing() {
        Linked grant = link("1", "acme");
        Map<String, Object> before = grantRow(grant);
        HttpResponse<String> created = new Http().postJson(serviceUrl() + "/api/v1/grants/" + grant.grantId() + "/reconnect",
                driver.toJson(Map.of("return_to", LinkDriver.RETURN_TO)), Http.bearer(grant.jwt()));
        HttpResponse<String> done = driver.link(new Http(), (String) driver.map(created.body()).get("link_url"), "1", "globex");
        assertEquals("error", query(location(done)).get("sentry_connect"));
        assertEquals("org_mismatch", query(location(done)).get("code"));
        Map<String, Object> after = grantRow(grant);
        assertEquals(before.get("token_version"), after.get("token_version"));
        assertEquals(before.get("org_id"), after.get("org_id"));
        assertTrue(java.util.Arrays.equals((byte[]) before.get("access_token"), (byte[]) after.get("access_token")));
        assertEquals(1, TestDatabase.query("SELECT 1 FROM sentry_connect_grant WHERE tenant_id = ?", grant.tenant()).size());
    }

    @Test
    void disconnectDestroysTheTokensAndIsIdempotent() {
        Linked grant = link("1", "acme");
        String url = serviceUrl() + "/api/v1/grants/" + grant.grantId();
        assertEquals(204, new Http().delete(url, Http.bearer(grant.jwt())).statusCode());
        Map<String, Object> row = grantRow(grant);
        assertEquals("disconnected", row.get("status"));
        assertNull(row.get("access_token"));
        assertNull(row.get("refresh_token"));
        // The Sentry user's personal data goes with the tokens; the id stays.
        assertNull(row.get("sentry_user_name"));
        assertNull(row.get("sentry_user_email"));
        assertEquals("1", row.get("sentry_user_id"));
        Map<String, Object> shown = driver.map(new Http().get(url, Http.bearer(grant.jwt())).body());
        assertEquals(java.util.Arrays.asList("1", null, null), java.util.Arrays.asList(((Map<?, ?>) shown.get("sentry_user")).get("id"),
                ((Map<?, ?>) shown.get("sentry_user")).get("name"), ((Map<?, ?>) shown.get("sentry_user")).get("email")), shown.toString());
        assertEquals(204, new Http().delete(url, Http.bearer(grant.jwt())).statusCode());
        int sent = standIn.requests(null).size();
        assertEquals(409, proxy(grant, "organizations/acme/projects/").statusCode());
        assertEquals(sent, standIn.requests(null).size());
        HttpResponse<String> list = new Http().get(serviceUrl() + "/api/v1/grants", Http.bearer(grant.jwt()));
        assertEquals("[]", list.body(), "disconnected grants are listed only when asked for");
        HttpResponse<String> tombstones = new Http().get(serviceUrl() + "/api/v1/grants?status=disconnected", Http.bearer(grant.jwt()));
        assertTrue(tombstones.body().contains(grant.grantId()));
    }

    @Test
    void anotherTenantsOrAnotherUsersGrantIsNotFoundOnEveryEndpoint() {
        Linked grant = link("1", "acme");
        String otherTenant = driver.jwt("t-other-" + UUID.randomUUID(), "u1", "tenant-admin");
        String otherUser = driver.jwt(grant.tenant(), "u2");
        String base = serviceUrl() + "/api/v1/grants/" + grant.grantId();
        int sent = standIn.requests(null).size();
        for (String jwt : List.of(otherTenant, otherUser)) {
            Http http = new Http();
            List<HttpResponse<String>> responses = List.of(
                    http.get(base, Http.bearer(jwt)),
                    http.delete(base, Http.bearer(jwt)),
                    http.postJson(base + "/reconnect", driver.toJson(Map.of("return_to", LinkDriver.RETURN_TO)), Http.bearer(jwt)),
                    http.postJson(base + "/check", "{}", Http.bearer(jwt)),
                    http.get(base + "/sentry/organizations/acme/projects/", Http.bearer(jwt)),
                    http.putJson(base + "/sentry/organizations/acme/issues/90001/", "{\"status\":\"resolved\"}", Http.bearer(jwt)));
            HttpResponse<String> unknown = http.get(serviceUrl() + "/api/v1/grants/" + UUID.randomUUID(), Http.bearer(jwt));
            for (HttpResponse<String> response : responses) {
                assertEquals(404, response.statusCode(), response.request().method() + " " + response.request().uri());
                assertEquals(unknown.body(), response.body(), "indistinguishable from a grant that does not exist");
            }
            assertFalse(http.get(serviceUrl() + "/api/v1/grants", Http.bearer(jwt)).body().contains(grant.grantId()));
        }
        assertEquals(sent, standIn.requests(null).size());
        assertEquals("active", grantRow(grant).get("status"));
        HttpResponse<String> admin = new Http().get(base, Http.bearer(grant.adminJwt()));
        assertEquals(200, admin.statusCode(), "a tenant admin sees the tenant's grants");
        assertTrue(new Http().get(serviceUrl() + "/api/v1/grants?user_id=u1", Http.bearer(grant.adminJwt())).body().contains(grant.grantId()));
    }

    @Test
    void listingIsKeysetPaginatedWithALinkHeaderAndFilters() {
        String tenant = "t-" + UUID.randomUUID();
        String jwt = driver.jwt(tenant, "u1");
        for (String org : List.of("acme", "globex", "initech")) {
            driver.link(jwt, "1", org);
        }
        List<String> seen = new ArrayList<>();
        String url = serviceUrl() + "/api/v1/grants?limit=2";
        while (url != null) {
            HttpResponse<String> page = new Http().get(url, Http.bearer(jwt));
            assertEquals(200, page.statusCode(), page.body());
            for (Object grant : driver.map("{\"a\":" + page.body() + "}").values().stream().findFirst().map(List.class::cast).orElseThrow()) {
                seen.add((String) ((Map<?, ?>) grant).get("id"));
            }
            url = page.headers().firstValue("Link").map(l -> l.replaceAll("^<([^>]+)>; rel=\"next\"$", "$1")).orElse(null);
        }
        assertEquals(3, seen.size());
        assertEquals(3, new java.util.HashSet<>(seen).size());
        HttpResponse<String> filtered = new Http().get(serviceUrl() + "/api/v1/grants?org_slug=initech", Http.bearer(jwt));
        assertTrue(filtered.body().contains("\"slug\":\"initech\"") && !filtered.body().contains("\"slug\":\"acme\""), filtered.body());
        HttpResponse<String> bad = new Http().get(serviceUrl() + "/api/v1/grants?status=weird", Http.bearer(jwt));
        assertEquals(400, bad.statusCode());
        assertFalse(bad.body().contains("access_token"));
    }
}
