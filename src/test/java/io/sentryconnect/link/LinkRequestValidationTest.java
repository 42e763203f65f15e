package io.sentryconnect.link;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.LinkDriver;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code POST /api/v1/links} refuses a {@code return_to} off the allow list, a malformed body and scopes outside the allowed set. */
@MicronautTest(environments = "test", transactional = false)
class LinkRequestValidationTest extends LinkFlowTestBase {
    LinkRequestValidationTest() {
        super(1);
    }

    @Test
    void aReturnToOffTheAllowListIs400NamingTheField() {
        String jwt = driver.jwt(tenant(), "u1");
        for (String returnTo : List.of("https://evil.example/x", "https://platform.example.evil.com/", "javascript:alert(1)",
                "https://user@platform.example/", "/relative", "http://platform.example/")) {
            HttpResponse<String> response = driver.createLink(jwt, Map.of("return_to", returnTo));
            assertProblem(response, 400, "return_to");
            assertFalse(response.body().contains("evil"), "the value is not echoed: " + response.body());
        }
        assertProblem(driver.createLink(jwt, Map.of()), 400, "return_to");
    }

    @Test
    void aMalformedBodyIsA400ProblemWithoutInternals() {
        String jwt = driver.jwt(tenant(), "u1");
        for (String body : List.of("{not json", "[1,2]", "{\"scopes\": \"org:read\", \"return_to\": 5}")) {
            HttpResponse<String> response = new Http().postJson(serviceUrl() + "/api/v1/links", body, Http.bearer(jwt));
            assertEquals(400, response.statusCode(), body + " → " + response.body());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
            assertFalse(response.body().contains("Exception") || response.body().contains("\tat "), response.body());
        }
    }

    @Test
    void scopesOutsideTheAllowedSetAre400NamingTheField() {
        HttpResponse<String> response = driver.createLink(driver.jwt(tenant(), "u1"),
                Map.of("return_to", LinkDriver.RETURN_TO, "scopes", List.of("org:read", "org:admin")));
        assertProblem(response, 400, "scopes");
        assertFalse(response.body().contains("org:admin"), "the refused scope is not echoed: " + response.body());
    }

    /**
     * Sentry lists a token's organization only with org:read, org:write or org:admin: scopes without any of them would
     * send the user through Sentry's consent to a grant that then fails at discovery, so the link is refused first.
     */
    @Test
    void scopesThatCannotReadTheOrganizationAre400BeforeAnyoneIsSentToSentry() {
        int before = standIn.requests("/oauth/").size();
        HttpResponse<String> response = driver.createLink(driver.jwt(tenant(), "u1"),
                Map.of("return_to", LinkDriver.RETURN_TO, "scopes", List.of("project:read", "event:read")));
        assertProblem(response, 400, "scopes");
        assertTrue(response.body().contains("org:read"), response.body());
        assertEquals(before, standIn.requests("/oauth/").size(), "nothing was sent to Sentry");
        assertEquals(201, driver.createLink(driver.jwt(tenant(), "u1"),
                Map.of("return_to", LinkDriver.RETURN_TO, "scopes", List.of("org:read", "event:read"))).statusCode());
    }

    @Test
    void aMemberOfTheWrongJsonTypeIs400NamingTheFieldWithoutEchoingIt() {
        String echo = "echo-me-not-" + UUID.randomUUID();
        String jwt = driver.jwt(tenant(), "u1");
        String returnTo = "\"return_to\": \"" + LinkDriver.RETURN_TO + "\"";
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"scopes\": \"" + echo + "\", " + returnTo + "}", "scopes");
        cases.put("{\"scopes\": [1], " + returnTo + "}", "scopes");
        cases.put("{\"scopes\": [\"org:read\", {\"a\": \"" + echo + "\"}], " + returnTo + "}", "scopes");
        cases.put("{\"scopes\": [null], " + returnTo + "}", "scopes");
        cases.put("{\"scopes\": {\"a\": 1}, " + returnTo + "}", "scopes");
        cases.put("{\"scopes\": true, " + returnTo + "}", "scopes");
        cases.put("{\"return_to\": [\"http://" + echo + "\"]}", "return_to");
        cases.put("{\"return_to\": [\"" + LinkDriver.RETURN_TO + "\"]}", "return_to");
        cases.put("{\"return_to\": 5}", "return_to");
        cases.put("{\"return_to\": {\"a\": 1}}", "return_to");
        cases.put("{\"return_to\": false}", "return_to");
        String[] paths = {"/api/v1/links", "/api/v1/grants/" + UUID.randomUUID() + "/reconnect"};
        cases.forEach((body, field) -> {
            for (String path : paths) {
                HttpResponse<String> response = new Http().postJson(serviceUrl() + path, body, Http.bearer(jwt));
                assertProblem(response, 400, field);
                assertEquals(field.equals("scopes") ? "scopes must be an array of strings." : "return_to must be a string.",
                        driver.map(response.body()).get("detail"), path + " " + body);
                assertFalse(response.body().contains(echo), response.body());
            }
        });
    }

    private void assertProblem(HttpResponse<String> response, int status, String field) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        Map<String, Object> problem = driver.map(response.body());
        assertEquals(field, problem.get("field"), response.body());
        assertNotNull(problem.get("detail"));
    }
}
