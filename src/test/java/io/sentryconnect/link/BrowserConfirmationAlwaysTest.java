package io.sentryconnect.link;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.ServiceTest;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static io.sentryconnect.support.LinkDriver.location;
import static io.sentryconnect.support.LinkDriver.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code sentry-connect.link.browser-confirmation: always}: even the ticket's own signed-in user confirms. */
@MicronautTest(environments = "test", transactional = false)
class BrowserConfirmationAlwaysTest extends ServiceTest {

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("sentry-connect.link.browser-confirmation", "always");
    }

    @Test
    void theTicketsSignedInUserGetsTheConfirmationPageAndContinuesToAGrant() {
        String tenant = BrowserBindingTest.tenant();
        String jwt = driver.jwt(tenant, "u1");
        Http browser = new Http();
        HttpResponse<String> page = driver.startSignedIn(browser, driver.linkUrl(jwt), jwt);
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().contains("<dd id=\"user\">u1</dd>"), page.body());
        HttpResponse<String> toSentry = driver.confirm(browser, page);
        standIn.approveNext("1", "acme");
        HttpResponse<String> done = browser.get(location(browser.get(location(toSentry))));
        assertEquals("connected", query(location(done)).get("sentry_connect"), location(done));
    }

    @Test
    void anotherSignedInUserStillGetsTheMismatchPage() {
        String tenant = BrowserBindingTest.tenant();
        String linkUrl = driver.linkUrl(driver.jwt(tenant, "u1"));
        BrowserBindingTest.assertErrorPage(driver.startSignedIn(new Http(), linkUrl, driver.jwt(tenant, "u2")), 403,
                "browser_user_mismatch");
    }
}
