package io.sentryconnect.link;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.standin.Fault;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;

import static io.sentryconnect.support.LinkDriver.location;
import static io.sentryconnect.support.LinkDriver.query;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The callback when Sentry or the database fails: a denied authorization, the token endpoint's 5xx, timeout, reset,
 * malformed answer and invalid grant, organization discovery failing, a database failure while recording. The browser
 * goes back to the platform with the failure's code, and no grant is written.
 */
@MicronautTest(environments = "test", transactional = false)
class CallbackFailuresTest extends LinkFlowTestBase {
    CallbackFailuresTest() {
        super(7);
    }

    @BeforeAll
    void installFailingTrigger() {
        TestDatabase.installFailingTrigger();
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
    void aCodeTooLongOrOutsidePrintableAsciiGoesBackWithAuthorizationFailedWithoutReachingSentry() {
        // Over the cap, with a space, with a non-ASCII letter: none of them a code Sentry issues (64 hex characters).
        for (String bad : List.of("a".repeat(LinkCallback.MAX_CODE + 1), "abc%20def", "abc%C3%A9")) {
            String tenant = tenant();
            Http browser = new Http();
            String callback = approvedCallback(browser, tenant);
            standIn.clearRequests();
            String badCallback = callback.replaceAll("code=[^&]+", "code=" + bad);
            assertBackWith(browser.get(badCallback), "authorization_failed");
            assertEquals(List.of(), standIn.requests("/oauth/token/"), "nothing sent to Sentry's token endpoint");
            assertEquals(List.of(), grants(tenant));
            // As for a callback without a code, the state is spent: the same state with a good code is refused.
            assertBackWith(browser.get(callback), "state_invalid");
            assertEquals(List.of(), standIn.requests("/oauth/token/"));
        }
    }

    @Test
    void aCodeAtTheCapIsSentToSentry() {
        String tenant = tenant();
        Http browser = new Http();
        String callback = approvedCallback(browser, tenant);
        assertBackWith(browser.get(callback.replaceAll("code=[^&]+", "code=" + "!~".repeat(LinkCallback.MAX_CODE / 2))),
                "token_exchange_failed");
        assertEquals(1, standIn.requests("/oauth/token/").size());
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

    private void assertFailsAtCallback(Fault fault, String code) {
        String tenant = tenant();
        Http browser = new Http();
        String callback = approvedCallback(browser, tenant);
        leaks.saw(query(callback).get("code"));
        standIn.addFault(fault);
        assertBackWith(browser.get(callback), code);
        assertEquals(List.of(), grants(tenant), "no grant written");
    }
}
