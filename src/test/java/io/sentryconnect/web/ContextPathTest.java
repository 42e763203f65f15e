package io.sentryconnect.web;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.Endpoints;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.LinkDriver.Linked;
import io.sentryconnect.support.ServiceTest;
import io.sentryconnect.testing.LogCapture;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A host served under {@code micronaut.server.context-path}: its public URL carries the context path, and the
 * plugin's routes, the proxy's path, its error answers and its request log all work below it.
 */
@MicronautTest(environments = "test", transactional = false)
class ContextPathTest extends ServiceTest {
    private final Http http = new Http();

    @Inject
    Endpoints endpoints;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("micronaut.server.context-path", "/billing",
                "sentry-connect.public-url", "http://localhost:" + servicePort + "/billing",
                "sentry-connect.standin.redirect-uris", "http://localhost/billing/connect/sentry/callback");
    }

    @Override
    protected String serviceUrl() {
        return "http://localhost:" + servicePort + "/billing";
    }

    @Test
    void aGrantLinkedUnderTheContextPathIsCalledThroughTheProxy() throws Exception {
        Linked grant = link("1", "acme");
        HttpResponse<String> shown = http.get(serviceUrl() + "/api/v1/grants/" + grant.grantId(), Http.bearer(grant.jwt()));
        assertEquals(200, shown.statusCode(), shown.body());

        HttpResponse<String> projects = proxy(grant, "organizations/acme/projects/");
        assertEquals(200, projects.statusCode(), projects.body());
        assertEquals(1, standIn.requests("/api/0/organizations/acme/projects/").size());

        HttpResponse<String> unknown = http.get(serviceUrl() + "/api/v1/grants/" + UUID.randomUUID(), Http.bearer(grant.jwt()));
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.body().contains("\"code\":\"grant_not_found\""), unknown.body());

        // Revoked at Sentry: the next call's refresh is refused and the revocation is logged in the request's context.
        int logged = LogCapture.lines().size();
        standIn.revoke("1", "acme");
        HttpResponse<String> revoked = proxy(grant, "organizations/acme/projects/");
        assertEquals(409, revoked.statusCode(), revoked.body());
        assertTrue(LogCapture.lines().subList(logged, LogCapture.lines().size()).stream()
                        .anyMatch(l -> l.contains("revoked") && l.contains("grant_id=" + grant.grantId())),
                "the request log context names the grant below the context path too");
    }

    @Test
    void requestPathsAreMatchedPastTheContextPathAndRouteTemplatesAsTheyAre() {
        assertEquals("/api/v1/grants/x", endpoints.routePath("/billing/api/v1/grants/x"));
        assertEquals("/", endpoints.routePath("/billing"));
        assertEquals("/billingx/api", endpoints.routePath("/billingx/api"), "only a whole segment is the context path");
        assertEquals(Optional.of("connect"), endpoints.groupOf("/billing/connect/sentry/start"));
        assertEquals(Optional.of("me"), endpoints.groupOf("/billing/api/v1/me"), "a route template, prefixed as Micronaut does");
        assertFalse(endpoints.groupOf("/billing/invoices").isPresent());
        assertFalse(endpoints.groupOf("/api/v1/me").isPresent(), "outside the context path no route is the plugin's");
        assertEquals("/billing/api/v1/grants", endpoints.hostPath("grants"));
    }
}
