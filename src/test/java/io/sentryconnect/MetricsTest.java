package io.sentryconnect;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.ServiceTest;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;

import static io.sentryconnect.support.LinkDriver.location;
import static io.sentryconnect.support.LinkDriver.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plugin's metrics ({@link PluginMetrics}) as the standalone service exposes them at {@code /prometheus}. */
@MicronautTest(environments = "test", transactional = false)
class MetricsTest extends ServiceTest {
    @Test
    void prometheusExposesTheServiceMetricsAndTheCountersMove() {
        String tenant = "t-" + UUID.randomUUID();
        String jwt = driver.jwt(tenant, "u1");
        double linksBefore = metric("sentry_connect_link_outcomes_total{code=\"connected\"");
        double callsBefore = metric("sentry_connect_proxy_calls_seconds_count{method=\"GET\",outcome=\"200\"");
        String grantId = query(location(driver.link(jwt, "1", "acme"))).get("grant_id");
        new Http().get(serviceUrl() + "/api/v1/grants/" + grantId + "/sentry/organizations/acme/projects/", Http.bearer(jwt));
        new Http().get(serviceUrl() + "/api/v1/grants/" + grantId + "/sentry/organizations/acme/projects/", Http.bearer(jwt));
        assertEquals(linksBefore + 1, metric("sentry_connect_link_outcomes_total{code=\"connected\""));
        assertEquals(callsBefore + 2, metric("sentry_connect_proxy_calls_seconds_count{method=\"GET\",outcome=\"200\""));
        HttpResponse<String> metrics = new Http().get(serviceUrl() + "/prometheus");
        assertEquals(200, metrics.statusCode());
        for (String name : List.of("sentry_connect_link_attempts_total", "sentry_connect_link_outcomes_total{code=\"connected\"",
                "sentry_connect_proxy_calls_seconds_count", "sentry_connect_sentry_rate_limit_remaining",
                "http_server_requests_seconds_count")) {
            assertTrue(metrics.body().contains(name), name + " missing");
        }
        // No webhook URL here: nothing is delivered, so there is no delivery backlog to report (WebhookDeliveryTest
        // sees the gauges where there is one).
        assertFalse(metrics.body().contains("sentry_connect_outbox_pending"), "an outbox gauge without deliveries");
        // micronaut-micrometer's client timers stay off (application.yml): the proxied calls above are not among them.
        assertFalse(metrics.body().contains("http_client_requests"), "client request timers are exported");
    }

    /** The value of the first Prometheus sample whose name and labels start with {@code prefix}; 0 when absent. */
    private double metric(String prefix) {
        return new Http().get(serviceUrl() + "/prometheus").body().lines()
                .filter(line -> line.startsWith(prefix))
                .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElse(0.0);
    }
}
