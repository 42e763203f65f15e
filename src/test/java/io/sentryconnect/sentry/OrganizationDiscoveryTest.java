package io.sentryconnect.sentry;

import io.sentryconnect.token.SentryProperties;
import com.sun.net.httpserver.HttpServer;
import io.micronaut.http.client.HttpClient;
import io.sentryconnect.grant.Grant;
import io.sentryconnect.token.Secret;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Organization discovery against a Sentry that answers what the stand-in never would: anything but exactly one
 * organization, another organization than the token's, or a region URL the grant's token must never be sent to.
 */
class OrganizationDiscoveryTest {
    private HttpServer sentry;
    private HttpClient http;

    @AfterEach
    void stop() {
        if (http != null) {
            http.close();
        }
        if (sentry != null) {
            sentry.stop(0);
        }
    }

    private OrganizationDiscovery answering(String organizationsJson) throws IOException {
        sentry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        sentry.createContext("/api/0/organizations/", exchange -> {
            byte[] body = organizationsJson.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        sentry.start();
        URI base = URI.create("http://127.0.0.1:" + sentry.getAddress().getPort());
        http = HttpClient.create(new URL(base.toString()));
        return new OrganizationDiscovery(http, new SentryProperties(base, "client", null, "client_secret_basic", List.of(), List.of(), java.time.Duration.ofSeconds(2)));
    }

    private static String org(String id, String regionUrl) {
        return "{\"id\":\"" + id + "\",\"slug\":\"acme\",\"name\":\"Acme\",\"links\":{\"regionUrl\":\"" + regionUrl + "\"}}";
    }

    @Test
    void theOneOrganizationIsFoundWithItsRegionOnTheSentryHost() throws IOException {
        OrganizationDiscovery discovery = answering("[" + org("7", "http://127.0.0.1:9/") + "]");
        Grant.Organization found = discovery.discover(Secret.of("t"), "7");
        assertEquals("7", found.id());
        assertEquals("http://127.0.0.1:9", found.regionUrl(), "same host on another port (a region), trailing slash dropped");
    }

    @Test
    void aRegionUrlOnAnotherHostIsRefused() throws IOException {
        OrganizationDiscovery discovery = answering("[" + org("7", "https://evil.example/") + "]");
        OrganizationDiscovery.DiscoveryFailed failed = assertThrows(OrganizationDiscovery.DiscoveryFailed.class,
                () -> discovery.discover(Secret.of("t"), "7"));
        assertFalse(failed.unavailable());
    }

    @Test
    void aRegionUrlWithUserInfoOrAnotherSchemeOrNoUrlAtAllIsRefused() throws IOException {
        for (String region : List.of("http://user@127.0.0.1/", "ftp://127.0.0.1/", "http://127.0.0.1.evil.example/", "http://[bad")) {
            OrganizationDiscovery discovery = answering("[" + org("7", region) + "]");
            assertThrows(OrganizationDiscovery.DiscoveryFailed.class, () -> discovery.discover(Secret.of("t"), "7"), region);
            stop();
        }
    }

    @Test
    void noOrganizationOrSeveralAreRefused() throws IOException {
        assertThrows(OrganizationDiscovery.DiscoveryFailed.class, () -> answering("[]").discover(Secret.of("t"), null));
        stop();
        OrganizationDiscovery two = answering("[" + org("7", "http://127.0.0.1/") + "," + org("8", "http://127.0.0.1/") + "]");
        OrganizationDiscovery.DiscoveryFailed failed = assertThrows(OrganizationDiscovery.DiscoveryFailed.class,
                () -> two.discover(Secret.of("t"), null));
        assertTrue(failed.getMessage().contains("2 organizations"), failed.getMessage());
    }

    @Test
    void anOrganizationOtherThanTheTokensIsRefused() throws IOException {
        OrganizationDiscovery discovery = answering("[" + org("8", "http://127.0.0.1/") + "]");
        assertThrows(OrganizationDiscovery.DiscoveryFailed.class, () -> discovery.discover(Secret.of("t"), "7"));
    }
}
