package io.sentryconnect.link;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.TestDatabase;
import org.junit.jupiter.api.Test;

import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.sentryconnect.support.LinkDriver.location;
import static io.sentryconnect.support.LinkDriver.query;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the flow refuses: an unknown, expired or replayed ticket; an unknown, expired or replayed state; a callback
 * without the browser binding cookie or with another browser's; a PKCE verifier that no longer decrypts. Each gives a
 * clear error and writes no grant.
 */
@MicronautTest(environments = "test", transactional = false)
class TicketAndStateRefusalsTest extends LinkFlowTestBase {
    TicketAndStateRefusalsTest() {
        super(5);
    }

    @Test
    void anUnknownTicketShowsAnErrorPage() {
        HttpResponse<String> response = new Http().get(serviceUrl() + "/connect/sentry/start?ticket=nope");
        assertErrorPage(response, "ticket_invalid");
        assertErrorPage(new Http().get(serviceUrl() + "/connect/sentry/start"), "ticket_invalid");
        // A browser that asks for HTML alone gets the page too, not a 406.
        assertErrorPage(new Http().get(serviceUrl() + "/connect/sentry/start?ticket=nope", "Accept", "text/html"), "ticket_invalid");
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
    void aVerifierThatNoLongerDecryptsEndsInInternalErrorAndNoGrant() {
        String tenant = tenant();
        Http browser = new Http();
        String callback = approvedCallback(browser, tenant);
        // As if the key that encrypted this state's verifier had been removed while the user was at Sentry.
        TestDatabase.execute("UPDATE sentry_connect_link_state SET code_verifier = decode('0000000000', 'hex') WHERE tenant_id = '" + tenant + "'");
        assertBackWith(browser.get(callback), "internal_error");
        assertEquals(List.of(), grants(tenant));
    }
}
