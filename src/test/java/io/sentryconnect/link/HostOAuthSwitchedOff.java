package io.sentryconnect.link;

import io.micronaut.context.ApplicationContext;
import io.micronaut.security.oauth2.endpoint.authorization.pkce.S256PkceGenerator;
import io.sentryconnect.standin.RequestLogEntry;
import io.sentryconnect.support.LinkDriver.Linked;
import io.sentryconnect.support.ServiceTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A host that switches off PKCE, or all of micronaut-security-oauth2, for its own OAuth login still links, calls and
 * refreshes grants: the plugin's PKCE, token client and client registration take nothing from those switches.
 * Each subclass is one host setting.
 */
abstract class HostOAuthSwitchedOff extends ServiceTest {
    @Inject
    ApplicationContext context;

    @Test
    void aGrantIsLinkedCalledThroughRefreshedAndItsRevocationSeen() {
        assertFalse(context.containsBean(S256PkceGenerator.class), "the host's switch removes the module's PKCE generator");

        Linked grant = link("1", "acme");
        RequestLogEntry exchange = standIn.requests("/oauth/token/").get(0);
        assertEquals("authorization_code", exchange.grantType());
        assertEquals(200, exchange.status(), "Sentry took the code with its PKCE verifier");
        assertEquals("active", grantRow(grant).get("status"));
        assertEquals(200, proxy(grant, "organizations/acme/projects/").statusCode());

        clock.advance(Duration.ofDays(28));
        assertEquals(200, proxy(grant, "organizations/acme/projects/").statusCode(), "after a refresh");
        assertEquals(1, standIn.requests("/oauth/token/").stream().filter(r -> "refresh_token".equals(r.grantType())).count());

        standIn.revoke("1", "acme");
        standIn.expire("acme");
        HttpResponse<String> revoked = proxy(grant, "organizations/acme/projects/");
        assertEquals(409, revoked.statusCode(), revoked.body());
        assertTrue(revoked.body().contains("grant_revoked"), revoked.body());
        assertEquals("refresh_rejected", grantRow(grant).get("status_reason"));
    }
}
