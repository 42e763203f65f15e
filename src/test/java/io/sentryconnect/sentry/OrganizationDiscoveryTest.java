package io.sentryconnect.sentry;

import io.sentryconnect.token.SentryProperties;
import com.sun.net.httpserver.HttpServer;
import io.micronaut.context.exceptions.ConfigurationException;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Organization discovery against a Sentry that answers what the stand-in never would: anything but exactly one
 * organization, another organization than the token's, or a region URL the grant's token must never be sent to.
 */
class OrganizationDiscoveryTest {
    private static final Unauthorized UNAUTHORIZED = new Unauthorized();
    private HttpServer sentry;
    private HttpClient http;
    private final List<HttpServer> regions = new ArrayList<>();

    @AfterEach
    void stop() {
        if (http != null) {
            http.close();
        }
        if (sentry != null) {
            sentry.stop(0);
        }
        regions.forEach(r -> r.stop(0));
        regions.clear();
    }

    /** A region on 127.0.0.1 that answers the organization list with {@code answers} in turn (the last one after that). */
    private URI region(List<String> calls, String name, Answer... answers) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger asked = new AtomicInteger();
        server.createContext("/api/0/organizations/", exchange -> {
            calls.add(name);
            Answer answer = answers[Math.min(asked.getAndIncrement(), answers.length - 1)];
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        regions.add(server);
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private record Answer(int status, String body) {
        static Answer list(String... orgs) {
            return new Answer(200, "[" + String.join(",", orgs) + "]");
        }
    }

    private OrganizationDiscovery across(URI... regionUrls) throws IOException {
        URI base = URI.create("http://127.0.0.1:9");
        http = HttpClient.create(new URL(regionUrls[0].toString()));
        return new OrganizationDiscovery(http, new SentryProperties(base, "client", null, "client_secret_basic", List.of(),
                List.of(), Duration.ofSeconds(2), List.of(regionUrls)), UNAUTHORIZED);
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
        return new OrganizationDiscovery(http, new SentryProperties(base, "client", null, "client_secret_basic", List.of(), List.of(), java.time.Duration.ofSeconds(2), null), UNAUTHORIZED);
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
    void theRegionsAreAskedInTurnUntilOneListsTheTokensOrganization() throws IOException {
        List<String> calls = new CopyOnWriteArrayList<>();
        URI us = region(calls, "us", Answer.list(org("8", "http://127.0.0.1:1")));
        URI de = region(calls, "de", Answer.list(org("7", "http://127.0.0.1:2")));
        URI third = region(calls, "third", Answer.list());
        Grant.Organization found = across(us, de, third).discover(Secret.of("t"), "7");
        assertEquals("7", found.id(), "the user's one organization of the first region is not the token's");
        assertEquals("http://127.0.0.1:2", found.regionUrl());
        assertEquals(List.of("us", "de"), calls, "none asked after the answer");
    }

    @Test
    void anInvalidTokenAtARegionIsAskedAgainWithinTheReplicaLag() throws IOException {
        List<String> calls = new CopyOnWriteArrayList<>();
        Answer notYet = new Answer(401, "{\"detail\":\"Invalid token\"}");
        URI us = region(calls, "us", notYet, notYet, Answer.list(org("7", "http://127.0.0.1:1")));
        assertEquals("7", across(us).discover(Secret.of("t"), "7").id());
        assertEquals(List.of("us", "us", "us"), calls);
    }

    @Test
    void aRefusalThatIsNotReplicationLagIsNotAskedAgain() throws IOException {
        List<String> calls = new CopyOnWriteArrayList<>();
        URI us = region(calls, "us", new Answer(401, "{\"detail\":\"This token access is limited to organization endpoints.\"}"));
        OrganizationDiscovery.DiscoveryFailed failed = assertThrows(OrganizationDiscovery.DiscoveryFailed.class,
                () -> across(us).discover(Secret.of("t"), "7"));
        assertFalse(failed.unavailable());
        assertEquals(List.of("us"), calls);
    }

    @Test
    void aRegionThatCannotAnswerMakesTheFailureRetryableWhenNoOtherRegionHoldsTheOrganization() throws IOException {
        List<String> calls = new CopyOnWriteArrayList<>();
        URI us = region(calls, "us", new Answer(503, "{}"));
        URI de = region(calls, "de", Answer.list());
        assertTrue(assertThrows(OrganizationDiscovery.DiscoveryFailed.class,
                () -> across(us, de).discover(Secret.of("t"), "7")).unavailable());
        stop();
        URI down = region(calls, "us", new Answer(503, "{}"));
        URI holds = region(calls, "de", Answer.list(org("7", "http://127.0.0.1:2")));
        assertEquals("7", across(down, holds).discover(Secret.of("t"), "7").id(), "another region that holds it is enough");
    }

    @Test
    void withoutTheTokensOrganizationIdOnlyOneOrganizationInAllRegionsIsAccepted() throws IOException {
        List<String> calls = new CopyOnWriteArrayList<>();
        URI us = region(calls, "us", Answer.list(org("8", "http://127.0.0.1:1")));
        URI de = region(calls, "de", Answer.list(org("7", "http://127.0.0.1:2")));
        assertThrows(OrganizationDiscovery.DiscoveryFailed.class, () -> across(us, de).discover(Secret.of("t"), null));
        stop();
        URI one = region(calls, "us", Answer.list(org("8", "http://127.0.0.1:1")));
        URI none = region(calls, "de", Answer.list());
        assertEquals("8", across(one, none).discover(Secret.of("t"), null).id());
    }

    @Test
    void sentryIoHasItsRegionsByDefaultAndARegionOffTheSentryHostStopsTheStart() {
        SentryProperties saas = new SentryProperties(URI.create("https://sentry.io/"), "c", null, "client_secret_basic",
                List.of(), List.of(), Duration.ofSeconds(2), null);
        assertEquals(List.of(URI.create("https://us.sentry.io"), URI.create("https://de.sentry.io")), saas.discoveryOrigins());
        SentryProperties selfHosted = new SentryProperties(URI.create("https://sentry.example.com/"), "c", null,
                "client_secret_basic", List.of(), List.of(), Duration.ofSeconds(2), null);
        assertEquals(List.of(URI.create("https://sentry.example.com")), selfHosted.discoveryOrigins());
        SentryProperties foreign = new SentryProperties(URI.create("https://sentry.io"), "c", null, "client_secret_basic",
                List.of(), List.of(), Duration.ofSeconds(2), List.of(URI.create("https://us.sentry.io.evil.example")));
        ConfigurationException refused = assertThrows(ConfigurationException.class, foreign::discoveryOrigins);
        assertTrue(refused.getMessage().contains("sentry-connect.sentry.region-urls"), refused.getMessage());
    }

    @Test
    void anOrganizationOtherThanTheTokensIsRefused() throws IOException {
        OrganizationDiscovery discovery = answering("[" + org("8", "http://127.0.0.1/") + "]");
        assertThrows(OrganizationDiscovery.DiscoveryFailed.class, () -> discovery.discover(Secret.of("t"), "7"));
    }
}
