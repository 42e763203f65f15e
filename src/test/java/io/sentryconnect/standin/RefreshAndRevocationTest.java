package io.sentryconnect.standin;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.sentryconnect.standin.StandInHarness.CLIENT_ID;
import static io.sentryconnect.standin.StandInHarness.CLIENT_SECRET;
import static io.sentryconnect.standin.StandInHarness.READ_SCOPES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class RefreshAndRevocationTest {

    private final StandInHarness h = new StandInHarness();

    @AfterEach
    void stop() {
        h.close();
    }

    private void assertInvalidGrant(HttpResponse<String> response) {
        assertEquals(400, response.statusCode());
        assertEquals("{\"error\":\"invalid_grant\"}", response.body());
    }

    private void assertUnauthorized(String accessToken, String detail) {
        HttpResponse<String> response = h.apiGet(h.main("/api/0/organizations/"), accessToken);
        assertEquals(401, response.statusCode());
        assertEquals(Map.of("detail", detail), h.object(response));
    }

    private String access(Map<String, Object> tokens) {
        return (String) tokens.get("access_token");
    }

    private String refreshToken(Map<String, Object> tokens) {
        return (String) tokens.get("refresh_token");
    }

    @Test
    void refreshRotatesBothTokensAndTheOldOnesStopWorkingAtOnce() {
        Map<String, Object> first = h.link("1", "acme", READ_SCOPES);
        h.clock.advance(Duration.ofHours(1));
        HttpResponse<String> response = h.refresh(refreshToken(first));
        assertEquals(200, response.statusCode(), response.body());
        Map<String, Object> second = h.object(response);
        assertNotEquals(access(first), access(second));
        assertNotEquals(refreshToken(first), refreshToken(second));
        assertEquals(StandInHarness.READ_SCOPES_GRANTED, second.get("scope"));
        assertEquals("1001", second.get("organization_id"));
        assertEquals(2591999, ((Number) second.get("expires_in")).intValue());
        assertEquals("2025-02-14T10:59:59.000000Z", second.get("expires_at"));

        assertUnauthorized(access(first), "Invalid token");
        assertInvalidGrant(h.refresh(refreshToken(first)));
        assertEquals(200, h.apiGet(h.main("/api/0/organizations/"), access(second)).statusCode());
    }

    @Test
    void withRotationOffTheRefreshTokenIsReusedAndOnlyTheAccessTokenChanges() {
        h.standIn.updateSettings(new Settings(2_591_999, false, 0));
        Map<String, Object> first = h.link("1", "acme", READ_SCOPES);
        Map<String, Object> second = h.object(h.refresh(refreshToken(first)));
        assertEquals(refreshToken(first), refreshToken(second));
        assertNotEquals(access(first), access(second));
        assertUnauthorized(access(first), "Invalid token");
        Map<String, Object> third = h.object(h.refresh(refreshToken(first)));
        assertEquals(refreshToken(first), refreshToken(third));
    }

    @Test
    void scopeWithARefreshIsInvalidRequest() {
        Map<String, Object> tokens = h.link("1", "acme", READ_SCOPES);
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken(tokens));
        form.put("scope", "org:read");
        form.put("client_id", CLIENT_ID);
        form.put("client_secret", CLIENT_SECRET);
        HttpResponse<String> response = h.postForm(h.main("/oauth/token/"), form);
        assertEquals(400, response.statusCode());
        assertEquals("{\"error\":\"invalid_request\"}", response.body());
        assertEquals(200, h.refresh(refreshToken(tokens)).statusCode(), "the refresh token survived");
    }

    @Test
    void missingRefreshTokenIsInvalidRequestAndUnknownIsInvalidGrant() {
        HttpResponse<String> missing = h.refresh("");
        assertEquals(400, missing.statusCode());
        assertEquals("{\"error\":\"invalid_request\"}", missing.body());
        assertInvalidGrant(h.refresh("f".repeat(64)));
    }

    @Test
    void expiredAccessTokenSaysTokenExpiredAndItsRefreshTokenStillWorks() {
        h.standIn.updateSettings(new Settings(60, true, 0));
        Map<String, Object> tokens = h.link("1", "acme", READ_SCOPES);
        h.clock.advance(Duration.ofSeconds(60));
        assertUnauthorized(access(tokens), "Token expired");
        HttpResponse<String> refreshed = h.refresh(refreshToken(tokens));
        assertEquals(200, refreshed.statusCode());
        assertEquals(200, h.apiGet(h.main("/api/0/organizations/"), access(h.object(refreshed))).statusCode());
    }

    @Test
    void expireControlExpiresTheOrganizationsCurrentAccessTokensOnly() {
        Map<String, Object> acme = h.link("1", "acme", READ_SCOPES);
        Map<String, Object> globex = h.link("1", "globex", READ_SCOPES);
        HttpResponse<String> response = h.json("POST", h.main("/_standin/expire"), "{\"org_slug\":\"acme\"}");
        assertEquals(200, response.statusCode());
        assertEquals(Map.of("expired_tokens", 1), h.object(response));
        assertUnauthorized(access(acme), "Token expired");
        assertEquals(200, h.apiGet(h.main("/api/0/organizations/"), access(globex)).statusCode());
        assertEquals(200, h.refresh(refreshToken(acme)).statusCode(), "an expired token's refresh token works");
    }

    @Test
    void revokedAuthorizationAnswersInvalidTokenAndItsRefreshInvalidGrant() {
        Map<String, Object> acme = h.link("1", "acme", READ_SCOPES);
        Map<String, Object> acmeAgain = h.link("1", "acme", READ_SCOPES);
        Map<String, Object> globex = h.link("1", "globex", READ_SCOPES);
        Map<String, Object> grace = h.link("2", "globex", READ_SCOPES);

        HttpResponse<String> response = h.json("POST", h.main("/_standin/revoke"), "{\"user_id\":\"1\",\"org_slug\":\"acme\"}");
        assertEquals(200, response.statusCode());
        assertEquals(Map.of("revoked_tokens", 2), h.object(response));

        assertUnauthorized(access(acme), "Invalid token");
        assertUnauthorized(access(acmeAgain), "Invalid token");
        assertInvalidGrant(h.refresh(refreshToken(acme)));
        assertEquals(200, h.apiGet(h.main("/api/0/organizations/"), access(globex)).statusCode(), "other orgs untouched");
        assertEquals(200, h.apiGet(h.main("/api/0/organizations/"), access(grace)).statusCode(), "other users untouched");
    }

    @Test
    void revokeOfAnExpiredTokenStillMakesItsRefreshFail() {
        Map<String, Object> tokens = h.link("1", "acme", READ_SCOPES);
        h.standIn.expire("acme");
        h.standIn.revoke("1", "acme");
        assertUnauthorized(access(tokens), "Invalid token");
        assertInvalidGrant(h.refresh(refreshToken(tokens)));
    }

    /**
     * Sentry reads the token row, then writes the refreshed one with no lock between: with the window widened, every
     * concurrent refresh answers 200 with tokens of its own, and only the last write's tokens work.
     */
    @Test
    void concurrentRefreshesOfOneTokenAllSucceedAndOnlyTheLastWriteStays() throws Exception {
        Map<String, Object> tokens = h.link("1", "acme", READ_SCOPES);
        h.standIn.updateSettings(Settings.DEFAULTS.withRefreshRaceMs(300));
        List<HttpResponse<String>> answers = refreshConcurrently(refreshToken(tokens), 5);
        answers.forEach(a -> assertEquals(200, a.statusCode(), a.body()));
        List<Map<String, Object>> issued = answers.stream().map(h::object).toList();
        assertEquals(5, issued.stream().map(this::access).distinct().count(), "each answer has tokens of its own");

        List<Map<String, Object>> working = issued.stream()
                .filter(t -> h.apiGet(h.main("/api/0/organizations/"), access(t)).statusCode() == 200)
                .toList();
        assertEquals(1, working.size(), "the row holds the last write only");
        for (Map<String, Object> t : issued) {
            if (t != working.get(0)) {
                assertUnauthorized(access(t), "Invalid token");
                assertInvalidGrant(h.refresh(refreshToken(t)));
            }
        }
        assertUnauthorized(access(tokens), "Invalid token");
        assertEquals(200, h.refresh(refreshToken(working.get(0))).statusCode(), "the survivor refreshes");
    }

    /** Without a widened window the race is narrow, but the row still ends with one pair of tokens. */
    @Test
    void concurrentRefreshesLeaveOneWorkingTokenWhateverTheirTiming() throws Exception {
        Map<String, Object> tokens = h.link("1", "acme", READ_SCOPES);
        List<HttpResponse<String>> answers = refreshConcurrently(refreshToken(tokens), 20);
        List<Map<String, Object>> issued = answers.stream().filter(a -> a.statusCode() == 200).map(h::object).toList();
        answers.stream().filter(a -> a.statusCode() != 200).forEach(this::assertInvalidGrant);
        assertNotEquals(0, issued.size());
        assertEquals(1, issued.stream()
                .filter(t -> h.apiGet(h.main("/api/0/organizations/"), access(t)).statusCode() == 200).count());
        assertEquals(20, h.standIn.requests("/oauth/token/").stream()
                .filter(e -> "refresh_token".equals(e.grantType())).count(), "the log counts every refresh");
    }

    /** A revocation between the read and the write: Sentry's update matches no row, and the answer is still 200. */
    @Test
    void aRefreshRacingARevocationAnswersWithTokensThatNeverWork() throws Exception {
        Map<String, Object> tokens = h.link("1", "acme", READ_SCOPES);
        h.standIn.updateSettings(Settings.DEFAULTS.withRefreshRaceMs(500));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<HttpResponse<String>> refresh = pool.submit(() -> h.refresh(refreshToken(tokens)));
            Thread.sleep(150);
            assertEquals(1, h.standIn.revoke("1", "acme"));
            HttpResponse<String> answer = refresh.get();
            assertEquals(200, answer.statusCode(), answer.body());
            Map<String, Object> dead = h.object(answer);
            assertUnauthorized(access(dead), "Invalid token");
            assertInvalidGrant(h.refresh(refreshToken(dead)));
        } finally {
            pool.shutdownNow();
        }
    }

    private List<HttpResponse<String>> refreshConcurrently(String refreshToken, int n) throws Exception {
        List<Callable<HttpResponse<String>>> attempts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            attempts.add(() -> h.refresh(refreshToken));
        }
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<HttpResponse<String>> answers = new ArrayList<>();
            for (Future<HttpResponse<String>> f : pool.invokeAll(attempts)) {
                answers.add(f.get());
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }
}
