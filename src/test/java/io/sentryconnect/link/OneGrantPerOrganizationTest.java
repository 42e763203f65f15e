package io.sentryconnect.link;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.Concurrently;
import io.sentryconnect.support.Http;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.sentryconnect.support.LinkDriver.location;
import static io.sentryconnect.support.LinkDriver.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Linking an organization the user has linked already, again or twice at once, leaves one grant row, updated in place. */
@MicronautTest(environments = "test", transactional = false)
class OneGrantPerOrganizationTest extends LinkFlowTestBase {
    OneGrantPerOrganizationTest() {
        super(7);
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
}
