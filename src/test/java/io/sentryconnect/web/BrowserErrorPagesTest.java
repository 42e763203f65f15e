package io.sentryconnect.web;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.ServiceTest;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The browser routes (the connect group) answer what the framework or our request checks refuse with the flow's
 * readable HTML error page, its code and status, and the headers of the flow's other pages; never with JSON. The API
 * routes keep problem+json for the same refusals.
 */
@MicronautTest(environments = "test", transactional = false)
class BrowserErrorPagesTest extends ServiceTest {
    private static final String ECHO = "echo-me-not-" + UUID.randomUUID();

    private final Http http = new Http();

    private static void assertBrowserPage(HttpResponse<String> response, int status, String code) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/html"),
                response.headers().map().toString());
        assertTrue(response.body().contains("<code id=\"code\">" + code + "</code>"), response.body());
        assertFalse(response.body().contains(ECHO), "the input is not echoed: " + response.body());
        assertFalse(response.body().matches("(?s).*(io\\.sentryconnect|io\\.micronaut|Exception).*"), response.body());
        assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(null));
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(null));
        assertEquals("DENY", response.headers().firstValue("X-Frame-Options").orElse(null));
        assertTrue(response.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'none'"),
                response.headers().map().toString());
    }

    @Test
    void aControlCharacterInACallbackQueryIsA400PageNotJson() {
        assertBrowserPage(http.get(serviceUrl() + "/connect/sentry/callback?state=" + ECHO + "%01&code=abc"), 400, "invalid_request");
        assertBrowserPage(http.get(serviceUrl() + "/connect/sentry/callback?state=abc&code=%00" + ECHO), 400, "invalid_request");
    }

    @Test
    void aConfirmationPostedAsJsonIsA415Page() {
        assertBrowserPage(http.postJson(serviceUrl() + "/connect/sentry/confirm", "{\"confirmation\": \"" + ECHO + "\"}"),
                415, "unsupported_media_type");
    }

    @Test
    void anUnknownPageUnderTheConnectPathIsA404Page() {
        assertBrowserPage(http.get(serviceUrl() + "/connect/sentry/nope"), 404, "not_found");
    }

    @Test
    void aWrongMethodOnABrowserRouteIsA405Page() {
        assertBrowserPage(http.delete(serviceUrl() + "/connect/sentry/start?ticket=abc"), 405, "method_not_allowed");
    }

    @Test
    void twoAuthorizationHeadersOnABrowserRouteAreA401PageWithItsChallenge() {
        // Unchecked: the contract documents no 401 for a route that takes no credential.
        HttpResponse<String> response = http.sendUnchecked(Http.request(serviceUrl() + "/connect/sentry/start?ticket=abc",
                "Authorization", "Bearer a", "Authorization", "Bearer b").GET().build());
        assertBrowserPage(response, 401, "unauthenticated");
        assertEquals("Bearer", response.headers().firstValue("WWW-Authenticate").orElse(null));
    }

    @Test
    void theApiRoutesKeepProblemJsonForTheSameRefusals() {
        String jwt = driver.jwt("t-pages-" + UUID.randomUUID(), "u1");
        for (HttpResponse<String> response : new HttpResponse[]{
                http.get(serviceUrl() + "/api/v1/grants?status=%01", Http.bearer(jwt)),
                http.get(serviceUrl() + "/api/v1/nope", Http.bearer(jwt)),
                http.send(Http.request(serviceUrl() + "/api/v1/links", Http.bearer(jwt)).header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString("x")).build())}) {
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                    response.statusCode() + " " + response.headers().map());
        }
    }
}
