package io.sentryconnect.demo;

import io.micronaut.json.JsonMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.standin.SentryStandIn;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.IntegrationTest;
import io.sentryconnect.support.LinkDriver;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.sentryconnect.support.LinkDriver.location;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo's HTTP surface without a browser: what is served, with which headers, and who may revoke at the stand-in. */
@MicronautTest(environments = "test", transactional = false)
class DemoPageTest extends IntegrationTest {
    @Inject
    SentryStandIn standIn;
    @Inject
    JsonMapper json;

    private LinkDriver links;
    private final Http http = new Http();

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("sentry-connect.demo.enabled", "true",
                // One browser makes one request at a time: a small pool leaves the shared PostgreSQL's connections to others.
                "datasources.default.maximum-pool-size", "4",
                "sentry-connect.link.allowed-return-origins", "https://platform.example," + serviceUrl());
    }

    @BeforeAll
    void setUp() {
        links = new LinkDriver(serviceUrl(), standIn, json);
    }

    @AfterEach
    void resetStandIn() {
        standIn.reset();
    }

    @Test
    void theRootRedirectsToTheDemoPage() {
        HttpResponse<String> response = http.get(serviceUrl() + "/");
        assertEquals(302, response.statusCode());
        assertEquals("/demo", location(response));
    }

    @Test
    void thePageAndItsAssetsComeWithSecurityHeadersThatKeepItOnItsOwnOrigin() {
        for (String[] expected : List.of(new String[]{"/demo", "text/html"}, new String[]{"/demo/assets/demo.js", "text/javascript"},
                new String[]{"/demo/assets/demo.css", "text/css"})) {
            HttpResponse<String> response = http.get(serviceUrl() + expected[0]);
            assertEquals(200, response.statusCode(), expected[0]);
            assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith(expected[1]), expected[0]);
            String csp = response.headers().firstValue("Content-Security-Policy").orElseThrow();
            assertTrue(csp.contains("default-src 'none'") && csp.contains("script-src 'self'")
                    && csp.contains("connect-src 'self'") && csp.contains("frame-ancestors 'none'"), csp);
            assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElseThrow());
            assertEquals("no-referrer", response.headers().firstValue("Referrer-Policy").orElseThrow());
            assertEquals("no-store", response.headers().firstValue("Cache-Control").orElseThrow());
        }
        assertTrue(http.get(serviceUrl() + "/demo").body().contains("<script src=\"/demo/assets/demo.js\" defer></script>"));
    }

    @Test
    void onlyTheDemosOwnAssetsAreServed() {
        for (String path : List.of("/demo/assets/index.html", "/demo/assets/..%2Fapplication.yml", "/demo/assets/logback.xml",
                "/demo/assets/%2E%2E%2Fdemo.js")) {
            assertEquals(404, http.get(serviceUrl() + path).statusCode(), path);
        }
    }

    @Test
    void theConfigNamesThePublicUrlAndTheStandInsAccountsAndRegions() throws IOException {
        HttpResponse<String> response = http.get(serviceUrl() + "/demo/api/config");
        assertEquals(200, response.statusCode());
        Map<?, ?> config = json.readValue(response.body(), Map.class);
        assertEquals(serviceUrl(), config.get("public_url"));
        assertEquals(serviceUrl() + "/demo", config.get("demo_url"));
        Map<?, ?> standin = (Map<?, ?>) config.get("standin");
        assertEquals(standIn.baseUrl().toString(), standin.get("url"));
        assertEquals(Map.of("us", standIn.regionUrl("us").toString(), "de", standIn.regionUrl("de").toString()),
                standin.get("regions"));
        Map<?, ?> ada = (Map<?, ?>) ((List<?>) standin.get("accounts")).get(0);
        assertEquals("Ada Lovelace", ada.get("name"));
        assertEquals(3, ((List<?>) ada.get("organizations")).size());
        assertTrue(!response.body().contains("secret"), "no client secret in the page's config");
    }

    @Test
    void revokingAtTheStandInNeedsAPlatformJwtAndThenRevokesLikeSentry() throws IOException {
        String body = "{\"user_id\":\"1\",\"org_slug\":\"acme\"}";
        assertEquals(401, http.postJson(serviceUrl() + "/demo/api/standin/revoke", body).statusCode());

        String jwt = links.jwt("t-demo-http", "dora");
        assertEquals(302, links.link(jwt, "1", "acme").statusCode());
        HttpResponse<String> revoked = http.postJson(serviceUrl() + "/demo/api/standin/revoke", body, Http.bearer(jwt));
        assertEquals(200, revoked.statusCode(), revoked.body());
        assertEquals(1, ((Number) json.readValue(revoked.body(), Map.class).get("revoked_tokens")).intValue());

        HttpResponse<String> missing = http.postJson(serviceUrl() + "/demo/api/standin/revoke", "{\"user_id\":\"1\"}",
                Http.bearer(jwt));
        assertEquals(400, missing.statusCode(), missing.body());
    }

    @Test
    void revokingAtTheStandInActsOnlyOnTheCallersOwnGrants() throws IOException {
        String owner = links.jwt("t-demo-http", "fay");
        assertEquals(302, links.link(owner, "2", "globex").statusCode());
        String body = "{\"user_id\":\"2\",\"org_slug\":\"globex\"}";
        for (String stranger : List.of(links.jwt("t-demo-other-" + UUID.randomUUID(), "fay"), links.jwt("t-demo-http", "gus"))) {
            HttpResponse<String> refused = http.postJson(serviceUrl() + "/demo/api/standin/revoke", body, Http.bearer(stranger));
            assertEquals(404, refused.statusCode(), refused.body());
            assertEquals("grant_not_found", json.readValue(refused.body(), Map.class).get("code"));
        }
        HttpResponse<String> notTheirSentryUser = http.postJson(serviceUrl() + "/demo/api/standin/revoke",
                "{\"user_id\":\"1\",\"org_slug\":\"globex\"}", Http.bearer(owner));
        assertEquals(404, notTheirSentryUser.statusCode(), notTheirSentryUser.body());
        HttpResponse<String> own = http.postJson(serviceUrl() + "/demo/api/standin/revoke", body, Http.bearer(owner));
        assertEquals(200, own.statusCode(), own.body());
        assertEquals(1, ((Number) json.readValue(own.body(), Map.class).get("revoked_tokens")).intValue(),
                "the refused calls revoked nothing: the owner's token was still there");
    }

    @Test
    void theDemoOriginIsAnAllowedReturnToSoConnectCanComeBackToThePage() throws IOException {
        String jwt = links.jwt("t-demo-http", "erin");
        HttpResponse<String> link = links.createLink(jwt, Map.of("return_to", serviceUrl() + "/demo"));
        assertEquals(201, link.statusCode(), link.body());
        HttpResponse<String> end = links.link(new Http(), (String) json.readValue(link.body(), Map.class).get("link_url"), "1", "globex");
        assertTrue(location(end).startsWith(serviceUrl() + "/demo?sentry_connect=connected&grant_id="), location(end));
    }
}
