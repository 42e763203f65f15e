package io.sentryconnect.web;

import com.example.catchall.SinglePageApp;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.LinkDriver;
import io.sentryconnect.support.ServiceTest;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A host with a single-page application's catch-all {@code @Get("/{+path}")} ({@link SinglePageApp}). Every request
 * under the plugin's groups that the plugin has no route for is answered as without the host (the API's
 * {@code 405}/{@code 404} problems, the browser routes' error page), never with the host's page; the host's own
 * paths, and a page the host put under the connect group itself, keep the host's answer and headers.
 */
@MicronautTest(environments = "test", transactional = false)
class HostCatchAllRouteTest extends ServiceTest {
    {
        io.sentryconnect.support.Contract.hostPaths("/dashboard", "/connect/sentry/help");
    }

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("test.host-catch-all", "true", "sentry-connect.standalone", "false");
    }

    @Test
    void theHostsPagesStayTheHosts() {
        HttpResponse<String> page = new Http().get(serviceUrl() + "/dashboard/settings");
        assertEquals(200, page.statusCode());
        assertEquals(SinglePageApp.PAGE, page.body());

        HttpResponse<String> help = new Http().get(serviceUrl() + "/connect/sentry/help");
        assertEquals(200, help.statusCode());
        assertEquals(SinglePageApp.HELP, help.body());
        // The plugin's page headers are for the plugin's pages: none of them on the host's.
        assertTrue(help.headers().firstValue("Content-Security-Policy").isEmpty(), help.headers().map().toString());
        assertTrue(help.headers().firstValue("X-Request-Id").isEmpty(), help.headers().map().toString());
        assertTrue(help.headers().firstValue("Cache-Control").isEmpty(), help.headers().map().toString());
        // A method no route takes there: the 405 names the host's own route's methods, a caller may use those.
        HttpResponse<String> wrong = new Http().delete(serviceUrl() + "/connect/sentry/help");
        assertEquals(405, wrong.statusCode(), wrong.body());
        assertEquals("GET, HEAD, POST", wrong.headers().firstValue("Allow").orElse(""));
    }

    @Test
    void aWrongMethodOnAnApiRouteIsStillA405() {
        String jwt = driver.jwt("t-catch-all", "u1");
        for (String[] headers : new String[][]{Http.bearer(jwt), new String[0]}) {
            HttpResponse<String> links = new Http().get(serviceUrl() + "/api/v1/links", headers);
            assertProblem(links, 405, "method_not_allowed");
            assertEquals("POST", links.headers().firstValue("Allow").orElse(""));
        }
        HttpResponse<String> me = new Http().send(Http.request(serviceUrl() + "/api/v1/me", Http.bearer(jwt))
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json").build());
        // PUT matches no route at all (the catch-all is GET): Micronaut's 405, whose Allow named the catch-all's
        // methods too; it names the plugin's alone.
        assertProblem(me, 405, "method_not_allowed");
        assertEquals("GET, HEAD", me.headers().firstValue("Allow").orElse(""));
        HttpResponse<String> putLinks = new Http().send(Http.request(serviceUrl() + "/api/v1/links", Http.bearer(jwt))
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json").build());
        assertProblem(putLinks, 405, "method_not_allowed");
        assertEquals("POST", putLinks.headers().firstValue("Allow").orElse(""));
    }

    @Test
    void anAcceptTheApiDoesNotAnswerIsStillA406() {
        // The router passes the plugin's JSON route over for the catch-all's text/html: the method is right, the
        // media type is not, as without the host.
        String jwt = driver.jwt("t-catch-all", "u1");
        HttpResponse<String> me = new Http().get(serviceUrl() + "/api/v1/me",
                Http.bearer(jwt)[0], Http.bearer(jwt)[1], "Accept", "text/html");
        assertProblem(me, 406, "not_acceptable");
    }

    @Test
    void anUnknownPathUnderAGroupIsStillA404() {
        String jwt = driver.jwt("t-catch-all", "u1");
        assertProblem(new Http().get(serviceUrl() + "/api/v1/grants/00000000-0000-0000-0000-000000000000/nothing/here",
                Http.bearer(jwt)), 404, "not_found");
        assertProblem(new Http().get(serviceUrl() + "/api/v1/events/nothing/here"), 404, "not_found");
    }

    @Test
    void theBrowserRoutesAnswerWithTheirErrorPage() {
        HttpResponse<String> confirm = new Http().get(serviceUrl() + "/connect/sentry/confirm");
        assertEquals(405, confirm.statusCode(), confirm.body());
        assertTrue(confirm.body().contains("<code id=\"code\">method_not_allowed</code>"), confirm.body());
        assertFalse(confirm.body().contains(SinglePageApp.PAGE), confirm.body());
        assertEquals(HtmlPages.CONTENT_SECURITY_POLICY, confirm.headers().firstValue("Content-Security-Policy").orElse(""));

        HttpResponse<String> unknown = new Http().get(serviceUrl() + "/connect/sentry/nowhere");
        assertEquals(404, unknown.statusCode(), unknown.body());
        assertTrue(unknown.body().contains("<code id=\"code\">not_found</code>"), unknown.body());
    }

    @Test
    void thePluginsRoutesStillWork() {
        String jwt = driver.jwt("t-catch-all-link", "u1");
        assertTrue(LinkDriver.query(LinkDriver.location(driver.link(jwt, "1", "acme"))).containsKey("grant_id"));
        HttpResponse<String> me = new Http().get(serviceUrl() + "/api/v1/me", Http.bearer(jwt));
        assertEquals(200, me.statusCode(), me.body());
        assertEquals("t-catch-all-link", driver.map(me.body()).get("tenant_id"));
    }

    private void assertProblem(HttpResponse<String> response, int status, String code) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), response.body());
        assertEquals(code, driver.map(response.body()).get("code"), response.body());
    }
}
