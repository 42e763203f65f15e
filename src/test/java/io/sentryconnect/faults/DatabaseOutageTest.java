package io.sentryconnect.faults;

import io.micronaut.json.JsonMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.standin.Fault;
import io.sentryconnect.standin.SentryStandIn;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.IntegrationTest;
import io.sentryconnect.support.LinkDriver;
import io.sentryconnect.support.TcpProxy;
import io.sentryconnect.support.TestDatabase;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

import static io.sentryconnect.support.LinkDriver.location;
import static io.sentryconnect.support.LinkDriver.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The database goes away in the middle of a callback: the service reaches PostgreSQL through a proxy the test cuts
 * while Sentry is answering the token exchange, so the state was consumed but the grant cannot be written.
 */
@MicronautTest(environments = "test", transactional = false)
class DatabaseOutageTest extends IntegrationTest {
    private static final URI DATABASE = URI.create(TestDatabase.database().url().substring("jdbc:".length()));
    private final TcpProxy proxy = new TcpProxy(DATABASE.getHost(), DATABASE.getPort() == -1 ? 5432 : DATABASE.getPort());

    @Inject
    SentryStandIn standIn;
    @Inject
    JsonMapper json;

    private LinkDriver driver;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("datasources.default.url", proxy.jdbcUrl(TestDatabase.database().url(), TestDatabase.database().schema()),
                // Fail fast while the database is away, instead of Hikari's 30 s wait for a connection.
                "datasources.default.connection-timeout", "1000",
                "datasources.default.validation-timeout", "500");
    }

    @BeforeAll
    void setUp() {
        driver = new LinkDriver(serviceUrl(), standIn, json);
    }

    @AfterAll
    void tearDown() {
        proxy.close();
        // Other classes count the grants their background job refreshes across the whole table: leave none of ours.
        TestDatabase.execute("DELETE FROM sentry_connect_grant_event WHERE tenant_id LIKE 't-dbout-%'");
        TestDatabase.execute("DELETE FROM sentry_connect_grant WHERE tenant_id LIKE 't-dbout-%'");
    }

    @Test
    void theDatabaseGoingAwayDuringACallbackLeavesNoHalfWrittenGrantAndTheServiceRecovers() throws Exception {
        String tenant = "t-dbout-" + UUID.randomUUID();
        String jwt = driver.jwt(tenant, "u1");
        Http browser = new Http();
        HttpResponse<String> toSentry = driver.start(browser, driver.linkUrl(jwt));
        standIn.approveNext("1", "acme");
        String callback = location(browser.get(location(toSentry)));
        // Sentry takes its time over the token exchange; the database goes away meanwhile.
        standIn.addFault(Fault.delay("/oauth/token/", 1_000, 1));

        CompletableFuture<HttpResponse<String>> done = CompletableFuture.supplyAsync(() -> browser.get(callback));
        await(() -> !TestDatabase.query("SELECT 1 FROM sentry_connect_link_state WHERE tenant_id = ? AND used_at IS NOT NULL", tenant).isEmpty(),
                "the callback consumed its state");
        proxy.cut();
        HttpResponse<String> response = done.get();

        assertEquals(302, response.statusCode(), response.body());
        assertEquals(Map.of("sentry_connect", "error", "code", "internal_error"), query(location(response)), location(response));
        assertTrue(location(response).startsWith(LinkDriver.RETURN_TO + "?"));
        assertEquals(List.of(), TestDatabase.query("SELECT 1 FROM sentry_connect_grant WHERE tenant_id = ?", tenant), "no grant written");
        assertEquals(List.of(), TestDatabase.query("SELECT 1 FROM sentry_connect_grant_event WHERE tenant_id = ?", tenant), "no event written");
        assertEquals(503, new Http().get(serviceUrl() + "/health").statusCode(), "health says the database is away");

        proxy.restore();
        await(() -> new Http().get(serviceUrl() + "/health").statusCode() == 200, "health UP again");
        HttpResponse<String> again = driver.link(jwt, "1", "acme");
        assertEquals("connected", query(location(again)).get("sentry_connect"), location(again));
        assertEquals(1, TestDatabase.query("SELECT 1 FROM sentry_connect_grant WHERE tenant_id = ?", tenant).size());
        assertEquals(1, TestDatabase.query("SELECT 1 FROM sentry_connect_grant_event WHERE tenant_id = ?", tenant).size());
    }

    private static void await(BooleanSupplier condition, String what) {
        io.sentryconnect.support.Await.until(condition, what, java.time.Duration.ofSeconds(30));
    }
}
