package io.sentryconnect.web;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.LinkDriver;
import io.sentryconnect.support.ServiceTest;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A host with a catch-all {@code @Error(global = true)} route. Micronaut asks global error routes before any
 * {@code ExceptionHandler} bean, so the host's route took the plugin's failures too (a {@code 404 grant_not_found}
 * answered {@code 500}). The host's own failures keep the host's answer; the plugin's routes answer as without it.
 */
@MicronautTest(environments = "test", transactional = false)
class HostGlobalErrorRouteTest extends ServiceTest {
    {
        io.sentryconnect.support.Contract.hostPaths("/host-boom");
    }


    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("test.host-global-error", "true", "sentry-connect.standalone", "false");
    }

    @Controller("/host-boom")
    @Requires(property = "test.host-global-error", value = "true")
    @Secured(SecurityRule.IS_ANONYMOUS)
    static final class HostBoom {
        @Get
        String boom() {
            throw new IllegalStateException("the host's own failure");
        }

        @Error(global = true)
        io.micronaut.http.HttpResponse<Map<String, Object>> anything(HttpRequest<?> request, Throwable failure) {
            return io.micronaut.http.HttpResponse.<Map<String, Object>>serverError().body(Map.of("host_error", true));
        }
    }

    @Test
    void theHostsFailuresKeepTheHostsAnswer() {
        HttpResponse<String> host = new Http().get(serviceUrl() + "/host-boom");
        assertEquals(500, host.statusCode());
        assertEquals(Map.of("host_error", true), driver.map(host.body()));
    }

    @Test
    void thePluginsFailuresKeepThePluginsAnswers() {
        String jwt = driver.jwt("t-host-global-error", "u1");
        assertProblem(new Http().get(serviceUrl() + "/api/v1/grants/00000000-0000-0000-0000-000000000000", Http.bearer(jwt)),
                404, "grant_not_found");
        assertProblem(driver.createLink(jwt, Map.of("return_to", "https://elsewhere.example/")), 400, "invalid_request");
        assertProblem(new Http().send(Http.request(serviceUrl() + "/api/v1/links", Http.bearer(jwt))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{bad")).build()), 400, "invalid_request");
        HttpResponse<String> wrongMethod = new Http().delete(serviceUrl() + "/api/v1/me", Http.bearer(jwt));
        assertProblem(wrongMethod, 405, "method_not_allowed");
        assertTrue(wrongMethod.headers().firstValue("Allow").orElse("").contains("GET"), wrongMethod.headers().map().toString());
        assertProblem(new Http().get(serviceUrl() + "/api/v1/grants"), 401, "unauthenticated");
    }

    @Test
    void theBrowserRoutesKeepTheirPages() {
        HttpResponse<String> wrongType = new Http().send(Http.request(serviceUrl() + "/connect/sentry/confirm")
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build());
        assertEquals(415, wrongType.statusCode(), wrongType.body());
        assertTrue(wrongType.body().contains("<code id=\"code\">unsupported_media_type</code>"), wrongType.body());
        // And a whole link still works.
        assertTrue(LinkDriver.query(LinkDriver.location(driver.link(driver.jwt("t-host-global-error", "u2"), "1", "acme")))
                .containsKey("grant_id"));
    }

    private void assertProblem(HttpResponse<String> response, int status, String code) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), response.body());
        assertEquals(code, driver.map(response.body()).get("code"), response.body());
    }
}
