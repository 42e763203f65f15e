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
import static io.sentryconnect.standin.StandInHarness.basic;
import static io.sentryconnect.standin.StandInHarness.tokenForm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenEndpointTest {

    private final StandInHarness h = new StandInHarness();

    @AfterEach
    void stop() {
        h.close();
    }

    private HttpResponse<String> token(Map<String, String> form, String... headers) {
        return h.postForm(h.main("/oauth/token/"), form, headers);
    }

    private void assertTokenError(HttpResponse<String> response, int status, String error) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("{\"error\":\"" + error + "\"}", response.body(), "exactly the error, no description");
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
        if (status == 401) {
            assertEquals("Basic realm=\"oauth\"", response.headers().firstValue("WWW-Authenticate").orElseThrow());
        }
    }

    // --- success --------------------------------------------------------------------------------------------------

    @Test
    void codeExchangeAnswersSentrysExactShape() {
        Map<String, Object> body = h.link("1", "acme", READ_SCOPES);
        assertEquals(List.of("access_token", "refresh_token", "expires_in", "expires_at", "token_type", "scope", "user",
                "organization_id"), new ArrayList<>(body.keySet()));
        assertTrue(((String) body.get("access_token")).matches("[0-9a-f]{64}"));
        assertTrue(((String) body.get("refresh_token")).matches("[0-9a-f]{64}"));
        assertEquals(2591999, ((Number) body.get("expires_in")).intValue());
        // 2025-01-15T10:00:00Z + 2591999 s, written with microseconds and Z.
        assertEquals("2025-02-14T09:59:59.000000Z", body.get("expires_at"));
        assertEquals("Bearer", body.get("token_type"));
        assertEquals(StandInHarness.READ_SCOPES_GRANTED, body.get("scope"), "sorted, as Sentry saves it");
        assertEquals(Map.of("id", "1", "name", "Ada Lovelace", "email", "ada@example.com"), body.get("user"));
        assertEquals("1001", body.get("organization_id"));
    }

    @Test
    void tokenResponsesAreNotCacheable() {
        HttpResponse<String> response = h.exchange(h.codeFor("1", "acme", READ_SCOPES));
        assertTrue(response.headers().firstValue("Cache-Control").orElseThrow().contains("no-store"));
    }

    @Test
    void basicClientAuthenticationWorks() {
        Map<String, String> form = tokenForm(h.codeFor("1", "acme", READ_SCOPES));
        form.remove("client_id");
        form.remove("client_secret");
        HttpResponse<String> response = token(form, "Authorization", basic(CLIENT_ID, CLIENT_SECRET));
        assertEquals(200, response.statusCode(), response.body());
    }

    @Test
    void accessTokenLifetimeFollowsTheSetting() {
        h.standIn.updateSettings(new Settings(3600, true, 0));
        Map<String, Object> body = h.link("1", "acme", READ_SCOPES);
        assertEquals(3600, ((Number) body.get("expires_in")).intValue());
        assertEquals("2025-01-15T11:00:00.000000Z", body.get("expires_at"));
    }

    // --- client authentication ------------------------------------------------------------------------------------

    @Test
    void wrongSecretIsInvalidClientWith401AndWwwAuthenticate() {
        String code = h.codeFor("1", "acme", READ_SCOPES);
        Map<String, String> form = tokenForm(code);
        form.put("client_secret", "wrong");
        assertTokenError(token(form), 401, "invalid_client");

        form.remove("client_id");
        form.remove("client_secret");
        assertTokenError(token(form, "Authorization", basic(CLIENT_ID, "wrong")), 401, "invalid_client");
    }

    @Test
    void basicCredentialsAreComparedAsSentWithoutUrlDecodingAsSentryDoes() {
        Map<String, String> form = tokenForm(h.codeFor("1", "acme", READ_SCOPES));
        form.remove("client_id");
        form.remove("client_secret");
        // The same secret with its hyphens percent-encoded: a form-decoding server would accept it, Sentry does not.
        String encoded = CLIENT_SECRET.replace("-", "%2D");
        String pair = CLIENT_ID + ":" + encoded;
        assertTokenError(token(form, "Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                pair.getBytes(java.nio.charset.StandardCharsets.UTF_8))), 401, "invalid_client");
        assertEquals(200, token(tokenForm(h.codeFor("1", "acme", READ_SCOPES)).entrySet().stream()
                .filter(e -> !e.getKey().startsWith("client_"))
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)),
                "Authorization", basic(CLIENT_ID, CLIENT_SECRET)).statusCode(), "the secret as it is passes");
    }

    /**
     * Sentry decodes with {@code b64decode(validate=True)} and strict UTF-8: a value without its padding, with a
     * character outside the alphabet, over 4,096 characters or not UTF-8 is refused, where a lenient decoder would let
     * it through.
     */
    @Test
    void basicCredentialsAreDecodedStrictlyAsSentryDoes() {
        String pair = java.util.Base64.getEncoder().encodeToString((CLIENT_ID + ":" + CLIENT_SECRET)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        java.util.function.Function<String, HttpResponse<String>> withBasic = value -> {
            Map<String, String> form = tokenForm(h.codeFor("1", "acme", READ_SCOPES));
            form.remove("client_id");
            form.remove("client_secret");
            return token(form, "Authorization", value);
        };
        assertEquals(200, withBasic.apply("basic   " + pair + "  ").statusCode(), "scheme in any case, blanks trimmed");
        String unpadded = pair.replaceAll("=+$", "");
        if (!unpadded.equals(pair)) {
            assertTokenError(withBasic.apply("Basic " + unpadded), 401, "invalid_client");
        }
        String noPadding = java.util.Base64.getEncoder().withoutPadding().encodeToString(
                (CLIENT_ID + ":" + CLIENT_SECRET + "x").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertTokenError(withBasic.apply("Basic " + (noPadding.length() % 4 == 0 ? noPadding + "A" : noPadding)),
                401, "invalid_client");
        assertTokenError(withBasic.apply("Basic " + pair.substring(0, 4) + "-" + pair.substring(5)), 401,
                "invalid_client");
        assertTokenError(withBasic.apply("Basic " + java.util.Base64.getEncoder().encodeToString(
                new byte[] {(byte) 0xff, (byte) 0xfe, ':', 'x'})), 401, "invalid_client");
        assertTokenError(withBasic.apply("Basic " + "QUFB".repeat(1025)), 401, "invalid_client");
        assertTokenError(withBasic.apply("Basic  "), 401, "invalid_client");
    }

    @Test
    void unknownOrMissingClientIsInvalidClient() {
        Map<String, String> form = tokenForm("whatever");
        form.put("client_id", "someone-else");
        assertTokenError(token(form), 401, "invalid_client");
        form.remove("client_id");
        form.remove("client_secret");
        assertTokenError(token(form), 401, "invalid_client");
        assertTokenError(token(form, "Authorization", "Basic !!not-base64!!"), 401, "invalid_client");
    }

    @Test
    void bothAuthenticationMethodsAtOnceIsInvalidRequest() {
        String code = h.codeFor("1", "acme", READ_SCOPES);
        assertTokenError(token(tokenForm(code), "Authorization", basic(CLIENT_ID, CLIENT_SECRET)), 400, "invalid_request");
    }

    @Test
    void jsonBodyIsNotReadSoTheGrantTypeIsMissing() {
        HttpResponse<String> response = h.json("POST", h.main("/oauth/token/"),
                "{\"grant_type\":\"authorization_code\",\"client_id\":\"" + CLIENT_ID + "\",\"client_secret\":\"" + CLIENT_SECRET + "\"}");
        assertTokenError(response, 400, "invalid_request");
    }

    @Test
    void missingOrUnsupportedGrantTypeIsRefused() {
        Map<String, String> form = tokenForm("x");
        form.remove("grant_type");
        assertTokenError(token(form), 400, "invalid_request");
        form.put("grant_type", "client_credentials");
        assertTokenError(token(form), 400, "unsupported_grant_type");
        form.put("grant_type", "urn:ietf:params:oauth:grant-type:device_code");
        assertTokenError(token(form), 400, "unsupported_grant_type");
    }

    @Test
    void grantTypeIsCheckedBeforeTheClientIsAuthenticated() {
        Map<String, String> noClient = new LinkedHashMap<>(Map.of("code", "x"));
        assertTokenError(token(noClient), 400, "invalid_request", "missing grant_type, no credentials");
        noClient.put("grant_type", "password");
        assertTokenError(token(noClient), 400, "unsupported_grant_type", "unknown grant_type, no credentials");

        Map<String, String> wrongSecret = tokenForm("x");
        wrongSecret.put("client_secret", "wrong");
        wrongSecret.remove("grant_type");
        assertTokenError(token(wrongSecret), 400, "invalid_request", "missing grant_type, wrong secret");
        wrongSecret.put("grant_type", "client_credentials");
        assertTokenError(token(wrongSecret), 400, "unsupported_grant_type", "unknown grant_type, wrong secret");
        assertTokenError(h.postForm(h.main("/oauth/token/"), Map.of("grant_type", "implicit"),
                "Authorization", "Basic !!!"), 400, "unsupported_grant_type", "unknown grant_type, malformed Basic");

        wrongSecret.put("grant_type", "authorization_code");
        assertTokenError(token(wrongSecret), 401, "invalid_client", "a known grant_type, then the client");
    }

    @Test
    void grantedScopeHasTheHierarchyAddedAndSorted() {
        Map<String, Object> body = h.link("1", "acme", "org:read event:write");
        assertEquals("event:read event:write org:read", body.get("scope"), "event:write brings event:read");
        Map<String, Object> refreshed = h.object(h.refresh((String) body.get("refresh_token")));
        assertEquals("event:read event:write org:read", refreshed.get("scope"));
    }

    @Test
    void tokenEndpointOnlyAcceptsPost() {
        assertEquals(405, h.get(h.main("/oauth/token/")).statusCode());
    }

    // --- the code -------------------------------------------------------------------------------------------------

    @Test
    void replayedCodeIsInvalidGrantAndLeavesTheFirstTokensWorking() {
        String code = h.codeFor("1", "acme", READ_SCOPES);
        HttpResponse<String> first = h.exchange(code);
        assertEquals(200, first.statusCode());
        assertTokenError(h.exchange(code), 400, "invalid_grant");
        String access = (String) h.object(first).get("access_token");
        assertEquals(200, h.apiGet(h.main("/api/0/organizations/"), access).statusCode());
    }

    @Test
    void unknownOrMissingCodeIsInvalidGrant() {
        assertTokenError(h.exchange("0".repeat(64)), 400, "invalid_grant");
        Map<String, String> form = tokenForm("x");
        form.remove("code");
        assertTokenError(token(form), 400, "invalid_grant");
    }

    @Test
    void codeExpiresAfterTenMinutes() {
        String fresh = h.codeFor("1", "acme", READ_SCOPES);
        h.clock.advance(Duration.ofMinutes(9).plusSeconds(59));
        assertEquals(200, h.exchange(fresh).statusCode(), "still valid just before ten minutes");

        String old = h.codeFor("1", "acme", READ_SCOPES);
        h.clock.advance(Duration.ofMinutes(10));
        assertTokenError(h.exchange(old), 400, "invalid_grant");
    }

    @Test
    void wrongRedirectUriIsInvalidGrantAndDeletesTheCode() {
        String code = h.codeFor("1", "acme", READ_SCOPES);
        Map<String, String> form = tokenForm(code);
        form.put("redirect_uri", "http://localhost:8080/connect/sentry/other");
        assertTokenError(token(form), 400, "invalid_grant");
        assertTokenError(h.exchange(code), 400, "invalid_grant");
    }

    @Test
    void missingRedirectUriCountsAsAMismatch() {
        String code = h.codeFor("1", "acme", READ_SCOPES);
        Map<String, String> form = tokenForm(code);
        form.remove("redirect_uri");
        assertTokenError(token(form), 400, "invalid_grant");
        assertTokenError(h.exchange(code), 400, "invalid_grant");
    }

    @Test
    void redirectUriMustBeExactlyTheOneSentToAuthorize() {
        h.standIn.approveNext("1", "acme");
        Map<String, String> params = StandInHarness.authorizeParams(READ_SCOPES);
        params.put("redirect_uri", "http://localhost:61000/connect/sentry/callback");
        String location = h.authorize(params).headers().firstValue("Location").orElseThrow();
        String code = StandInHarness.queryOf(location).get("code");
        assertTokenError(h.exchange(code), 400, "invalid_grant");
    }

    @Test
    void wrongVerifierIsInvalidGrantAndDeletesTheCode() {
        String code = h.codeFor("1", "acme", READ_SCOPES);
        Map<String, String> form = tokenForm(code);
        form.put("code_verifier", "x".repeat(43));
        assertTokenError(token(form), 400, "invalid_grant");
        assertTokenError(h.exchange(code), 400, "invalid_grant", "the right verifier comes too late");
    }

    @Test
    void missingVerifierIsInvalidGrantAndDeletesTheCode() {
        String code = h.codeFor("1", "acme", READ_SCOPES);
        Map<String, String> form = tokenForm(code);
        form.remove("code_verifier");
        assertTokenError(token(form), 400, "invalid_grant");
        assertTokenError(h.exchange(code), 400, "invalid_grant");
    }

    @Test
    void malformedVerifierIsInvalidGrant() {
        for (String verifier : List.of("short", "a".repeat(129), StandInHarness.VERIFIER + "!")) {
            Map<String, String> form = tokenForm(h.codeFor("1", "acme", READ_SCOPES));
            form.put("code_verifier", verifier);
            assertTokenError(token(form), 400, "invalid_grant");
        }
    }

    private void assertTokenError(HttpResponse<String> response, int status, String error, String why) {
        assertEquals(status, response.statusCode(), why);
        assertTokenError(response, status, error);
    }

    @Test
    void twoConcurrentExchangesOfOneCodeHaveExactlyOneWinner() throws Exception {
        for (int round = 0; round < 5; round++) {
            String code = h.codeFor("1", "acme", READ_SCOPES);
            List<Callable<Integer>> attempts = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                attempts.add(() -> h.exchange(code).statusCode());
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Integer> statuses = new ArrayList<>();
                for (Future<Integer> f : pool.invokeAll(attempts)) {
                    statuses.add(f.get());
                }
                assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
                assertEquals(7, statuses.stream().filter(s -> s == 400).count(), statuses.toString());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void eachExchangeIssuesDistinctTokens() {
        Map<String, Object> a = h.link("1", "acme", READ_SCOPES);
        Map<String, Object> b = h.link("1", "acme", READ_SCOPES);
        assertNotEquals(a.get("access_token"), b.get("access_token"));
        assertNotEquals(a.get("refresh_token"), b.get("refresh_token"));
    }
}
