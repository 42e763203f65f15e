package io.sentryconnect.link;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.standin.Fault;
import io.sentryconnect.support.Concurrently;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.LinkDriver;
import io.sentryconnect.support.LogLeakCheck;
import io.sentryconnect.support.ServiceTest;
import io.sentryconnect.support.TestDatabase;
import io.sentryconnect.token.Secret;
import io.sentryconnect.token.TokenCipher;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.sentryconnect.support.LinkDriver.location;
import static io.sentryconnect.support.LinkDriver.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@MicronautTest(environments = "test", transactional = false)
class LinkFlowTest extends ServiceTest {
    private static final String CLIENT_SECRET = "standin-dev-secret-not-for-production";

    @Inject
    TokenCipher cipher;

    /** The client secret, every value the flow handled and every verifier and token stored: none may be logged. */
    @RegisterExtension
    final LogLeakCheck leaks = LogLeakCheck.searching(() -> TestDatabase.storedVerifiers(cipher), () -> TestDatabase.storedTokens(cipher))
            .alwaysSearch(CLIENT_SECRET);

    @BeforeAll
    void installFailingTrigger() {
        TestDatabase.installFailingTrigger();
    }

    @Test
    void theWholeFlowEndsInAnActiveEncryptedOrgScopedGrant() {
        String tenant = tenant();
        HttpResponse<String> created = driver.createLink(driver.jwt(tenant, "u1"), Map.of("return_to", LinkDriver.RETURN_TO));
        assertEquals(201, created.statusCode(), created.body());
        Map<String, Object> link = driver.map(created.body());
        String linkUrl = (String) link.get("link_url");
        assertTrue(linkUrl.startsWith(serviceUrl() + "/connect/sentry/start?ticket="), linkUrl);
        assertNotNull(link.get("expires_at"));

        Http browser = new Http();
        HttpResponse<String> page = driver.open(browser, linkUrl);
        assertEquals(200, page.statusCode(), page.body());
        leaks.saw(LinkDriver.confirmationToken(page.body()));
        leaks.saw(browser.cookies().getCookieStore().getCookies().get(0).getValue());
        HttpResponse<String> toSentry = driver.confirm(browser, page);
        assertEquals(302, toSentry.statusCode(), toSentry.body());
        String authorize = location(toSentry);
        Map<String, String> params = query(authorize);
        assertTrue(authorize.startsWith(standIn.baseUrl() + "/oauth/authorize/"), authorize);
        assertEquals("sentry-connect-dev", params.get("client_id"));
        assertEquals("code", params.get("response_type"));
        assertEquals(serviceUrl() + "/connect/sentry/callback", params.get("redirect_uri"));
        assertEquals("org:read project:read team:read member:read event:read", params.get("scope"));
        assertEquals("S256", params.get("code_challenge_method"));
        assertTrue(params.get("state").length() >= 43, "state has at least 256 bits");
        assertTrue(params.get("code_challenge").matches("[A-Za-z0-9_-]{43}"));
        assertEquals(1, browser.cookies().getCookieStore().getCookies().size(), "the confirmation cookie was cleared");
        HttpCookie cookie = browser.cookies().getCookieStore().getCookies().get(0);
        assertTrue(cookie.getName().startsWith("sc_link_"), cookie.getName());
        assertTrue(cookie.isHttpOnly());
        assertEquals("/connect/sentry/callback", cookie.getPath());
        assertTrue(toSentry.headers().allValues("Set-Cookie").stream()
                .anyMatch(header -> header.startsWith("sc_link_") && header.contains("SameSite=Lax")));
        leaks.saw(linkUrl.substring(linkUrl.indexOf("ticket=") + 7));
        leaks.saw(params.get("state"));
        leaks.saw(cookie.getValue());

        standIn.approveNext("1", "initech", List.of("org:read", "project:read", "event:read"));
        HttpResponse<String> toCallback = browser.get(authorize);
        String callback = location(toCallback);
        leaks.saw(query(callback).get("code"));
        HttpResponse<String> done = browser.get(callback);
        assertEquals(302, done.statusCode(), done.body());
        Map<String, String> result = query(location(done));
        assertTrue(location(done).startsWith(LinkDriver.RETURN_TO + "?"), location(done));
        assertEquals("connected", result.get("sentry_connect"), location(done));

        List<Map<String, Object>> rows = grants(tenant);
        assertEquals(1, rows.size());
        Map<String, Object> row = rows.get(0);
        assertEquals(result.get("grant_id"), row.get("id").toString());
        assertEquals("u1", row.get("user_id"));
        assertEquals("active", row.get("status"));
        assertEquals("2001", row.get("org_id"));
        assertEquals("initech", row.get("org_slug"));
        assertEquals("Initech GmbH", row.get("org_name"));
        assertEquals(standIn.regionUrl("de").toString().replaceAll("/$", ""), row.get("region_url"));
        assertEquals("1", row.get("sentry_user_id"));
        assertEquals("Ada Lovelace", row.get("sentry_user_name"));
        assertEquals("event:read org:read project:read", row.get("scopes"), "the granted scopes as Sentry answers them, not the requested ones");
        Instant expires = ((Timestamp) row.get("expires_at")).toInstant();
        assertTrue(expires.isAfter(Instant.now().plus(Duration.ofDays(29))), "expiry from Sentry's answer: " + expires);

        Secret access = decrypt(row, "access");
        Secret refresh = decrypt(row, "refresh");
        assertEquals(64, access.reveal().length());
        assertFalse(new String(bytes(row.get("access_token")), StandardCharsets.ISO_8859_1).contains(access.reveal()),
                "the column holds ciphertext, not the token");
        assertEquals(2, TokenCipher.keyIdOf(bytes(row.get("access_token"))), "written with the primary key");
        HttpResponse<String> whoami = new Http().get(standIn.baseUrl() + "/api/0/organizations/", Http.bearer(access.reveal()));
        assertEquals(200, whoami.statusCode(), "the stored token is the one Sentry issued");
        assertFalse(refresh.reveal().isBlank());
        HttpResponse<String> expired = new Http().get(callback.replace("code=", "code=x"));
        assertEquals(302, expired.statusCode());
    }

    @Test
    void aCiphertextCopiedToAnotherGrantDoesNotDecrypt() {
        String tenant = tenant();
        String jwt = driver.jwt(tenant, "u1");
        assertConnected(driver.link(jwt, "1", "acme"));
        assertConnected(driver.link(jwt, "1", "globex"));
        List<Map<String, Object>> rows = grants(tenant);
        assertEquals(2, rows.size());
        Map<String, Object> moved = new java.util.HashMap<>(rows.get(1));
        moved.put("access_token", rows.get(0).get("access_token"));
        try {
            decrypt(moved, "access");
            throw new AssertionError("a ciphertext decrypted in another row");
        } catch (TokenCipher.TokenDecryptionException expected) {
            assertNotNull(expected.getMessage());
        }
    }

    @Test
    void linkingTheSameOrgAgainUpdatesTheGrantInPlace() {
        String tenant = tenant();
        String jwt = driver.jwt(tenant, "u1");
        String first = query(location(driver.link(jwt, "1", "acme"))).get("grant_id");
        Object before = grants(tenant).get(0).get("access_token");
        String second = query(location(driver.link(jwt, "1", "acme"))).get("grant_id");
        assertEquals(first, second);
        List<Map<String, Object>> rows = grants(tenant);
        assertEquals(1, rows.size());
        assertFalse(before.equals(rows.get(0).get("access_token")), "new tokens");
    }

    @Test
    void anUnknownTicketShowsAnErrorPage() {
        HttpResponse<String> response = new Http().get(serviceUrl() + "/connect/sentry/start?ticket=nope");
        assertErrorPage(response, "ticket_invalid");
        assertErrorPage(new Http().get(serviceUrl() + "/connect/sentry/start"), "ticket_invalid");
    }

    @Test
    void anExpiredTicketGoesBackWithTicketExpired() {
        String tenant = tenant();
        String linkUrl = driver.linkUrl(driver.jwt(tenant, "u1"));
        clock.advance(Duration.ofMinutes(6));
        assertBackWith(new Http().get(linkUrl), "ticket_expired");
        assertEquals(List.of(), TestDatabase.query("SELECT 1 FROM sentry_connect_link_state WHERE tenant_id = ?", tenant), "no state created");
    }

    @Test
    void aReplayedTicketGoesBackWithTicketUsed() {
        String tenant = tenant();
        String linkUrl = driver.linkUrl(driver.jwt(tenant, "u1"));
        assertEquals(302, driver.start(new Http(), linkUrl).statusCode());
        assertBackWith(new Http().get(linkUrl), "ticket_used");
        assertEquals(1, TestDatabase.query("SELECT 1 FROM sentry_connect_link_state WHERE tenant_id = ?", tenant).size());
    }

    @Test
    void anUnknownOrMissingStateShowsAnErrorPage() {
        assertErrorPage(new Http().get(serviceUrl() + "/connect/sentry/callback?code=abc&state=unknown"), "state_invalid");
        assertErrorPage(new Http().get(serviceUrl() + "/connect/sentry/callback?code=abc"), "state_invalid");
    }

    @Test
    void anExpiredStateGoesBackWithStateExpired() {
        String tenant = tenant();
        Http browser = new Http();
        String callback = approvedCallback(browser, tenant);
        clock.advance(Duration.ofMinutes(11));
        assertBackWith(browser.get(callback), "state_expired");
        assertEquals(List.of(), grants(tenant));
    }

    @Test
    void aReplayedStateGoesBackWithStateInvalidAndChangesNothing() {
        String tenant = tenant();
        Http browser = new Http();
        String callback = approvedCallback(browser, tenant);
        HttpCookie binding = browser.cookies().getCookieStore().getCookies().get(0);
        assertConnected(browser.get(callback));
        List<Map<String, Object>> before = grants(tenant);
        Http replayer = new Http();
        replayer.cookies().getCookieStore().add(URI.create(serviceUrl()), binding);
        assertBackWith(replayer.get(callback), "state_invalid");
        assertEquals(before, grants(tenant));
    }

    @Test
    void aCallbackWithoutTheBindingCookieGoesBackWithStateInvalid() {
        String tenant = tenant();
        Http browser = new Http();
        String callback = approvedCallback(browser, tenant);
        assertBackWith(new Http().get(callback), "state_invalid");
        assertEquals(List.of(), grants(tenant));
        // The state was not burnt by the foreign browser: the browser that started the flow still completes it.
        assertConnected(browser.get(callback));
    }

    @Test
    void aCallbackWithAnotherBrowsersCookieGoesBackWithStateInvalid() {
        String tenant = tenant();
        Http victim = new Http();
        HttpResponse<String> toSentry = driver.start(victim, driver.linkUrl(driver.jwt(tenant, "u1")));
        standIn.approveNext("1", "acme");
        String callback = location(victim.get(location(toSentry)));
        String cookieName = victim.cookies().getCookieStore().getCookies().get(0).getName();
        Http attacker = new Http();
        HttpCookie forged = new HttpCookie(cookieName, "forged-value");
        forged.setPath("/connect/sentry/callback");
        attacker.cookies().getCookieStore().add(URI.create(serviceUrl()), forged);
        assertBackWith(attacker.get(callback), "state_invalid");
        assertEquals(List.of(), grants(tenant));
    }

    @Test
    void aDeniedAuthorizationGoesBackWithAccessDenied() {
        String tenant = tenant();
        Http browser = new Http();
        HttpResponse<String> toSentry = driver.start(browser, driver.linkUrl(driver.jwt(tenant, "u1")));
        standIn.denyNext();
        String callback = location(browser.get(location(toSentry)));
        assertEquals("access_denied", query(callback).get("error"));
        assertBackWith(browser.get(callback), "access_denied");
        assertEquals(List.of(), grants(tenant));
    }

    @Test
    void tokenEndpointServerErrorGoesBackWithSentryUnavailable() {
        assertFailsAtCallback(Fault.status("/oauth/token/", 503, 1), "sentry_unavailable");
    }

    @Test
    void tokenEndpointTimeoutGoesBackWithSentryUnavailable() {
        assertFailsAtCallback(new Fault("/oauth/token/", 0, 4000, false, false, 1), "sentry_unavailable");
    }

    @Test
    void tokenEndpointConnectionResetGoesBackWithSentryUnavailable() {
        assertFailsAtCallback(Fault.reset("/oauth/token/", 1), "sentry_unavailable");
    }

    @Test
    void tokenEndpointMalformedBodyGoesBackWithTokenExchangeFailed() {
        assertFailsAtCallback(new Fault("/oauth/token/", 0, 0, false, true, 1), "token_exchange_failed");
    }

    @Test
    void anInvalidGrantGoesBackWithTokenExchangeFailed() {
        String tenant = tenant();
        Http browser = new Http();
        String callback = approvedCallback(browser, tenant);
        String forgedCode = callback.replaceAll("code=[^&]+", "code=0123456789abcdef");
        assertBackWith(browser.get(forgedCode), "token_exchange_failed");
        assertEquals(List.of(), grants(tenant));
    }

    @Test
    void organizationDiscoveryFailingGoesBackWithOrgDiscoveryFailed() {
        assertFailsAtCallback(new Fault("/api/0/organizations/", 0, 0, false, true, 1), "org_discovery_failed");
    }

    @Test
    void organizationDiscoveryServerErrorGoesBackWithSentryUnavailable() {
        assertFailsAtCallback(Fault.status("/api/0/organizations/", 500, 1), "sentry_unavailable");
    }

    @Test
    void aDatabaseFailureWhileRecordingLeavesNoHalfWrittenGrant() {
        String tenant = TestDatabase.FAILING_TENANT;
        assertBackWith(driver.link(driver.jwt(tenant, "u1"), "1", "acme"), "internal_error");
        assertEquals(List.of(), grants(tenant));
    }

    @Test
    void aVerifierThatNoLongerDecryptsEndsInInternalErrorAndNoGrant() {
        String tenant = tenant();
        Http browser = new Http();
        String callback = approvedCallback(browser, tenant);
        // As if the key that encrypted this state's verifier had been removed while the user was at Sentry.
        TestDatabase.execute("UPDATE sentry_connect_link_state SET code_verifier = decode('0000000000', 'hex') WHERE tenant_id = '" + tenant + "'");
        assertBackWith(browser.get(callback), "internal_error");
        assertEquals(List.of(), grants(tenant));
    }

    @Test
    void aReturnToOffTheAllowListIs400NamingTheField() {
        String jwt = driver.jwt(tenant(), "u1");
        for (String returnTo : List.of("https://evil.example/x", "https://platform.example.evil.com/", "javascript:alert(1)",
                "https://user@platform.example/", "/relative", "http://platform.example/")) {
            HttpResponse<String> response = driver.createLink(jwt, Map.of("return_to", returnTo));
            assertProblem(response, 400, "return_to");
        }
        assertProblem(driver.createLink(jwt, Map.of()), 400, "return_to");
    }

    @Test
    void aMalformedBodyIsA400ProblemWithoutInternals() {
        String jwt = driver.jwt(tenant(), "u1");
        for (String body : List.of("{not json", "[1,2]", "{\"scopes\": \"org:read\", \"return_to\": 5}")) {
            HttpResponse<String> response = new Http().postJson(serviceUrl() + "/api/v1/links", body, Http.bearer(jwt));
            assertEquals(400, response.statusCode(), body + " → " + response.body());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
            assertFalse(response.body().contains("Exception") || response.body().contains("\tat "), response.body());
        }
    }

    @Test
    void scopesOutsideTheAllowedSetAre400NamingTheField() {
        HttpResponse<String> response = driver.createLink(driver.jwt(tenant(), "u1"),
                Map.of("return_to", LinkDriver.RETURN_TO, "scopes", List.of("org:read", "org:admin")));
        assertProblem(response, 400, "scopes");
    }

    @Test
    void requestedScopesWithinTheAllowedSetAreSentToSentry() {
        HttpResponse<String> created = driver.createLink(driver.jwt(tenant(), "u1"),
                Map.of("return_to", LinkDriver.RETURN_TO, "scopes", List.of("org:read", "event:write")));
        String linkUrl = (String) driver.map(created.body()).get("link_url");
        assertEquals("org:read event:write", query(location(driver.start(new Http(), linkUrl))).get("scope"));
    }

    @Test
    void twoConcurrentCallbacksWithOneStateMakeOneGrant() throws Exception {
        String tenant = tenant();
        Http browser = new Http();
        String callback = approvedCallback(browser, tenant);
        List<HttpResponse<String>> results = Concurrently.run(2, i -> browser.get(callback));
        List<String> outcomes = results.stream().map(r -> query(location(r)).get("sentry_connect")).sorted().toList();
        assertEquals(List.of("connected", "error"), outcomes);
        assertEquals(1, grants(tenant).size());
    }

    @Test
    void theSameUserLinkingTheSameOrgTwiceAtOnceMakesOneGrantRow() throws Exception {
        String tenant = tenant();
        String jwt = driver.jwt(tenant, "u1");
        List<Http> browsers = List.of(new Http(), new Http());
        List<String> callbacks = new ArrayList<>();
        for (Http browser : browsers) {
            HttpResponse<String> toSentry = driver.start(browser, driver.linkUrl(jwt));
            standIn.approveNext("1", "acme");
            callbacks.add(location(browser.get(location(toSentry))));
        }
        List<HttpResponse<String>> results = Concurrently.run(2, i -> browsers.get(i).get(callbacks.get(i)));
        Set<String> grantIds = new java.util.HashSet<>();
        for (HttpResponse<String> result : results) {
            assertConnected(result);
            grantIds.add(query(location(result)).get("grant_id"));
        }
        assertEquals(1, grantIds.size());
        assertEquals(1, grants(tenant).size());
    }

    /** Starts a link in {@code browser} and has Sentry user 1 approve acme: the callback URL the browser would open. */
    private String approvedCallback(Http browser, String tenant) {
        HttpResponse<String> toSentry = driver.start(browser, driver.linkUrl(driver.jwt(tenant, "u1")));
        standIn.approveNext("1", "acme");
        return location(browser.get(location(toSentry)));
    }

    private void assertFailsAtCallback(Fault fault, String code) {
        String tenant = tenant();
        Http browser = new Http();
        String callback = approvedCallback(browser, tenant);
        leaks.saw(query(callback).get("code"));
        standIn.addFault(fault);
        assertBackWith(browser.get(callback), code);
        assertEquals(List.of(), grants(tenant), "no grant written");
    }


    private void assertConnected(HttpResponse<String> response) {
        assertEquals(302, response.statusCode(), response.body());
        assertEquals("connected", query(location(response)).get("sentry_connect"), location(response));
    }

    private void assertBackWith(HttpResponse<String> response, String code) {
        assertEquals(302, response.statusCode(), response.body());
        String location = location(response);
        assertTrue(location.startsWith(LinkDriver.RETURN_TO + "?"), location);
        Map<String, String> params = query(location);
        assertEquals("error", params.get("sentry_connect"), location);
        assertEquals(code, params.get("code"), location);
        assertEquals(Set.of("sentry_connect", "code"), params.keySet(), "nothing else in the redirect: " + location);
    }

    private void assertErrorPage(HttpResponse<String> response, String code) {
        assertEquals(400, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(response.body().contains("<code id=\"code\">" + code + "</code>"), response.body());
        assertFalse(response.body().contains("Exception"), "no stack trace");
    }

    private void assertProblem(HttpResponse<String> response, int status, String field) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        Map<String, Object> problem = driver.map(response.body());
        assertEquals(field, problem.get("field"), response.body());
        assertNotNull(problem.get("detail"));
    }

    private Secret decrypt(Map<String, Object> row, String column) {
        return TestDatabase.decrypt(cipher, row, column);
    }

    /** The tenant's grant rows; byte columns as hex, so that rows compare by value. */
    private static List<Map<String, Object>> grants(String tenant) {
        List<Map<String, Object>> rows = TestDatabase.query("SELECT * FROM sentry_connect_grant WHERE tenant_id = ? ORDER BY created_at", tenant);
        rows.forEach(row -> row.replaceAll((k, v) -> v instanceof byte[] bytes ? HexFormat.of().formatHex(bytes) : v));
        return rows;
    }

    private static byte[] bytes(Object hex) {
        return HexFormat.of().parseHex((String) hex);
    }

    private static String tenant() {
        return "t-" + UUID.randomUUID();
    }
}
