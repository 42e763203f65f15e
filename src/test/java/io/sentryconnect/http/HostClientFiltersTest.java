package io.sentryconnect.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.annotation.ClientFilter;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.events.WebhookDelivery;
import io.sentryconnect.standin.RequestLogEntry;
import io.sentryconnect.support.LinkDriver.Linked;
import io.sentryconnect.support.ServiceTest;
import io.sentryconnect.support.WebhookReceiver;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A host's client filters are the host's: one for {@code /**} that adds its API key and its own bearer token runs on
 * the host's clients, and on none of the plugin's (the code exchange, the discovery, calls on a grant's behalf, the
 * refresh, webhook deliveries). Micronaut's client timer ({@code http.client.requests}, here matching every path)
 * counts the host's call only.
 */
@MicronautTest(environments = "test", transactional = false)
class HostClientFiltersTest extends ServiceTest {
    static final String HOST_SECRET = "host-api-key-never-for-sentry";

    /** The host's filter: its key, and a bearer token added to whatever Authorization the request has. */
    @ClientFilter("/**")
    @Requires(property = "test.host-client-filter", value = "true")
    static final class HostSecretFilter {
        @RequestFilter
        void addHostCredentials(MutableHttpRequest<?> request) {
            request.header("X-Host-Api-Key", HOST_SECRET);
            request.bearerAuth("host-own-token");
        }
    }

    private final WebhookReceiver receiver = new WebhookReceiver();

    @Inject
    HttpClient hostClient;
    @Inject
    MeterRegistry meters;
    @Inject
    WebhookDelivery delivery;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("test.host-client-filter", "true",
                // Micronaut's client timer on every path (the standalone service points it at none).
                "micronaut.metrics.http.client.path", "/**",
                "sentry-connect.webhook.url", receiver.url(),
                "sentry-connect.webhook.secret", "test-webhook-secret-0123456789",
                "sentry-connect.webhook.poll-initial-delay", "1h");
    }

    @AfterAll
    void stopReceiver() {
        receiver.close();
    }

    @Test
    void noneOfTheHostsClientFiltersRunsOnThePluginsCallsWhileTheHostsOwnClientKeepsThem() {
        double hostTimedBefore = clientRequestsTimed();
        Linked grant = link("1", "acme");
        assertEquals(200, proxy(grant, "organizations/acme/projects/").statusCode());
        clock.advance(Duration.ofDays(28));
        assertEquals(200, proxy(grant, "organizations/acme/projects/").statusCode(), "after a refresh");
        for (int i = 0; i < 5; i++) {
            delivery.deliverBatch();
        }

        List<RequestLogEntry> plugin = standIn.requests(null);
        Set<String> grantTypes = plugin.stream().map(RequestLogEntry::grantType).filter(t -> t != null).collect(Collectors.toSet());
        assertEquals(Set.of("authorization_code", "refresh_token"), grantTypes, "the exchange and the refresh were made");
        assertTrue(plugin.stream().anyMatch(e -> e.path().equals("/api/0/organizations/")), "the discovery was made");
        assertEquals(2, plugin.stream().filter(e -> e.path().equals("/api/0/organizations/acme/projects/")).count());
        for (RequestLogEntry entry : plugin) {
            assertEquals(0, entry.headerCount("X-Host-Api-Key"), () -> "the host's key went to Sentry: " + entry);
            assertTrue(entry.headerCount("Authorization") <= 1, () -> "a second Authorization went to Sentry: " + entry);
        }
        List<WebhookReceiver.Delivery> deliveries = receiver.deliveries();
        assertTrue(!deliveries.isEmpty(), "the grant's events were delivered");
        for (WebhookReceiver.Delivery webhook : deliveries) {
            assertNull(webhook.header("X-Host-Api-Key"), () -> "the host's key went with a webhook: " + webhook.headers());
            assertNull(webhook.header("Authorization"), () -> "the host's token went with a webhook: " + webhook.headers());
        }
        assertEquals(hostTimedBefore, clientRequestsTimed(), "the host's client timer counted the plugin's calls");

        // The same filter on the host's own client, to the same Sentry path: it runs, and would have leaked.
        standIn.clearRequests();
        MutableHttpRequest<?> own = HttpRequest.GET(standIn.baseUrl() + "/api/0/organizations/").basicAuth("host", "pw");
        assertThrows(HttpClientResponseException.class, () -> hostClient.toBlocking().exchange(own));
        RequestLogEntry seen = standIn.requests("/api/0/organizations/").get(0);
        assertEquals(1, seen.headerCount("X-Host-Api-Key"), seen::toString);
        assertEquals(2, seen.headerCount("Authorization"), seen::toString);
        assertEquals(hostTimedBefore + 1, clientRequestsTimed(), "the host's client timer counts the host's calls");
    }

    /** Every request Micronaut's client timer has counted so far, whatever its tags. */
    private double clientRequestsTimed() {
        return meters.find("http.client.requests").timers().stream().mapToLong(Timer::count).sum();
    }
}
