package io.sentryconnect.support;

import io.micronaut.json.JsonMapper;
import io.sentryconnect.standin.SentryStandIn;
import io.sentryconnect.standin.Settings;
import io.sentryconnect.support.LinkDriver.Linked;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import java.net.http.HttpResponse;
import java.util.Map;

/**
 * An {@link IntegrationTest} that links grants and calls through them: the stand-in, the clock and a {@link LinkDriver}
 * at hand, and after each test the world as the next one expects it (the clock back to now, no faults, the stand-in's
 * default settings, an empty request log). A subclass's own {@code @AfterEach} resets only what it adds.
 */
public abstract class ServiceTest extends IntegrationTest {
    @Inject
    protected SentryStandIn standIn;
    @Inject
    protected JsonMapper json;
    @Inject
    protected TestClock clock;

    protected LinkDriver driver;

    @BeforeAll
    void createLinkDriver() {
        driver = new LinkDriver(serviceUrl(), standIn, json);
    }

    @AfterEach
    void putTheWorldBack() {
        clock.reset();
        standIn.clearFaults();
        standIn.updateSettings(Settings.DEFAULTS);
        standIn.clearRequests();
    }

    /** A grant of {@code org} linked by Sentry user {@code sentryUser} for platform user u1 of a fresh tenant. */
    protected Linked link(String sentryUser, String org) {
        return driver.linkForNewTenant(sentryUser, org);
    }

    /** {@code GET} through the proxy of this service: {@code path} is Sentry's API path below {@code /api/0/}. */
    protected HttpResponse<String> proxy(Linked grant, String path) {
        return proxy(serviceUrl(), grant, path);
    }

    /** {@code GET} through the proxy of the service at {@code base} (another instance on the same database). */
    protected HttpResponse<String> proxy(String base, Linked grant, String path) {
        return proxy(base, grant.jwt(), grant.grantId(), path);
    }

    /** {@code GET} through the proxy as the holder of {@code jwt}, on any grant id (someone else's, a provisioned one). */
    protected HttpResponse<String> proxy(String base, String jwt, Object grantId, String path) {
        return new Http().get(base + "/api/v1/grants/" + grantId + "/sentry/" + path, Http.bearer(jwt));
    }

    /** The grant's row as stored. */
    protected static Map<String, Object> grantRow(Linked grant) {
        return TestDatabase.query("SELECT * FROM sentry_connect_grant WHERE id = ?::uuid", grant.grantId()).get(0);
    }
}
