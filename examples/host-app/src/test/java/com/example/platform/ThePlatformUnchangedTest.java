package com.example.platform;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.security.token.generator.TokenGenerator;
import io.sentryconnect.testing.SentryStandInTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The platform's own routes answer with the plugin exactly as without it: the same two application contexts on one
 * schema, one with the plugin and one with {@code sentry-connect.enabled: false}, asked the same questions.
 */
@SentryStandInTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ThePlatformUnchangedTest {
    private final TestSchema schema = TestSchema.create();
    private EmbeddedServer withPlugin;
    private EmbeddedServer withoutPlugin;
    private String loginToken;
    private String tokenWithoutExpiry;

    @BeforeAll
    void start() {
        withPlugin = ApplicationContext.run(EmbeddedServer.class, HostConfig.properties(schema, HostConfig.freePort()));
        Map<String, Object> disabled = new HashMap<>(HostConfig.properties(schema, HostConfig.freePort()));
        disabled.put("sentry-connect.enabled", false);
        withoutPlugin = ApplicationContext.run(EmbeddedServer.class, disabled);
        loginToken = PlatformLogin.login(withoutPlugin.getURL().toString(), "alice");
        tokenWithoutExpiry = PlatformLogin.withoutExpiry(withoutPlugin.getApplicationContext().getBean(TokenGenerator.class),
                "bob", "acme-co");
    }

    @AfterAll
    void stop() {
        try {
            withPlugin.getApplicationContext().close();
            withoutPlugin.getApplicationContext().close();
        } finally {
            schema.close();
        }
    }

    @Test
    void helloAnswersTheSameCamelCaseJsonWithThePlatformsClock() {
        String answer = sameAnswer("GET", "/hello", loginToken);
        assertEquals("200 application/json {\"greeting\":\"Hello, alice\",\"accountId\":\"acme-co\",\"clockZone\":\"Europe/Berlin\"}",
                answer);
        assertEquals(HostClockFactory.ZONE, withPlugin.getApplicationContext().getBean(Clock.class).getZone(),
                "an unqualified Clock is still the platform's");
    }

    @Test
    void aPlatformTokenWithoutExpiryStillWorksOnHello() {
        assertFalse(payload(tokenWithoutExpiry).contains("\"exp\""), payload(tokenWithoutExpiry));
        assertEquals("200 application/json {\"greeting\":\"Hello, bob\",\"accountId\":\"acme-co\",\"clockZone\":\"Europe/Berlin\"}",
                sameAnswer("GET", "/hello", tokenWithoutExpiry));
    }

    @Test
    void theUnsecuredControllerIsStillRefused() {
        assertTrue(sameAnswer("GET", "/internal/accounts", null).startsWith("401 "));
        assertTrue(sameAnswer("GET", "/internal/accounts", loginToken).startsWith("403 "));
    }

    @Test
    void apiV1EventsIsThePlatformsOwnFeed() {
        // Not compared with the switched-off context: that one has the plugin's jars on its classpath too, and with them
        // Micronaut Data's contextual DataSource, which only the (switched-off) plugin makes plain again outside
        // transactions; this controller uses plain JDBC.
        String answer = answer(withPlugin, "GET", "/api/v1/events", loginToken);
        assertTrue(answer.startsWith("200 application/json {\"accountId\":\"acme-co\",\"events\":[{\"eventId\":"), answer);
        assertTrue(answer.contains("\"eventType\":\"invoice.paid\""), answer);
    }

    @Test
    void failuresUnknownRoutesAndLoginsAnswerInThePlatformsOwnWay() {
        assertEquals("500 application/json {\"errorCode\":\"internal\",\"errorMessage\":\"Something went wrong on our side.\"}",
                sameAnswer("GET", "/public/boom", null));
        sameAnswer("GET", "/public/status", null);
        sameAnswer("GET", "/no/such/page", null);
        sameAnswer("GET", "/no/such/page", loginToken);
        sameAnswer("GET", "/api/v1/me", loginToken);
        sameAnswer("GET", "/api/v1/grants", loginToken);
        sameAnswer("POST", "/api/v1/links", loginToken);
        sameAnswer("GET", "/connect/sentry/start", null);
        sameAnswer("DELETE", "/hello", loginToken);
        assertTrue(sameAnswer("POST", "/login", null).startsWith("401 ") || sameAnswer("POST", "/login", null).startsWith("400 "));
    }

    @Test
    void noOAuthProtectedResourceMetadataIsPublishedWithItsSwitchOff() {
        // Both contexts carry micronaut-security-oauth2's jar, so they cannot be compared: this checks the switch in
        // application.yml (without it: a Bearer resource_metadata challenge and a 200 from /.well-known/…).
        for (String jwt : new String[] {null, loginToken}) {
            HttpResponse<String> refused = new Browser().get(withPlugin.getURL() + "/internal/accounts",
                    jwt == null ? new String[0] : Browser.bearer(jwt));
            assertEquals(jwt == null ? 401 : 403, refused.statusCode(), refused.body());
            assertFalse(refused.headers().allValues("WWW-Authenticate").toString().contains("resource_metadata"),
                    refused.headers().map().toString());
        }
        HttpResponse<String> metadata = new Browser().get(withPlugin.getURL() + "/.well-known/oauth-protected-resource/internal/accounts");
        assertEquals(401, metadata.statusCode(), "no such anonymous endpoint: " + metadata.body());
    }

    @Test
    void thePluginIsThereUnderItsPrefixOnly() {
        HttpResponse<String> me = new Browser().get(withPlugin.getURL() + "/integrations/sentry/me", Browser.bearer(loginToken));
        assertEquals(200, me.statusCode(), me.body());
        assertEquals(answer(withoutPlugin, "GET", "/no/such/page", loginToken).replace("/no/such/page", "/integrations/sentry/me"),
                answer(withoutPlugin, "GET", "/integrations/sentry/me", loginToken), "switched off, the prefix is an unknown route");
    }

    /** Asks both contexts; they must agree on status, content type and body. Returns "status type body". */
    private String sameAnswer(String method, String path, String jwt) {
        String without = answer(withoutPlugin, method, path, jwt);
        String with = answer(withPlugin, method, path, jwt);
        assertEquals(without, with, method + " " + path + " with the plugin");
        return with;
    }

    private static String answer(EmbeddedServer server, String method, String path, String jwt) {
        String url = server.getURL() + path;
        String[] headers = jwt == null ? new String[0] : Browser.bearer(jwt);
        Browser browser = new Browser();
        HttpResponse<String> response = switch (method) {
            case "GET" -> browser.get(url, headers);
            case "POST" -> browser.postJson(url, "{}", headers);
            case "DELETE" -> browser.delete(url, headers);
            default -> throw new IllegalArgumentException(method);
        };
        return response.statusCode() + " " + response.headers().firstValue("Content-Type").orElse("-") + " " + response.body();
    }

    private static String payload(String jwt) {
        return new String(java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), java.nio.charset.StandardCharsets.UTF_8);
    }
}
