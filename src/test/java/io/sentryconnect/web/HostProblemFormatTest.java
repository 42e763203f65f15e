package io.sentryconnect.web;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import io.micronaut.http.server.exceptions.response.HateoasErrorResponseProcessor;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.LinkDriver;
import io.sentryconnect.support.ServiceTest;
import io.sentryconnect.support.TestDatabase;
import jakarta.inject.Singleton;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A host with an error format of its own that is problem+json too (what micronaut-problem-json does: every framework
 * error through its {@code ErrorResponseProcessor}) and a content security policy on every answer (what
 * micronaut-views' CSP filter does). The host's errors and pages keep the host's; the plugin's routes keep the
 * plugin's format (its {@code code}, no echoed detail) and its pages' policy alone, so linking still reaches Sentry.
 */
@MicronautTest(environments = "test", transactional = false)
class HostProblemFormatTest extends ServiceTest {
    {
        io.sentryconnect.support.Contract.hostPaths("/host-things");
    }

    private static final String HOST_POLICY = "default-src 'self'; form-action 'self'";

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("test.host-problem-format", "true", "sentry-connect.standalone", "false");
    }

    /** The host's processor: problem+json with the framework's message as detail, and no code. */
    @Singleton
    @Replaces(HateoasErrorResponseProcessor.class)
    @Requires(property = "test.host-problem-format", value = "true")
    static final class HostProblems implements ErrorResponseProcessor<Map<String, Object>> {
        @Override
        public MutableHttpResponse<Map<String, Object>> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("type", "about:blank");
            body.put("status", response.code());
            body.put("detail", context.getRootCause().map(Throwable::getMessage).orElse("host"));
            body.put("host", true);
            return response.contentType("application/problem+json").body(body);
        }
    }

    /** The host's policy on every answer. */
    @ServerFilter("/**")
    @Requires(property = "test.host-problem-format", value = "true")
    static final class HostPolicy {
        @ResponseFilter
        void policy(MutableHttpResponse<?> response) {
            response.getHeaders().add("Content-Security-Policy", HOST_POLICY);
            if (response.code() == 401) {
                // As a host's basic authentication challenges every refusal.
                response.getHeaders().add("WWW-Authenticate", "Basic realm=\"host\"");
            }
        }
    }

    @Controller("/host-things")
    @Requires(property = "test.host-problem-format", value = "true")
    @Secured(SecurityRule.IS_ANONYMOUS)
    static final class HostThings {
        @Get("/{number}")
        int number(@PathVariable int number) {
            return number;
        }
    }

    @Test
    void theHostsErrorsKeepTheHostsFormat() {
        HttpResponse<String> host = new Http().get(serviceUrl() + "/host-things/not-a-number");
        assertEquals(400, host.statusCode(), host.body());
        assertEquals(true, driver.map(host.body()).get("host"), host.body());
        assertEquals(List.of(HOST_POLICY), host.headers().allValues("Content-Security-Policy"));
    }

    @Test
    void frameworkErrorsOnThePluginsRoutesKeepThePluginsFormat() {
        String jwt = driver.jwt("t-host-problems", "u1");
        HttpResponse<String> anonymous = new Http().get(serviceUrl() + "/api/v1/grants");
        assertOurs(anonymous, 401, "unauthenticated");
        assertEquals(List.of("Bearer"), anonymous.headers().allValues("WWW-Authenticate"),
                "the plugin's API takes a bearer token only: no host challenge (Basic) on its 401s");
        assertOurs(new Http().delete(serviceUrl() + "/api/v1/me", Http.bearer(jwt)), 405, "method_not_allowed");
        assertOurs(new Http().send(Http.request(serviceUrl() + "/api/v1/links", Http.bearer(jwt))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{bad")).build()), 400, "invalid_request");
        assertOurs(new Http().send(Http.request(serviceUrl() + "/api/v1/links", Http.bearer(jwt))
                .header("Content-Type", "text/plain")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("x")).build()), 415, "unsupported_media_type");
        // A domain error was ours before too, and stays so.
        assertOurs(new Http().get(serviceUrl() + "/api/v1/grants/00000000-0000-0000-0000-000000000000", Http.bearer(jwt)),
                404, "grant_not_found");
    }

    @Test
    void anUnexpectedFailureOnThePluginsRoutesTellsNothingOfIt() {
        String jwt = driver.jwt("t-host-problems", "u1");
        // The events table away for one request (the suite's tests run one after another): the query fails.
        TestDatabase.execute("ALTER TABLE sentry_connect_grant_event RENAME TO sentry_connect_grant_event_away");
        HttpResponse<String> failed;
        try {
            failed = new Http().get(serviceUrl() + "/api/v1/events", Http.bearer(jwt));
        } finally {
            TestDatabase.execute("ALTER TABLE sentry_connect_grant_event_away RENAME TO sentry_connect_grant_event");
        }
        assertOurs(failed, 500, "internal_error");
        assertFalse(failed.body().contains("sentry_connect_grant_event"), "the host's processor echoed the failure: " + failed.body());
    }

    @Test
    void thePluginsPagesCarryTheirOwnPolicyAloneAndLinkingReachesSentry() {
        Http browser = new Http();
        String linkUrl = driver.linkUrl(driver.jwt("t-host-policy", "u1"));
        HttpResponse<String> page = driver.open(browser, linkUrl);
        assertEquals(200, page.statusCode(), page.body());
        assertEquals(List.of(HtmlPages.CONTENT_SECURITY_POLICY), page.headers().allValues("Content-Security-Policy"));
        HttpResponse<String> toSentry = driver.confirm(browser, page);
        assertEquals(302, toSentry.statusCode(), toSentry.body());
        assertEquals(List.of(HtmlPages.CONTENT_SECURITY_POLICY), toSentry.headers().allValues("Content-Security-Policy"),
                "a form-action 'self' of the host's would stop this redirect to Sentry");
        assertTrue(LinkDriver.location(toSentry).startsWith(standIn.baseUrl().toString()), LinkDriver.location(toSentry));
    }

    private void assertOurs(HttpResponse<String> response, int status, String code) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), response.body());
        Map<String, Object> problem = driver.map(response.body());
        assertEquals(code, problem.get("code"), response.body());
        assertFalse(problem.containsKey("host"), "not the host's format: " + response.body());
    }
}
