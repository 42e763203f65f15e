package io.sentryconnect.link;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.LinkDriver;
import io.sentryconnect.support.ServiceTest;
import io.sentryconnect.support.TestDatabase;
import org.junit.jupiter.api.Test;

import java.net.HttpCookie;
import java.net.http.HttpResponse;
import java.time.Duration;
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
 * A link URL works only for its own platform user: a browser the host signed in must be that user, any other browser
 * confirms on our page whom it links Sentry to ({@code sentry-connect.link.browser-confirmation: auto}, the default).
 * "Signed in" is a platform JWT on the start request, which the standalone service authenticates.
 */
@MicronautTest(environments = "test", transactional = false)
class BrowserBindingTest extends ServiceTest {

    @Test
    void aSignedInBrowserOfTheTicketsUserGoesStraightToSentryAndTheFlowEndsInAGrant() {
        String tenant = tenant();
        String jwt = driver.jwt(tenant, "u1");
        Http browser = new Http();
        HttpResponse<String> toSentry = driver.startSignedIn(browser, driver.linkUrl(jwt), jwt);
        assertEquals(302, toSentry.statusCode(), toSentry.body());
        assertTrue(location(toSentry).startsWith(standIn.baseUrl() + "/oauth/authorize/"), location(toSentry));
        standIn.approveNext("1", "acme");
        HttpResponse<String> done = browser.get(location(browser.get(location(toSentry))));
        assertEquals("connected", query(location(done)).get("sentry_connect"), location(done));
        assertEquals(List.of(Map.of("user_id", "u1")), TestDatabase.query("SELECT user_id FROM sentry_connect_grant WHERE tenant_id = ?", tenant));
    }

    @Test
    void aSignedInBrowserOfAnotherUserOrTenantGetsTheMismatchPageCreatesNoStateAndSendsNothingToSentry() {
        String tenant = tenant();
        String owner = driver.jwt(tenant, "u1");
        for (String other : List.of(driver.jwt(tenant, "u2"), driver.jwt(tenant(), "u1"))) {
            String linkUrl = driver.linkUrl(owner);
            int sentryRequests = standIn.requests(null).size();
            HttpResponse<String> response = driver.startSignedIn(new Http(), linkUrl, other);
            assertErrorPage(response, 403, "browser_user_mismatch");
            assertFalse(response.body().contains(tenant), "the page does not name the ticket's tenant to a stranger");
            assertBrowserHeaders(response);
            assertEquals(List.of(), states(tenant), "no state created");
            assertEquals(sentryRequests, standIn.requests(null).size(), "nothing reached Sentry");
            // The ticket is spent: its URL has been in a browser it was not meant for.
            assertBackWith(driver.startSignedIn(new Http(), linkUrl, owner), "ticket_used");
            assertEquals(List.of(), states(tenant));
        }
    }

    @Test
    void anAnonymousBrowserGetsAConfirmationPageNamingTheTenantAndUserAndOnlyContinueGoesToSentry() {
        String tenant = tenant();
        String user = "<img src=x onerror=alert(1)>&\"u1'";
        String jwt = driver.jwt(tenant, user);
        Http browser = new Http();
        int sentryRequests = standIn.requests(null).size();
        HttpResponse<String> page = driver.open(browser, driver.linkUrl(jwt));

        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertBrowserHeaders(page);
        assertTrue(page.body().contains("<dd id=\"tenant\">" + tenant + "</dd>"), page.body());
        assertTrue(page.body().contains("<dd id=\"user\">&lt;img src=x onerror=alert(1)&gt;&amp;&quot;u1&#39;</dd>"), page.body());
        assertFalse(page.body().contains("<img"), "the user id is escaped");
        assertTrue(page.body().contains(">Continue to Sentry</button>"));
        assertEquals(serviceUrl() + "/connect/sentry/confirm", LinkDriver.formAction(page.body()));
        String setCookie = page.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(setCookie.startsWith("sc_confirm_"), setCookie);
        assertTrue(setCookie.contains("SameSite=Strict") && setCookie.toLowerCase(java.util.Locale.ROOT).contains("httponly"), setCookie);
        HttpCookie cookie = browser.cookies().getCookieStore().getCookies().get(0);
        assertEquals("/connect/sentry/confirm", cookie.getPath());
        assertEquals(List.of(), states(tenant), "no state before Continue");
        assertEquals(sentryRequests, standIn.requests(null).size(), "nothing sent to Sentry before Continue");

        HttpResponse<String> toSentry = driver.confirm(browser, page);
        assertEquals(302, toSentry.statusCode(), toSentry.body());
        assertTrue(location(toSentry).startsWith(standIn.baseUrl() + "/oauth/authorize/"), location(toSentry));
        assertEquals(1, states(tenant).size());
        standIn.approveNext("1", "acme");
        HttpResponse<String> done = browser.get(location(browser.get(location(toSentry))));
        assertEquals("connected", query(location(done)).get("sentry_connect"), location(done));
        assertEquals(List.of(Map.of("user_id", user)), TestDatabase.query("SELECT user_id FROM sentry_connect_grant WHERE tenant_id = ?", tenant));
    }

    @Test
    void aConfirmationFromAnotherBrowserOrWithAForgedOrAbsentTokenIsRefusedAndSpoilsNothing() {
        String tenant = tenant();
        Http browser = new Http();
        int sentryRequests = standIn.requests(null).size();
        HttpResponse<String> page = driver.open(browser, driver.linkUrl(driver.jwt(tenant, "u1")));
        String action = LinkDriver.formAction(page.body());
        String token = LinkDriver.confirmationToken(page.body());

        assertErrorPage(new Http().postForm(action, "confirmation=" + token), 400, "confirmation_invalid");
        assertErrorPage(browser.postForm(action, "confirmation=forged-" + token), 400, "confirmation_invalid");
        assertErrorPage(browser.postForm(action, "confirmation="), 400, "confirmation_invalid");
        assertErrorPage(browser.postForm(action, "other=1"), 400, "confirmation_invalid");
        assertEquals(List.of(), states(tenant), "no state created");
        assertEquals(sentryRequests, standIn.requests(null).size(), "nothing sent to Sentry");

        HttpResponse<String> toSentry = driver.confirm(browser, page);
        assertEquals(302, toSentry.statusCode(), "the browser that was shown the page still continues: " + toSentry.body());
    }

    @Test
    void aSignedInBrowserOfAnotherUserCannotConfirmAnotherBrowsersPage() {
        String tenant = tenant();
        Http browser = new Http();
        HttpResponse<String> page = driver.open(browser, driver.linkUrl(driver.jwt(tenant, "u1")));
        HttpResponse<String> response = browser.postForm(LinkDriver.formAction(page.body()),
                "confirmation=" + LinkDriver.confirmationToken(page.body()), Http.bearer(driver.jwt(tenant, "u2")));
        assertErrorPage(response, 403, "browser_user_mismatch");
        assertEquals(List.of(), states(tenant));
        assertBackWith(driver.confirm(browser, page), "ticket_used");
    }

    @Test
    void cancelGoesBackWithAccessDeniedAndCreatesNoState() {
        String tenant = tenant();
        HttpResponse<String> page = driver.open(new Http(), driver.linkUrl(driver.jwt(tenant, "u1")));
        String cancel = LinkDriver.unescape(page.body().replaceAll("(?s).*<a id=\"cancel\" href=\"([^\"]+)\".*", "$1"));
        assertEquals(LinkDriver.RETURN_TO + "?sentry_connect=error&code=access_denied", cancel);
        assertEquals(List.of(), states(tenant));
    }

    @Test
    void aReplayedConfirmationGoesBackWithTicketUsedAndMakesNoSecondState() {
        String tenant = tenant();
        Http browser = new Http();
        HttpResponse<String> page = driver.open(browser, driver.linkUrl(driver.jwt(tenant, "u1")));
        HttpCookie confirmation = browser.cookies().getCookieStore().getCookies().get(0);
        assertEquals(302, driver.confirm(browser, page).statusCode());
        // The browser forgot the cleared cookie; a replay brings it back, as an attacker who copied it would.
        browser.cookies().getCookieStore().add(java.net.URI.create(serviceUrl()), confirmation);
        assertBackWith(driver.confirm(browser, page), "ticket_used");
        assertEquals(1, states(tenant).size());
        assertErrorPage(driver.confirm(new Http(), page), 400, "confirmation_invalid");
        assertEquals(1, states(tenant).size());
    }

    @Test
    void aConfirmationPageLeftOpenTooLongGoesBackWithTicketExpired() {
        String tenant = tenant();
        Http browser = new Http();
        HttpResponse<String> page = driver.open(browser, driver.linkUrl(driver.jwt(tenant, "u1")));
        clock.advance(Duration.ofMinutes(11));
        assertBackWith(driver.confirm(browser, page), "ticket_expired");
        assertEquals(List.of(), states(tenant));
    }

    @Test
    void aReopenedLinkDoesNotShowTheConfirmationPageAgain() {
        String tenant = tenant();
        String linkUrl = driver.linkUrl(driver.jwt(tenant, "u1"));
        assertEquals(200, driver.open(new Http(), linkUrl).statusCode());
        assertBackWith(driver.open(new Http(), linkUrl), "ticket_used");
    }

    static void assertBrowserHeaders(HttpResponse<String> response) {
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""));
        assertEquals("same-origin", response.headers().firstValue("Referrer-Policy").orElse(""));
        assertEquals("DENY", response.headers().firstValue("X-Frame-Options").orElse(""));
        assertTrue(response.headers().firstValue("Content-Security-Policy").orElse("").contains("frame-ancestors 'none'"));
    }

    static void assertErrorPage(HttpResponse<String> response, int status, String code) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(response.body().contains("<code id=\"code\">" + code + "</code>"), response.body());
        assertFalse(response.body().contains("name=\"confirmation\""), "no form on an error page");
    }

    static void assertBackWith(HttpResponse<String> response, String code) {
        assertEquals(302, response.statusCode(), response.body());
        assertTrue(location(response).startsWith(LinkDriver.RETURN_TO + "?"), location(response));
        Map<String, String> params = query(location(response));
        assertEquals(Map.of("sentry_connect", "error", "code", code), params, location(response));
        assertEquals(Set.of("sentry_connect", "code"), params.keySet());
    }

    private static List<Map<String, Object>> states(String tenant) {
        return TestDatabase.query("SELECT 1 FROM sentry_connect_link_state WHERE tenant_id = ?", tenant);
    }

    static String tenant() {
        return "t-" + UUID.randomUUID();
    }
}
