package io.sentryconnect.link;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.LinkDriver;
import io.sentryconnect.token.Secret;
import io.sentryconnect.token.TokenCipher;
import org.junit.jupiter.api.Test;

import java.net.HttpCookie;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.sentryconnect.support.LinkDriver.location;
import static io.sentryconnect.support.LinkDriver.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The browser's way from a link ticket to a grant, when all goes well: the API's link, the confirmation page, Sentry's
 * authorize URL with state and PKCE, the callback's token exchange and discovery, and the grant as stored (encrypted,
 * bound to its row); requested scopes reach Sentry.
 */
@MicronautTest(environments = "test", transactional = false)
class LinkHappyPathTest extends LinkFlowTestBase {
    LinkHappyPathTest() {
        super(13);
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
        assertEquals("1", params.get("force_prompt"), "Sentry's consent page even for scopes approved before");
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
    void requestedScopesWithinTheAllowedSetAreSentToSentry() {
        HttpResponse<String> created = driver.createLink(driver.jwt(tenant(), "u1"),
                Map.of("return_to", LinkDriver.RETURN_TO, "scopes", List.of("org:read", "event:write")));
        String linkUrl = (String) driver.map(created.body()).get("link_url");
        assertEquals("org:read event:write", query(location(driver.start(new Http(), linkUrl))).get("scope"));
    }
}
