package io.sentryconnect.sentry;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.ForwardProxy;
import io.sentryconnect.support.LinkDriver.Linked;
import io.sentryconnect.support.ServiceTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A platform that reaches the internet only through an egress proxy sets {@code sentry-connect.http.proxy-address}:
 * the code exchange, the organization discovery and the calls on a grant's behalf all go through it (the host's own
 * {@code micronaut.http.client.*} settings are not the plugin's).
 */
@MicronautTest(environments = "test", transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EgressProxyTest extends ServiceTest {
    private final ForwardProxy egress = new ForwardProxy();

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("sentry-connect.http.proxy-address", "127.0.0.1:" + egress.port());
    }

    @AfterAll
    void stop() {
        egress.close();
    }

    @Test
    void everyCallToSentryGoesThroughTheConfiguredProxy() {
        Linked grant = link("1", "acme");
        String main = "localhost:" + standIn.baseUrl().getPort();
        String us = "localhost:" + standIn.regionUrl("us").getPort();
        List<String> seen = egress.targets();
        assertTrue(seen.contains(main), "the token exchange went through the proxy: " + seen);
        assertTrue(seen.contains(us), "the discovery went through the proxy: " + seen);

        // The API client has a pool of its own, not used yet: its first call opens a connection, through the proxy.
        long before = egress.targets().stream().filter(us::equals).count();
        HttpResponse<String> response = proxy(grant, "organizations/acme/projects/");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(1, standIn.requests("/api/0/organizations/acme/projects/").size());
        assertEquals(before + 1, egress.targets().stream().filter(us::equals).count(),
                "the call on the grant's behalf went through the proxy too: " + egress.targets());
    }
}
