package io.sentryconnect.standin;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.sentryconnect.standin.StandInHarness.READ_SCOPES;
import static io.sentryconnect.standin.StandInHarness.authorizeParams;
import static io.sentryconnect.standin.StandInHarness.queryOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuthorizeEndpointTest {

    private final StandInHarness h = new StandInHarness();

    @AfterEach
    void stop() {
        h.close();
    }

    /** What the fixture client registers: a loopback URI without a port. */
    private static final String REGISTERED = "http://localhost/connect/sentry/callback";

    private Map<String, String> redirectQuery(HttpResponse<String> response) {
        assertEquals(302, response.statusCode(), response.body());
        String location = response.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith(StandInHarness.REDIRECT_URI + "?"), location);
        return queryOf(location);
    }

    private static void assertErrorPageWithoutRedirect(HttpResponse<String> response, String parameter) {
        assertEquals(400, response.statusCode());
        assertTrue(response.headers().firstValue("Location").isEmpty());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
        assertTrue(response.body().contains("Missing or invalid <em>" + parameter + "</em> parameter."), response.body());
    }

    // --- errors shown at Sentry ---------------------------------------------------------------------------------

    @Test
    void unknownClientGetsAnErrorPageAndNoRedirect() {
        Map<String, String> params = authorizeParams(READ_SCOPES);
        params.put("client_id", "someone-else");
        assertErrorPageWithoutRedirect(h.authorize(params), "client_id");
    }

    @Test
    void missingClientGetsAnErrorPageAndNoRedirect() {
        Map<String, String> params = authorizeParams(READ_SCOPES);
        params.remove("client_id");
        assertErrorPageWithoutRedirect(h.authorize(params), "client_id");
    }

    @Test
    void redirectUriThatDoesNotMatchGetsAnErrorPageAndNoRedirect() {
        for (String wrong : List.of("http://localhost:8080/connect/sentry/callback/evil",
                "https://localhost:8080/connect/sentry/callback", "http://evil.example/connect/sentry/callback",
                "http://localhost:8080/connect/sentry/callback?x=1", "http://localhost:8080/connect/sentry/other")) {
            Map<String, String> params = authorizeParams(READ_SCOPES);
            params.put("redirect_uri", wrong);
            assertErrorPageWithoutRedirect(h.authorize(params), "redirect_uri");
        }
    }

    @Test
    void loopbackRedirectUriMatchesOnAnyPortAndAfterPathNormalisation() {
        for (String uri : List.of("http://localhost:53127/connect/sentry/callback",
                "http://localhost:8080/connect/x/../sentry/callback")) {
            h.standIn.denyNext();
            Map<String, String> params = authorizeParams(READ_SCOPES);
            params.put("redirect_uri", uri);
            HttpResponse<String> response = h.authorize(params);
            assertEquals(302, response.statusCode(), uri);
            assertTrue(response.headers().firstValue("Location").orElseThrow().startsWith(uri + "?error=access_denied"));
        }
    }

    @Test
    void missingRedirectUriFallsBackToTheOnlyRegisteredOne() {
        h.standIn.denyNext();
        Map<String, String> params = authorizeParams(READ_SCOPES);
        params.remove("redirect_uri");
        HttpResponse<String> response = h.authorize(params);
        assertEquals(302, response.statusCode(), response.body());
        assertEquals(REGISTERED + "?error=access_denied&state=state-123",
                response.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void loopbackRedirectUriRegisteredWithAPortMatchesOnlyThatPort(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException {
        String withPort = "http://127.0.0.1:8080/connect/sentry/callback";
        try (StandInHarness custom = withRegistered(dir, "\"" + withPort + "\"")) {
            custom.standIn.denyNext();
            Map<String, String> params = authorizeParams(READ_SCOPES);
            params.put("redirect_uri", withPort);
            assertEquals(302, custom.authorize(params).statusCode(), "the registered port");
            for (String other : List.of("http://127.0.0.1:53127/connect/sentry/callback",
                    "http://127.0.0.1/connect/sentry/callback", "http://localhost:8080/connect/sentry/callback")) {
                params.put("redirect_uri", other);
                assertErrorPageWithoutRedirect(custom.authorize(params), "redirect_uri");
            }
        }
    }

    @Test
    void loopbackRedirectUriRegisteredWithoutAPortMatchesAnyPortOfTheSameHostOverHttpOnly(
            @org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        try (StandInHarness custom = withRegistered(dir, "\"http://[::1]/cb\", \"https://localhost/secure\"")) {
            Map<String, String> params = authorizeParams(READ_SCOPES);
            custom.standIn.denyNext();
            params.put("redirect_uri", "http://[::1]:40123/cb");
            assertEquals(302, custom.authorize(params).statusCode(), "::1 on any port");
            for (String refused : List.of("http://127.0.0.1:40123/cb", "https://localhost:8443/secure")) {
                params.put("redirect_uri", refused);
                assertErrorPageWithoutRedirect(custom.authorize(params), "redirect_uri");
            }
        }
    }

    /**
     * {@code is_valid_redirect_uri} compares the normalised strings: only the path is normalised, so a host in
     * another case, user information or an explicit default port is another URI (the loopback rule lower-cases the
     * host name, but covers loopback hosts only).
     */
    @Test
    void aNonLoopbackRedirectUriMustBeTheRegisteredStringAfterPathNormalisation(
            @org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        try (StandInHarness custom = withRegistered(dir, "\"https://platform.example/connect/callback\"")) {
            Map<String, String> params = authorizeParams(READ_SCOPES);
            for (String accepted : List.of("https://platform.example/connect/callback",
                    "HTTPS://platform.example/connect/callback", "https://platform.example/connect/x/../callback",
                    "https://platform.example/connect//callback")) {
                custom.standIn.denyNext();
                params.put("redirect_uri", accepted);
                assertEquals(302, custom.authorize(params).statusCode(), accepted);
            }
            for (String refused : List.of("https://PLATFORM.example/connect/callback",
                    "https://user@platform.example/connect/callback", "https://platform.example:443/connect/callback",
                    "https://platform.example/connect/callback/", "https://platform.example/connect/callback#top",
                    "https://platform.example//connect/callback")) {
                params.put("redirect_uri", refused);
                assertErrorPageWithoutRedirect(custom.authorize(params), "redirect_uri");
            }
        }
    }

    /** A stand-in whose client has these redirect URIs (a JSON list body) registered instead. */
    private static StandInHarness withRegistered(Path dir, String uris) throws IOException {
        String original = new String(AuthorizeEndpointTest.class.getClassLoader()
                .getResourceAsStream("standin/fixtures.json").readAllBytes());
        String changed = original.replace("\"redirect_uris\": [\"" + REGISTERED + "\"]", "\"redirect_uris\": [" + uris + "]");
        assertTrue(!changed.equals(original), "the fixture still registers " + REGISTERED);
        Path file = dir.resolve("fixtures.json");
        Files.writeString(file, changed);
        return new StandInHarness(StandInConfiguration.ephemeral().withFixtures("file:" + file));
    }

    @Test
    void missingRedirectUriIsAnErrorPageWhenSeveralAreRegistered(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException {
        try (StandInHarness custom = withRegistered(dir, "\"" + REGISTERED + "\", \"https://app.example/callback\"")) {
            Map<String, String> params = authorizeParams(READ_SCOPES);
            params.remove("redirect_uri");
            assertErrorPageWithoutRedirect(custom.authorize(params), "redirect_uri");
        }
    }

    @Test
    void responseTypeOtherThanCodeGetsAnErrorPage() {
        Map<String, String> params = authorizeParams(READ_SCOPES);
        params.put("response_type", "token");
        HttpResponse<String> response = h.authorize(params);
        assertEquals(400, response.statusCode());
        assertTrue(response.headers().firstValue("Location").isEmpty());
    }

    // --- errors sent back to the client -------------------------------------------------------------------------

    @Test
    void scopeOutsideTheClientsAllowedSetRedirectsWithInvalidScopeAndState() {
        for (String scope : List.of("org:read org:admin", "org:read  project:read", "org:read made:up")) {
            Map<String, String> query = redirectQuery(h.authorize(authorizeParams(scope)));
            assertEquals(Map.of("error", "invalid_scope", "state", "state-123"), query, scope);
        }
    }

    @Test
    void plainPkceIsRefusedWithInvalidRequest() {
        Map<String, String> params = authorizeParams(READ_SCOPES);
        params.put("code_challenge_method", "plain");
        params.put("code_challenge", StandInHarness.VERIFIER);
        assertEquals(Map.of("error", "invalid_request", "state", "state-123"), redirectQuery(h.authorize(params)));
    }

    @Test
    void challengeWithoutMethodCountsAsPlainAndIsRefused() {
        Map<String, String> params = authorizeParams(READ_SCOPES);
        params.remove("code_challenge_method");
        assertEquals("invalid_request", redirectQuery(h.authorize(params)).get("error"));
    }

    @Test
    void malformedS256ChallengeIsRefusedWithInvalidRequest() {
        for (String challenge : List.of("too-short", StandInHarness.CHALLENGE + "A", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-c=")) {
            Map<String, String> params = authorizeParams(READ_SCOPES);
            params.put("code_challenge", challenge);
            assertEquals("invalid_request", redirectQuery(h.authorize(params)).get("error"), challenge);
        }
    }

    @Test
    void errorsDoNotConsumeAQueuedDecision() {
        h.standIn.approveNext("1", "acme");
        Map<String, String> bad = authorizeParams("org:admin");
        assertEquals("invalid_scope", redirectQuery(h.authorize(bad)).get("error"));
        assertNotNull(redirectQuery(h.authorize(authorizeParams(READ_SCOPES))).get("code"));
    }

    // --- queued decisions ---------------------------------------------------------------------------------------

    @Test
    void queuedApprovalRedirectsAtOnceWithCodeAndState() {
        h.standIn.approveNext("1", "acme");
        Map<String, String> query = redirectQuery(h.authorize(authorizeParams(READ_SCOPES)));
        assertEquals("state-123", query.get("state"));
        assertTrue(query.get("code").matches("[0-9a-f]{64}"), query.get("code"));
    }

    @Test
    void queuedDenialRedirectsWithAccessDenied() {
        h.standIn.denyNext();
        assertEquals(Map.of("error", "access_denied", "state", "state-123"), redirectQuery(h.authorize(authorizeParams(READ_SCOPES))));
    }

    @Test
    void queuedApprovalForAnOrganizationTheUserIsNotInIsUnauthorizedClient() {
        h.standIn.approveNext("3", "acme");
        assertEquals("unauthorized_client", redirectQuery(h.authorize(authorizeParams(READ_SCOPES))).get("error"));
    }

    @Test
    void queuedDecisionsAreConsumedOneRequestEach() {
        h.standIn.approveNext("1", "acme");
        h.standIn.denyNext();
        assertNotNull(redirectQuery(h.authorize(authorizeParams(READ_SCOPES))).get("code"));
        assertEquals("access_denied", redirectQuery(h.authorize(authorizeParams(READ_SCOPES))).get("error"));
        assertEquals(200, h.authorize(authorizeParams(READ_SCOPES)).statusCode(), "then the page again");
    }

    @Test
    void queuedApprovalWithGrantedScopesGrantsOnlyThoseThatWereRequested() {
        h.standIn.approveNext("1", "acme", List.of("org:read", "event:read", "project:releases"));
        String code = redirectQuery(h.authorize(authorizeParams(READ_SCOPES))).get("code");
        Map<String, Object> tokens = h.object(h.exchange(code));
        assertEquals("event:read org:read", tokens.get("scope"));
    }

    @Test
    void withoutPkceTheFlowStillWorks() {
        h.standIn.approveNext("1", "acme");
        Map<String, String> params = authorizeParams(READ_SCOPES);
        params.remove("code_challenge");
        params.remove("code_challenge_method");
        String code = redirectQuery(h.authorize(params)).get("code");
        Map<String, String> form = StandInHarness.tokenForm(code);
        form.remove("code_verifier");
        assertEquals(200, h.postForm(h.main("/oauth/token/"), form).statusCode());
    }

    // --- the HTML page ------------------------------------------------------------------------------------------

    private static String hiddenRequestId(String html) {
        Matcher m = Pattern.compile("name=\"request\" value=\"([0-9a-f]+)\"").matcher(html);
        assertTrue(m.find(), html);
        return m.group(1);
    }

    private HttpResponse<String> post(Map<String, String> form) {
        return h.postForm(h.main("/oauth/authorize/"), form);
    }

    private static Map<String, String> form(String... pairs) {
        Map<String, String> form = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            form.put(pairs[i], pairs[i + 1]);
        }
        return form;
    }

    @Test
    void pageLetsAPersonPickAUserThenOneOfTheirOrganizationsAndApprove() {
        HttpResponse<String> login = h.authorize(authorizeParams(READ_SCOPES));
        assertEquals(200, login.statusCode());
        assertTrue(login.body().contains("id=\"user-1\""));
        assertTrue(login.body().contains("id=\"user-2\""));
        String request = hiddenRequestId(login.body());

        HttpResponse<String> consent = post(form("request", request, "op", "login", "user_id", "1"));
        assertEquals(200, consent.statusCode());
        String page = consent.body();
        assertTrue(page.contains("Ada Lovelace"));
        for (String scope : READ_SCOPES.split(" ")) {
            assertTrue(page.contains("<li>" + scope + "</li>"), scope);
        }
        assertTrue(page.contains("id=\"org-acme\"") && page.contains("id=\"org-globex\"") && page.contains("id=\"org-initech\""));
        assertFalse(page.contains("id=\"org-umbrella\""), "only Ada's organizations");
        assertTrue(page.contains("id=\"approve\"") && page.contains("id=\"deny\""));

        HttpResponse<String> approved = post(form("request", request, "user_id", "1", "org", "2001", "op", "approve"));
        Map<String, String> query = redirectQuery(approved);
        assertEquals("state-123", query.get("state"));
        Map<String, Object> tokens = h.object(h.exchange(query.get("code")));
        assertEquals("2001", tokens.get("organization_id"), "the picked organization");
        assertEquals(StandInHarness.READ_SCOPES_GRANTED, tokens.get("scope"));
    }

    @Test
    void pageDenyRedirectsWithAccessDenied() {
        String request = hiddenRequestId(h.authorize(authorizeParams(READ_SCOPES)).body());
        post(form("request", request, "op", "login", "user_id", "2"));
        HttpResponse<String> denied = post(form("request", request, "user_id", "2", "org", "1002", "op", "deny"));
        assertEquals(Map.of("error", "access_denied", "state", "state-123"), redirectQuery(denied));
    }

    @Test
    void pageAnswerCanBeGivenOnlyOnce() {
        String request = hiddenRequestId(h.authorize(authorizeParams(READ_SCOPES)).body());
        post(form("request", request, "op", "login", "user_id", "1"));
        assertEquals(302, post(form("request", request, "user_id", "1", "org", "1001", "op", "approve")).statusCode());
        HttpResponse<String> again = post(form("request", request, "user_id", "1", "org", "1001", "op", "approve"));
        assertEquals(400, again.statusCode());
        assertTrue(again.body().contains("re-initiate the authorization flow"));
    }

    @Test
    void pageApprovalWithoutAnOrganizationIsInvalidRequest() {
        String request = hiddenRequestId(h.authorize(authorizeParams(READ_SCOPES)).body());
        post(form("request", request, "op", "login", "user_id", "1"));
        assertEquals("invalid_request", redirectQuery(post(form("request", request, "user_id", "1", "op", "approve"))).get("error"));
    }

    @Test
    void pageApprovalForAnOrganizationTheUserIsNotInIsUnauthorizedClient() {
        String request = hiddenRequestId(h.authorize(authorizeParams(READ_SCOPES)).body());
        post(form("request", request, "op", "login", "user_id", "3"));
        HttpResponse<String> response = post(form("request", request, "user_id", "3", "org", "1001", "op", "approve"));
        assertEquals("unauthorized_client", redirectQuery(response).get("error"));
    }

    @Test
    void pageRefusesAUserWithoutOrganizations() {
        String request = hiddenRequestId(h.authorize(authorizeParams(READ_SCOPES)).body());
        HttpResponse<String> response = post(form("request", request, "op", "login", "user_id", "4"));
        assertEquals(400, response.statusCode());
        assertTrue(response.body().contains("only available for users who are members of an organization"));
    }

    @Test
    void pageRefusesAnApprovalWithoutSigningIn() {
        String request = hiddenRequestId(h.authorize(authorizeParams(READ_SCOPES)).body());
        HttpResponse<String> response = post(form("request", request, "user_id", "1", "org", "1001", "op", "approve"));
        assertEquals(400, response.statusCode());
        assertTrue(response.headers().firstValue("Location").isEmpty());
    }

    @Test
    void pageEscapesWhatTheClientSent() {
        Map<String, String> params = authorizeParams(READ_SCOPES);
        params.put("state", "<script>alert(1)</script>");
        String request = hiddenRequestId(h.authorize(params).body());
        String page = post(form("request", request, "op", "login", "user_id", "1")).body();
        assertFalse(page.contains("<script>"));
    }
}
