package io.sentryconnect.link;

import io.sentryconnect.support.Http;
import io.sentryconnect.support.LinkDriver;
import io.sentryconnect.support.LogLeakCheck;
import io.sentryconnect.support.ServiceTest;
import io.sentryconnect.support.TestDatabase;
import io.sentryconnect.token.Secret;
import io.sentryconnect.token.TokenCipher;
import jakarta.inject.Inject;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.sentryconnect.support.LinkDriver.location;
import static io.sentryconnect.support.LinkDriver.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the classes testing the browser's start/callback flow share: the log leak check (the client secret, every
 * value a test {@code leaks.saw}, every verifier and token stored, none of them in any log line), a started flow's
 * callback URL, and how an outcome looks to the browser.
 */
abstract class LinkFlowTestBase extends ServiceTest {
    static final String CLIENT_SECRET = "standin-dev-secret-not-for-production";

    @Inject
    TokenCipher cipher;

    @RegisterExtension
    final LogLeakCheck leaks;

    /** {@code secretsAtLeast}: how many values the leak check finds when the class runs alone, so that it cannot pass empty. */
    LinkFlowTestBase(int secretsAtLeast) {
        leaks = LogLeakCheck.searching(() -> TestDatabase.storedVerifiers(cipher), () -> TestDatabase.storedTokens(cipher))
                .alwaysSearch(CLIENT_SECRET).atLeast(secretsAtLeast);
    }

    /** Starts a link in {@code browser} and has Sentry user 1 approve acme: the callback URL the browser would open. */
    String approvedCallback(Http browser, String tenant) {
        HttpResponse<String> toSentry = driver.start(browser, driver.linkUrl(driver.jwt(tenant, "u1")));
        standIn.approveNext("1", "acme");
        return location(browser.get(location(toSentry)));
    }

    static void assertConnected(HttpResponse<String> response) {
        assertEquals(302, response.statusCode(), response.body());
        assertEquals("connected", query(location(response)).get("sentry_connect"), location(response));
    }

    static void assertBackWith(HttpResponse<String> response, String code) {
        assertEquals(302, response.statusCode(), response.body());
        String location = location(response);
        assertTrue(location.startsWith(LinkDriver.RETURN_TO + "?"), location);
        Map<String, String> params = query(location);
        assertEquals("error", params.get("sentry_connect"), location);
        assertEquals(code, params.get("code"), location);
        assertEquals(Set.of("sentry_connect", "code"), params.keySet(), "nothing else in the redirect: " + location);
    }

    static void assertErrorPage(HttpResponse<String> response, String code) {
        assertEquals(400, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(response.body().contains("<code id=\"code\">" + code + "</code>"), response.body());
        assertFalse(response.body().contains("Exception"), "no stack trace");
    }

    Secret decrypt(Map<String, Object> row, String column) {
        return TestDatabase.decrypt(cipher, row, column);
    }

    /** The tenant's grant rows; byte columns as hex, so that rows compare by value. */
    static List<Map<String, Object>> grants(String tenant) {
        List<Map<String, Object>> rows = TestDatabase.query("SELECT * FROM sentry_connect_grant WHERE tenant_id = ? ORDER BY created_at", tenant);
        rows.forEach(row -> row.replaceAll((k, v) -> v instanceof byte[] bytes ? HexFormat.of().formatHex(bytes) : v));
        return rows;
    }

    static byte[] bytes(Object hex) {
        return HexFormat.of().parseHex((String) hex);
    }

    static String tenant() {
        return "t-" + UUID.randomUUID();
    }
}
