package io.sentryconnect.web;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.ServiceTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The framework's own errors on the plugin's routes have our one problem shape: a code, the field where one applies,
 * type {@code …/problems/<code>}, and neither a class name nor the request's own values.
 */
@MicronautTest(environments = "test", transactional = false)
class FrameworkErrorFormatTest extends ServiceTest {
    private static final String ECHO = "echo-me-not-" + UUID.randomUUID();

    private final Http http = new Http();
    private String[] bearer;

    @BeforeAll
    void driver() {
        bearer = Http.bearer(driver.jwt("t-format-" + UUID.randomUUID(), "u1"));
    }

    private Map<String, Object> problem(HttpResponse<String> response, int status, String code) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                response.headers().map().toString());
        Map<String, Object> problem = driver.map(response.body());
        assertEquals(code, problem.get("code"), response.body());
        assertEquals("https://sentry-connect.io/problems/" + code, problem.get("type"), response.body());
        assertEquals(status, ((Number) problem.get("status")).intValue());
        assertFalse(response.body().contains(ECHO), "the input is not echoed: " + response.body());
        assertFalse(response.body().matches("(?s).*(class |io\\.sentryconnect|io\\.micronaut|Exception|violations|about:blank).*"),
                "no framework internals: " + response.body());
        return problem;
    }

    @Test
    void aBodyCutOffInsideAMemberIs400NamingThatMemberInTheWiresName() {
        Map<String, Object> problem = problem(http.postJson(serviceUrl() + "/api/v1/links", "{\"return_to\": \"" + ECHO, bearer),
                400, "invalid_request");
        assertEquals("return_to", problem.get("field"));
    }

    @Test
    void aBodyMemberOfTheWrongShapeIs400SayingWhichShapesMetWithoutEchoingIt() {
        // The plugin's API bodies check their members' types themselves (naming the field); the dev token endpoint's
        // body is still the framework's to decode, and its members' types the JSON reader's to refuse.
        Map<String, Object> problem = problem(http.postJson(serviceUrl() + "/dev/token",
                "{\"tenant\": {\"nested\": \"" + ECHO + "\"}, \"user\": \"u1\"}"), 400, "invalid_request");
        assertEquals("A member of the JSON body is an object where a string is expected: check the body against the API "
                + "reference.", problem.get("detail"));
        problem = problem(http.postJson(serviceUrl() + "/dev/token",
                "{\"tenant\": \"t1\", \"user\": \"u1\", \"roles\": \"" + ECHO + "\"}"), 400, "invalid_request");
        assertEquals("A member of the JSON body is a string where an array is expected: check the body against the API "
                + "reference.", problem.get("detail"));
    }

    @Test
    void aBodyMemberOfTheWrongJsonTypeOnThePluginsApiIs400NamingTheFieldWithoutEchoingIt() {
        Map<String, Object> problem = problem(http.postJson(serviceUrl() + "/api/v1/links",
                "{\"return_to\": {\"nested\": \"" + ECHO + "\"}}", bearer), 400, "invalid_request");
        assertEquals("return_to", problem.get("field"));
        assertEquals("return_to must be a string.", problem.get("detail"));
        problem = problem(http.postJson(serviceUrl() + "/api/v1/links", "{\"scopes\": \"" + ECHO + "\"}", bearer),
                400, "invalid_request");
        assertEquals("scopes", problem.get("field"));
        assertEquals("scopes must be an array of strings.", problem.get("detail"));
    }

    @Test
    void aFailedConstraintIs400NamingTheMember() {
        Map<String, Object> problem = problem(http.postJson(serviceUrl() + "/dev/token", "{\"tenant\": \"\", \"user\": \"" + ECHO + "\"}"),
                400, "invalid_request");
        assertEquals("tenant", problem.get("field"));
    }

    @Test
    void noCredentialIs401WithABearerChallengeAndNoProtectedResourceMetadata() {
        problem(http.get(serviceUrl() + "/api/v1/grants"), 401, "unauthenticated");
        assertEquals(java.util.List.of("Bearer"), http.get(serviceUrl() + "/api/v1/grants").headers().allValues("WWW-Authenticate"));
        // micronaut-security-oauth2's RFC 9728 endpoint is switched off in application.yml
        problem(http.get(serviceUrl() + "/.well-known/oauth-protected-resource/api/v1/grants"), 404, "not_found");
    }

    @Test
    void anAcceptTheEndpointCannotAnswerIs406AsDocumentedEvenWithoutACredential() {
        // Sent through the contract check: each 406 must be in the OpenAPI document for its operation.
        String html = "text/html";
        problem(http.get(serviceUrl() + "/api/v1/me", "Accept", html, bearer[0], bearer[1]), 406, "not_acceptable");
        problem(http.get(serviceUrl() + "/api/v1/me", "Accept", html), 406, "not_acceptable");
        problem(http.get(serviceUrl() + "/api/v1/grants", "Accept", "application/xml", bearer[0], bearer[1]), 406, "not_acceptable");
        problem(http.send(Http.request(serviceUrl() + "/api/v1/links", "Accept", html, bearer[0], bearer[1],
                "Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build()), 406, "not_acceptable");
        problem(http.get(serviceUrl() + "/api/v1/grants/" + UUID.randomUUID() + "/sentry/organizations/acme/", "Accept", html,
                bearer[0], bearer[1]), 406, "not_acceptable");
        HttpResponse<String> answered = http.get(serviceUrl() + "/api/v1/me", "Accept", "application/json", bearer[0], bearer[1]);
        assertEquals(200, answered.statusCode(), "JSON is what it answers in: " + answered.body());
    }

    @Test
    void anUnknownRouteAWrongMethodATooLargeBodyAndAWrongContentTypeHaveTheirCodes() {
        problem(http.get(serviceUrl() + "/api/v1/grants/" + UUID.randomUUID() + "/" + ECHO, bearer), 404, "not_found");
        problem(http.send(Http.request(serviceUrl() + "/api/v1/me", bearer).PUT(HttpRequest.BodyPublishers.ofString("{}"))
                .header("Content-Type", "application/json").build()), 405, "method_not_allowed");
        problem(http.postJson(serviceUrl() + "/api/v1/links", "{\"return_to\":\"" + "x".repeat(11 * 1024 * 1024) + "\"}", bearer),
                413, "payload_too_large");
        problem(http.send(Http.request(serviceUrl() + "/api/v1/links", bearer).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(ECHO)).build()), 415, "unsupported_media_type");
    }

    @Test
    void anUnknownHealthSelectorIsAnUnknownPathNotAConversionErrorNamingAClass() {
        // Micronaut's health endpoint answers /health/<anything> 400 naming its HealthCheckType enum.
        problem(http.get(serviceUrl() + "/health/" + ECHO), 404, "not_found");
        HttpResponse<String> live = http.get(serviceUrl() + "/health/liveness");
        assertEquals(200, live.statusCode(), live.body());
        assertTrue(live.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), live.headers().map().toString());
    }

    @Test
    void aBodyOnAnOperationThatReadsNoneIsIgnoredWhateverItsTypeAsOnGet() {
        // The router's default consumes (JSON) answered POST …/check and DELETE …/{id} 415, GET /me 200.
        String grant = serviceUrl() + "/api/v1/grants/" + UUID.randomUUID();
        for (HttpRequest request : List.of(
                Http.request(grant + "/check", bearer).header("Content-Type", "application/xml")
                        .POST(HttpRequest.BodyPublishers.ofString("<a/>")).build(),
                Http.request(grant, bearer).header("Content-Type", "application/xml")
                        .method("DELETE", HttpRequest.BodyPublishers.ofString("<a/>")).build(),
                Http.request(grant + "/sentry/organizations/acme/", bearer).header("Content-Type", "application/xml")
                        .method("DELETE", HttpRequest.BodyPublishers.ofString("<a/>")).build())) {
            problem(http.send(request), 404, "grant_not_found");
        }
    }
}
