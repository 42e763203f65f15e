package io.sentryconnect.standin;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static io.sentryconnect.standin.StandInHarness.CLIENT_SECRET;
import static io.sentryconnect.standin.StandInHarness.READ_SCOPES;
import static io.sentryconnect.standin.StandInHarness.VERIFIER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ControlsTest {

    private final StandInHarness h = new StandInHarness();

    @AfterEach
    void stop() {
        h.close();
    }

    private HttpResponse<String> control(String method, String path, String json) {
        return h.json(method, h.main("/_standin/" + path), json);
    }

    private void fault(String json) {
        assertEquals(200, control("POST", "faults", json).statusCode());
    }

    // --- fixtures -------------------------------------------------------------------------------------------------

    @Test
    void fixturesShowUsersOrganizationsWithRegionUrlsProjectsAndTheClient() {
        Map<String, Object> body = h.object(h.get(h.main("/_standin/fixtures")));
        assertEquals(h.standIn.baseUrl().toString(), body.get("base_url"));
        assertEquals(Map.of("us", h.standIn.regionUrl("us").toString(), "de", h.standIn.regionUrl("de").toString()),
                body.get("regions"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> orgs = (List<Map<String, Object>>) body.get("organizations");
        assertEquals(4, orgs.size());
        assertEquals(h.standIn.regionUrl("de").toString(),
                orgs.stream().filter(o -> o.get("slug").equals("initech")).findFirst().orElseThrow().get("region_url"));
        @SuppressWarnings("unchecked")
        Map<String, Object> client = (Map<String, Object>) body.get("oauth_client");
        assertEquals("sentry-connect-dev", client.get("client_id"));
        assertEquals(List.of("http://localhost/connect/sentry/callback"), client.get("redirect_uris"),
                "a loopback URI registered without a port, so the service may run on any port");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> users = (List<Map<String, Object>>) body.get("users");
        assertEquals(List.of("acme", "globex", "initech"), users.get(0).get("organizations"));
    }

    // --- next-authorization ----------------------------------------------------------------------------------------

    @Test
    void nextAuthorizationOverHttpApprovesWithGrantedScopes() {
        HttpResponse<String> queued = control("POST", "next-authorization",
                "{\"user_id\":\"2\",\"org_slug\":\"umbrella\",\"decision\":\"approve\",\"granted_scopes\":[\"org:read\"]}");
        assertEquals(Map.of("queued", 1), h.object(queued));
        String location = h.authorize(StandInHarness.authorizeParams(READ_SCOPES)).headers().firstValue("Location").orElseThrow();
        Map<String, Object> tokens = h.object(h.exchange(StandInHarness.queryOf(location).get("code")));
        assertEquals("org:read", tokens.get("scope"));
        assertEquals("2002", tokens.get("organization_id"));
        assertEquals("2", ((Map<?, ?>) tokens.get("user")).get("id"));
    }

    @Test
    void nextAuthorizationRefusesBadInput() {
        for (String body : List.of("{\"decision\":\"maybe\"}", "{\"user_id\":\"99\",\"org_slug\":\"acme\",\"decision\":\"approve\"}",
                "{\"user_id\":\"1\",\"org_slug\":\"nope\",\"decision\":\"approve\"}", "not json", "[]",
                "{\"user_id\":\"1\",\"org_slug\":\"acme\",\"decision\":\"approve\",\"granted_scopes\":\"org:read\"}")) {
            HttpResponse<String> response = control("POST", "next-authorization", body);
            assertEquals(400, response.statusCode(), body);
            assertTrue(h.object(response).containsKey("error"));
        }
    }

    @Test
    void unknownControlsAndMethodsAreRefused() {
        assertEquals(404, h.get(h.main("/_standin/nope")).statusCode());
        assertEquals(405, control("DELETE", "settings", "{}").statusCode());
        assertEquals(400, control("POST", "revoke", "{\"user_id\":\"1\",\"org_slug\":\"nope\"}").statusCode());
        assertEquals(404, h.get(h.us("/_standin/fixtures")).statusCode(), "controls live on the main origin only");
    }

    // --- faults -------------------------------------------------------------------------------------------------

    @Test
    void statusFaultAnswersForCountRequestsThenTheRealEndpointAgain() {
        fault("{\"path_prefix\":\"/api/0/\",\"status\":503,\"count\":2}");
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> failed = h.get(h.main("/api/0/"));
            assertEquals(503, failed.statusCode());
            assertTrue(failed.body().contains("503 Service Unavailable"));
        }
        assertEquals(200, h.get(h.main("/api/0/")).statusCode(), "count exhausted");
        assertEquals(Map.of("faults", List.of()), h.object(h.get(h.main("/_standin/faults"))));
    }

    @Test
    void faultsMatchByPathPrefixOnEveryOrigin() {
        String token = h.accessToken("1", "acme", READ_SCOPES);
        fault("{\"path_prefix\":\"/api/0/organizations/acme/\",\"status\":500}");
        assertEquals(200, h.apiGet(h.us("/api/0/organizations/"), token).statusCode(), "other paths unaffected");
        HttpResponse<String> failed = h.apiGet(h.us("/api/0/organizations/acme/projects/"), token);
        assertEquals(500, failed.statusCode());
        assertEquals("Internal Error", h.object(failed).get("detail"));
    }

    @Test
    void faulted429UsesTheRateLimitBodySettingWithExhaustedHeadersAndNoRetryAfter() {
        fault("{\"path_prefix\":\"/api/\",\"status\":429}");
        HttpResponse<String> detail = h.get(h.us("/api/0/"));
        assertEquals(429, detail.statusCode());
        assertEquals("{\"detail\":\"You are attempting to use this endpoint too frequently. Limit is 40 requests in 1 seconds\"}",
                detail.body(), "Sentry's current body, by default");
        assertFalse(detail.headers().firstValue("Retry-After").isPresent());
        assertEquals("0", detail.headers().firstValue("X-Sentry-Rate-Limit-Remaining").orElseThrow());
        assertEquals(Long.toString(h.clock.instant().getEpochSecond() + 1),
                detail.headers().firstValue("X-Sentry-Rate-Limit-Reset").orElseThrow(), "the end of the 1-second window");

        control("PUT", "settings", "{\"rate_limit\":5,\"rate_limit_window_s\":60,\"rate_limit_body\":\"string\"}");
        fault("{\"path_prefix\":\"/api/\",\"status\":429}");
        HttpResponse<String> string = h.get(h.us("/api/0/"));
        assertEquals("\"You are attempting to use this endpoint too frequently. Limit is 5 requests in 60 seconds\"",
                string.body());
        assertEquals("5", string.headers().firstValue("X-Sentry-Rate-Limit-Limit").orElseThrow());
    }

    @Test
    void faulted401OnTheApiCarriesWwwAuthenticate() {
        fault("{\"path_prefix\":\"/api/\",\"status\":401}");
        HttpResponse<String> response = h.get(h.us("/api/0/organizations/"));
        assertEquals(401, response.statusCode());
        assertEquals("{\"detail\":\"Invalid token\"}", response.body());
        assertEquals("xBasic realm=\"api\"", response.headers().firstValue("WWW-Authenticate").orElseThrow());
        fault("{\"path_prefix\":\"/api/\",\"status\":401,\"detail\":\"Token expired\"}");
        assertEquals("xBasic realm=\"api\"", h.get(h.us("/api/0/organizations/")).headers()
                .firstValue("WWW-Authenticate").orElseThrow());
    }

    @Test
    void faultOnTheTokenEndpointLeavesTheCodeUnused() {
        String code = h.codeFor("1", "acme", READ_SCOPES);
        fault("{\"path_prefix\":\"/oauth/token/\",\"status\":502}");
        assertEquals(502, h.exchange(code).statusCode());
        assertEquals(200, h.exchange(code).statusCode(), "the failing call never reached the token endpoint");
    }

    @Test
    void malformedFaultRunsTheEndpointAndTruncatesItsBody() {
        String code = h.codeFor("1", "acme", READ_SCOPES);
        fault("{\"path_prefix\":\"/oauth/token/\",\"malformed\":true}");
        HttpResponse<String> response = h.exchange(code);
        assertEquals(200, response.statusCode());
        assertThrows(UncheckedIOException.class, () -> h.value(response.body()));
        assertEquals(400, h.exchange(code).statusCode(), "the code was used: the tokens were issued and lost");
    }

    @Test
    void membersFaultRunsTheEndpointAndRewritesItsJsonBody() {
        String code = h.codeFor("1", "acme", READ_SCOPES);
        fault("{\"path_prefix\":\"/oauth/token/\",\"members\":{\"expires_in\":null,\"expires_at\":null,\"token_type\":\"mac\"}}");
        HttpResponse<String> response = h.exchange(code);
        assertEquals(200, response.statusCode());
        Map<String, Object> body = h.object(response);
        assertFalse(body.containsKey("expires_in"), response.body());
        assertFalse(body.containsKey("expires_at"), response.body());
        assertEquals("mac", body.get("token_type"));
        assertTrue(body.get("refresh_token") instanceof String, "the rest of the real answer");
        assertEquals(400, h.exchange(code).statusCode(), "the code was used: the endpoint really ran");
    }

    @Test
    void resetFaultDropsTheConnectionWithoutAResponse() {
        fault("{\"path_prefix\":\"/oauth/token/\",\"reset\":true,\"count\":1}");
        assertThrows(UncheckedIOException.class, () -> h.refresh("x"));
        assertEquals(400, h.refresh("x").statusCode(), "only once");
        assertEquals(List.of(0, 400), h.standIn.requests("/oauth/token/").stream().map(RequestLogEntry::status).toList());
        assertEquals("reset", h.standIn.requests("/oauth/token/").get(0).fault());
    }

    @Test
    void delayFaultSlowsTheResponseThenServesIt() {
        fault("{\"path_prefix\":\"/api/0/\",\"delay_ms\":150}");
        long start = System.nanoTime();
        HttpResponse<String> response = h.get(h.main("/api/0/"));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(200, response.statusCode());
        assertTrue(elapsedMs >= 150, "took " + elapsedMs + " ms");
    }

    @Test
    void deleteFaultsDisarmsThem() {
        fault("{\"path_prefix\":\"/\",\"status\":503,\"count\":100}");
        assertEquals(Map.of("faults", List.of()), h.object(control("DELETE", "faults", "")));
        assertEquals(200, h.get(h.main("/api/0/")).statusCode());
    }

    @Test
    void faultsAreValidated() {
        for (String body : List.of("{\"status\":503}", "{\"path_prefix\":\"api\",\"status\":503}",
                "{\"path_prefix\":\"/\",\"status\":503,\"reset\":true}", "{\"path_prefix\":\"/\"}",
                "{\"path_prefix\":\"/\",\"status\":503,\"count\":0}", "{\"path_prefix\":\"/\",\"status\":42}")) {
            assertEquals(400, control("POST", "faults", body).statusCode(), body);
        }
    }

    // --- requests log ---------------------------------------------------------------------------------------------

    @Test
    void requestLogRecordsMethodPathStatusAndGrantTypeButNoSecrets() {
        String code = h.codeFor("1", "acme", READ_SCOPES);
        Map<String, Object> tokens = h.object(h.exchange(code));
        String access = (String) tokens.get("access_token");
        String refresh = (String) tokens.get("refresh_token");
        h.apiGet(h.us("/api/0/organizations/acme/projects/?per_page=5"), access);
        h.refresh(refresh);
        h.postForm(h.main("/oauth/token/"), Map.of("grant_type", "refresh_token", "refresh_token", refresh),
                "Authorization", StandInHarness.basic("sentry-connect-dev", CLIENT_SECRET));

        HttpResponse<String> log = h.get(h.main("/_standin/requests"));
        String raw = log.body();
        for (String secret : List.of(code, access, refresh, CLIENT_SECRET, VERIFIER, StandInHarness.CHALLENGE, "state-123")) {
            assertFalse(raw.contains(secret), "the log leaks " + secret);
        }
        List<Object> entries = h.array(log);
        assertEquals(5, entries.size(), raw);
        @SuppressWarnings("unchecked")
        Map<String, Object> authorize = (Map<String, Object>) entries.get(0);
        assertEquals("GET", authorize.get("method"));
        assertEquals("/oauth/authorize/", authorize.get("path"));
        assertEquals(302, ((Number) authorize.get("status")).intValue());
        assertEquals("main", authorize.get("origin"));
        assertTrue(((String) authorize.get("query")).contains("state=[redacted]"));
        @SuppressWarnings("unchecked")
        Map<String, Object> exchange = (Map<String, Object>) entries.get(1);
        assertEquals("authorization_code", exchange.get("grant_type"));
        @SuppressWarnings("unchecked")
        Map<String, Object> projects = (Map<String, Object>) entries.get(2);
        assertEquals("us", projects.get("origin"));
        assertEquals("per_page=5", projects.get("query"));
        assertEquals("2025-01-15T10:00:00.000000Z", projects.get("time"));
    }

    @Test
    void requestLogFiltersByPathPrefixAndCanBeCleared() {
        h.get(h.main("/api/0/"));
        h.get(h.us("/api/0/"));
        h.refresh("x");
        assertEquals(2, h.array(h.get(h.main("/_standin/requests?path_prefix=/api/0/"))).size());
        assertEquals(1, h.array(h.get(h.main("/_standin/requests?path_prefix=/oauth/"))).size());
        assertEquals(Map.of("cleared", 3), h.object(control("DELETE", "requests", "")));
        assertTrue(h.array(h.get(h.main("/_standin/requests"))).isEmpty(), "controls themselves are not logged");
    }

    // --- settings and reset ---------------------------------------------------------------------------------------

    @Test
    void settingsArePartiallyUpdatedAndReturned() {
        Map<String, Object> defaults = Map.of("access_token_lifetime_s", 2591999, "refresh_rotation", true,
                "rate_limit", 0, "rate_limit_window_s", 1, "rate_limit_body", "detail", "region_replica_lag_ms", 0,
                "refresh_race_ms", 0);
        assertEquals(defaults, h.object(h.get(h.main("/_standin/settings"))));
        HttpResponse<String> response = control("PUT", "settings", "{\"refresh_rotation\":false}");
        Map<String, Object> noRotation = new java.util.HashMap<>(defaults);
        noRotation.put("refresh_rotation", false);
        assertEquals(noRotation, h.object(response));
        control("PUT", "settings", "{\"access_token_lifetime_s\":120,\"rate_limit\":10,\"rate_limit_window_s\":60,"
                + "\"rate_limit_body\":\"string\",\"region_replica_lag_ms\":250,\"refresh_race_ms\":40}");
        Settings expected = new Settings(120, false, 10, 60, Settings.RateLimitBody.STRING, 250, 40);
        assertEquals(expected, h.standIn.settings());
        for (String bad : List.of("{\"rate_limit\":-1}", "{\"rate_limit_window_s\":0}", "{\"rate_limit_body\":\"html\"}",
                "{\"region_replica_lag_ms\":-5}", "{\"refresh_race_ms\":-1}", "{\"refresh_rotation\":\"no\"}")) {
            assertEquals(400, control("PUT", "settings", bad).statusCode(), bad);
        }
        assertEquals(expected, h.standIn.settings(), "a refused update changes nothing");
    }

    @Test
    void resetRestoresTheInitialState() {
        String token = h.accessToken("1", "acme", READ_SCOPES + " event:write");
        h.send("PUT", h.us("/api/0/organizations/acme/issues/90001/"), "{\"status\":\"resolved\"}", "Authorization", "Bearer " + token);
        control("PUT", "settings", "{\"refresh_rotation\":false}");
        fault("{\"path_prefix\":\"/oauth/\",\"status\":500,\"count\":5}");
        h.standIn.approveNext("1", "acme");

        assertEquals(Map.of("reset", true), h.object(control("POST", "reset", "")));

        assertEquals("{\"detail\":\"Invalid token\"}", h.apiGet(h.main("/api/0/organizations/"), token).body(),
                "tokens are gone");
        assertEquals(Settings.DEFAULTS, h.standIn.settings());
        assertEquals(200, h.authorize(StandInHarness.authorizeParams(READ_SCOPES)).statusCode(), "no fault, no queued decision");
        assertEquals(List.of("/api/0/organizations/", "/oauth/authorize/"),
                h.standIn.requests(null).stream().map(RequestLogEntry::path).toList(), "the log restarted");
        String fresh = h.accessToken("1", "acme", READ_SCOPES);
        assertEquals("unresolved", h.object(h.apiGet(h.us("/api/0/organizations/acme/issues/90001/"), fresh)).get("status"));
    }
}
