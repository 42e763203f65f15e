package com.example.platform;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.sentryconnect.testing.SentryStandInTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What a plugin exception that escapes one of the platform's own routes becomes, as the README's "Add it to your
 * Micronaut application" says: the plugin's problem by default, the platform's own format where its controller maps
 * the plugin's exceptions itself; and what a platform-wide handler for a plugin exception type does to the plugin's
 * own routes. {@link PluginExceptionRoutes} holds the routes and the handler.
 */
@SentryStandInTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PluginExceptionsOnPlatformRoutesTest {
    private final TestSchema schema = TestSchema.create();
    private EmbeddedServer platform;
    private EmbeddedServer withGlobalHandler;
    private String jwt;

    @BeforeAll
    void start() {
        platform = ApplicationContext.run(EmbeddedServer.class, properties(false));
        withGlobalHandler = ApplicationContext.run(EmbeddedServer.class, properties(true));
        jwt = PlatformLogin.login(platform.getURL().toString(), "alice");
    }

    private Map<String, Object> properties(boolean globalHandler) {
        Map<String, Object> properties = new HashMap<>(HostConfig.properties(schema, HostConfig.freePort()));
        properties.put(PluginExceptionRoutes.ON, true);
        properties.put(PluginExceptionRoutes.GLOBAL_HANDLER, globalHandler);
        return properties;
    }

    @AfterAll
    void stop() {
        try {
            platform.getApplicationContext().close();
            withGlobalHandler.getApplicationContext().close();
        } finally {
            schema.close();
        }
    }

    @Test
    void aPluginExceptionEscapingAPlatformRouteIsThePluginsProblemNotThePlatformsCatchAll() {
        assertEquals("404 application/problem+json grant_not_found",
                problemCode(platform, "/public/sentry-failure"));
    }

    @Test
    void aControllerThatMapsThePluginsExceptionsWithErrorAnswersInThePlatformsFormatAndOnlyThere() {
        assertEquals("404 application/json {\"errorCode\":\"sentry_grant_not_found\","
                        + "\"errorMessage\":\"No grant with this id is visible to the caller.\"}",
                answer(platform, "/public/sentry-failure-mapped"));
        assertEquals("404 application/problem+json grant_not_found", problemCode(platform, "/public/sentry-failure"));
        assertEquals("404 application/problem+json grant_not_found",
                problemCode(platform, "/integrations/sentry/grants/" + UUID.randomUUID()));
    }

    @Test
    void aPlatformWideHandlerForAPluginExceptionTypeAlsoTakesItOnThePluginsOwnRoutes() {
        assertEquals("404 application/json {\"errorCode\":\"host_grant_not_found\","
                        + "\"errorMessage\":\"No grant with this id is visible to the caller.\"}",
                answer(withGlobalHandler, "/public/sentry-failure"));
        // The most specific handler wins on every route; on the plugin's, its error format reads the failure still on
        // that answer and gives the API's own problem back.
        assertEquals("404 application/problem+json grant_not_found",
                problemCode(withGlobalHandler, "/integrations/sentry/grants/" + UUID.randomUUID()));
    }

    private String answer(EmbeddedServer server, String path) {
        HttpResponse<String> response = new Browser().get(server.getURL() + path, Browser.bearer(jwt));
        return response.statusCode() + " " + response.headers().firstValue("Content-Type").orElse("-") + " " + response.body();
    }

    private String problemCode(EmbeddedServer server, String path) {
        HttpResponse<String> response = new Browser().get(server.getURL() + path, Browser.bearer(jwt));
        String code = response.body().replaceAll("(?s).*\"code\":\"([a-z_]+)\".*", "$1");
        return response.statusCode() + " " + response.headers().firstValue("Content-Type").orElse("-") + " " + code;
    }
}
