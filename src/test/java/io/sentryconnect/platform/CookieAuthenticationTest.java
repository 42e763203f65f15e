package io.sentryconnect.platform;

import io.micronaut.context.annotation.Property;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.LinkDriver.Linked;
import io.sentryconnect.support.ServiceTest;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A host that also signs browsers in with a cookie JWT (micronaut-security's cookie authentication mode, whose token
 * reader takes the {@code JWT} cookie): the framework
 * authenticates a request by that cookie alone, but the plugin's API takes its caller from the Authorization header
 * only, so another site's form cannot make a signed-in browser call Sentry on the user's grant.
 */
@MicronautTest(environments = "test", transactional = false)
@Property(name = "micronaut.security.authentication", value = "cookie")
class CookieAuthenticationTest extends ServiceTest {
    private final Http http = new Http();

    @Test
    void aCookieAloneIsNoCallerOfThePluginsApi() {
        Linked grant = link("1", "acme");
        String cookie = "JWT=" + grant.jwt();
        HttpResponse<String> me = http.get(serviceUrl() + "/api/v1/me", "Cookie", cookie);
        assertEquals(401, me.statusCode(), me.body());
        assertTrue(me.body().contains("Authorization header only"), me.body());

        HttpResponse<String> forged = http.postJson(serviceUrl() + "/api/v1/grants/" + grant.grantId()
                + "/sentry/organizations/acme/issues/", "{}", "Cookie", cookie);
        assertEquals(401, forged.statusCode(), forged.body());
        assertEquals(0, standIn.requests("/api/0/organizations/acme/issues/").size(), "nothing reached Sentry");

        assertEquals(200, http.get(serviceUrl() + "/api/v1/me", Http.bearer(grant.jwt())).statusCode(),
                "the same token as a bearer token is the caller");
    }
}
