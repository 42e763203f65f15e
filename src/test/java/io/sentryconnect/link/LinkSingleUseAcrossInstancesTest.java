package io.sentryconnect.link;

import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.standin.SentryStandIn;
import io.sentryconnect.support.Concurrently;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.IntegrationTest;
import io.sentryconnect.support.LinkDriver;
import io.sentryconnect.support.SecondInstance;
import io.sentryconnect.support.TestDatabase;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.sentryconnect.support.LinkDriver.location;
import static io.sentryconnect.support.LinkDriver.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each single-use step of the flow, sent to two instances at once with one credential: the ticket, the
 * confirmation token and the state each go through once, whichever instance gets there first. The steps are single
 * statements in auto-commit (row locks and conditional UPDATEs), so this is where they are shown to hold.
 */
@MicronautTest(environments = "test", transactional = false)
class LinkSingleUseAcrossInstancesTest extends IntegrationTest {
    @Inject
    SentryStandIn standIn;
    @Inject
    JsonMapper json;

    private LinkDriver driver;
    private ApplicationContext second;
    private String secondUrl;

    @BeforeAll
    void startSecondInstance() {
        driver = new LinkDriver(serviceUrl(), standIn, json);
        // The first one's public URL: both send the redirect URI the stand-in registered, as replicas behind one name do.
        second = SecondInstance.start(standIn, Map.of("sentry-connect.public-url", serviceUrl()));
        secondUrl = second.getBean(EmbeddedServer.class).getURL().toString();
    }

    @AfterAll
    void stopSecondInstance() {
        second.close();
    }

    /** The same URL at instance {@code index} (0: the test's own, 1: the second). */
    private String at(int index, String url) {
        return index == 0 ? url : url.replace(serviceUrl(), secondUrl);
    }

    @Test
    void oneTicketOpenedOnTwoInstancesAtOnceShowsOneConfirmationPage() throws Exception {
        String tenant = tenant();
        String linkUrl = driver.linkUrl(driver.jwt(tenant, "u1"));
        List<HttpResponse<String>> results = Concurrently.run(2, i -> driver.open(new Http(), at(i, linkUrl)));
        List<Integer> statuses = results.stream().map(HttpResponse::statusCode).sorted().toList();
        assertEquals(List.of(200, 302), statuses);
        HttpResponse<String> refused = results.stream().filter(r -> r.statusCode() == 302).findFirst().orElseThrow();
        assertEquals("ticket_used", query(location(refused)).get("code"));
        assertEquals(1L, count("SELECT count(*) AS n FROM sentry_connect_link_ticket WHERE tenant_id = ? "
                + "AND used_at IS NOT NULL AND confirmation_hash IS NOT NULL", tenant));
    }

    @Test
    void oneConfirmationPostedToTwoInstancesAtOnceCreatesOneState() throws Exception {
        String tenant = tenant();
        Http browser = new Http();
        HttpResponse<String> page = driver.open(browser, driver.linkUrl(driver.jwt(tenant, "u1")));
        String action = LinkDriver.formAction(page.body());
        String form = "confirmation=" + LinkDriver.confirmationToken(page.body());
        // The same browser in two tabs: each POST carries the page's cookie, whichever answer clears it first.
        Http otherTab = new Http();
        browser.cookies().getCookieStore().getCookies()
                .forEach(c -> otherTab.cookies().getCookieStore().add(java.net.URI.create(serviceUrl()), c));
        List<Http> tabs = List.of(browser, otherTab);
        List<HttpResponse<String>> results = Concurrently.run(2, i -> tabs.get(i).postForm(at(i, action), form));
        List<String> destinations = results.stream()
                .map(r -> location(r).startsWith(standIn.baseUrl().toString()) ? "sentry" : query(location(r)).get("code"))
                .sorted().toList();
        assertEquals(List.of("sentry", "ticket_used"), destinations);
        assertEquals(1L, count("SELECT count(*) AS n FROM sentry_connect_link_state WHERE tenant_id = ?", tenant));
    }

    @Test
    void oneCallbackOnTwoInstancesAtOnceMakesOneGrantAndUsesTheState() throws Exception {
        String tenant = tenant();
        Http browser = new Http();
        HttpResponse<String> toSentry = driver.start(browser, driver.linkUrl(driver.jwt(tenant, "u1")));
        standIn.approveNext("1", "acme");
        String callback = location(driver.authorize(browser, location(toSentry)));
        List<HttpResponse<String>> results = Concurrently.run(2, i -> browser.get(at(i, callback)));
        List<String> outcomes = results.stream().map(r -> query(location(r)).get("sentry_connect")).sorted().toList();
        assertEquals(List.of("connected", "error"), outcomes);
        assertTrue(results.stream().map(r -> query(location(r))).filter(q -> "error".equals(q.get("sentry_connect")))
                .allMatch(q -> "state_invalid".equals(q.get("code"))));
        assertEquals(1L, count("SELECT count(*) AS n FROM sentry_connect_grant WHERE tenant_id = ?", tenant));
        assertEquals(1L, count("SELECT count(*) AS n FROM sentry_connect_grant_event WHERE tenant_id = ?", tenant));
        assertEquals(1L, count("SELECT count(*) AS n FROM sentry_connect_link_state WHERE tenant_id = ? AND used_at IS NOT NULL", tenant));
    }

    private static long count(String sql, String tenant) {
        return ((Number) TestDatabase.query(sql, tenant).get(0).get("n")).longValue();
    }

    private static String tenant() {
        return "t-once-" + UUID.randomUUID();
    }
}
