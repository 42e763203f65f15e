package io.sentryconnect;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.ServiceTest;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
        // A refresh, then a revocation, so that their counters are in the scrape too.
        clock.advance(java.time.Duration.ofDays(28));
        assertEquals(200, new Http().get(serviceUrl() + "/api/v1/grants/" + grantId + "/sentry/organizations/acme/projects/",
                Http.bearer(jwt)).statusCode());
        standIn.revoke("1", "acme");
        standIn.expire("acme");
        assertEquals(409, new Http().get(serviceUrl() + "/api/v1/grants/" + grantId + "/sentry/organizations/acme/projects/",
                Http.bearer(jwt)).statusCode());
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
        assertEveryPluginMeterIsDescribed(metrics.body());
    }

    /** Each {@code sentry_connect_*} family in the scrape has a {@code # HELP} line with a description. */
    private static void assertEveryPluginMeterIsDescribed(String scrape) {
        Set<String> families = new TreeSet<>();
        Map<String, String> help = new HashMap<>();
        for (String line : scrape.lines().toList()) {
            if (line.startsWith("# TYPE sentry_connect_")) {
                families.add(line.split(" ")[2]);
            } else if (line.startsWith("# HELP sentry_connect_")) {
                String[] parts = line.split(" ", 4);
                help.put(parts[2], parts.length > 3 ? parts[3].strip() : "");
            }
        }
        assertTrue(families.containsAll(List.of("sentry_connect_link_attempts_total", "sentry_connect_link_outcomes_total",
                "sentry_connect_proxy_calls_seconds", "sentry_connect_sentry_rate_limit_remaining",
                "sentry_connect_refreshes_total", "sentry_connect_revocations_total")), families::toString);
        for (String family : families) {
            assertFalse(help.getOrDefault(family, "").isEmpty(), "no description for " + family);
        }
    }

    /** The value of the first Prometheus sample whose name and labels start with {@code prefix}; 0 when absent. */
    private double metric(String prefix) {
        return new Http().get(serviceUrl() + "/prometheus").body().lines()
                .filter(line -> line.startsWith(prefix))
                .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElse(0.0);
    }
}
