package io.sentryconnect.sentry;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.standin.Fault;
import io.sentryconnect.standin.Settings;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.LinkDriver.Linked;
import io.sentryconnect.support.LogLeakCheck;
import io.sentryconnect.support.ServiceTest;
import io.sentryconnect.support.TestDatabase;
import io.sentryconnect.token.TokenCipher;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the proxy does when a call goes wrong (split from {@link GrantLifecycleTest}): a path that leaves the API,
 * Sentry's 403, 429, 5xx, a timeout, a malformed answer, a refresh that meets a 5xx. Each answer is checked, and that
 * the grant is left active with its tokens.
 */
@MicronautTest(environments = "test", transactional = false)
class ProxyFailuresTest extends ServiceTest {
    @Inject
    TokenCipher cipher;

    /** Every token stored: none may appear in a log line. */
    @RegisterExtension
    final LogLeakCheck leaks = LogLeakCheck.searching(() -> TestDatabase.storedTokens(cipher));

    @Test
    void pathTraversalAndHostSmugglingAre400AndNothingIsSent() {
        Linked grant = link("1", "acme");
        int sent = standIn.requests(null).size();
        for (String path : List.of("..%2f..%2foauth/token/", "%2e%2e/%2e%2e/_standin/fixtures", "organizations/..%2F..%2F_standin/fixtures",
                "http://evil.example/api/0/", "https:%2f%2fevil.example/", "/evil.example/api/0/", "organizations//acme/",
                "organizations/acme%2f..%2f..%2f/", "organizations/%252e%252e/", "organizations/a%00b/", "organizations/acme/..;/")) {
            int before = standIn.requests(null).size();
            HttpResponse<String> response = proxy(grant, path);
            assertEquals(before, standIn.requests(null).size(), path + " was sent: " + standIn.requests(null));
            assertTrue(response.statusCode() == 400 || response.statusCode() == 404, path + " → " + response.statusCode() + " " + response.body());
        }
        HttpResponse<String> dotdot = new Http().send(Http.request(serviceUrl() + "/api/v1/grants/" + grant.grantId()
                + "/sentry/organizations/../../oauth/token/", Http.bearer(grant.jwt())).GET().build());
        assertTrue(dotdot.statusCode() == 400 || dotdot.statusCode() == 404, "raw .. → " + dotdot.statusCode());
        assertEquals(sent, standIn.requests(null).size(), "nothing sent to Sentry");
    }

    @Test
    void aMissingScopeIs403PassedThroughAndTheGrantStaysActive() {
        Linked grant = link("1", "acme");
        HttpResponse<String> response = new Http().putJson(serviceUrl() + "/api/v1/grants/" + grant.grantId() + "/sentry/organizations/acme/issues/90001/",
                "{\"status\":\"resolved\"}", Http.bearer(grant.jwt()));
        assertEquals(403, response.statusCode(), response.body());
        assertTrue(response.body().contains("You do not have permission"), response.body());
        assertIntact(grant);
    }

    @Test
    void aRateLimitIs429WithRetryAfterAndNeverRevokes() {
        Linked grant = link("1", "acme");
        // A 60-second window, so that the three calls cannot straddle a window boundary (Sentry's default is 1 second).
        standIn.updateSettings(Settings.DEFAULTS.withRateLimit(2, 60, Settings.RateLimitBody.DETAIL));
        proxy(grant, "organizations/acme/projects/");
        proxy(grant, "organizations/acme/projects/");
        int sent = standIn.requests(null).size();
        HttpResponse<String> limited = proxy(grant, "organizations/acme/projects/");
        assertEquals(429, limited.statusCode(), limited.body());
        assertTrue(limited.body().startsWith("{\"detail\":\"You are attempting to use this endpoint too frequently. Limit is 2 requests in 60 seconds"), limited.body());
        long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After from X-Sentry-Rate-Limit-Reset: " + retryAfter);
        assertEquals("0", limited.headers().firstValue("X-Sentry-Rate-Limit-Remaining").orElseThrow());
        assertEquals(sent + 1, standIn.requests(null).size(), "a 429 is not retried");
        standIn.updateSettings(Settings.DEFAULTS);
        assertIntact(grant);
    }

    @Test
    void serverErrorsAreRetriedThen502AndNeverRevoke() {
        Linked grant = link("1", "acme");
        standIn.addFault(Fault.status("/api/0/organizations/acme/projects/", 503, 3));
        HttpResponse<String> response = proxy(grant, "organizations/acme/projects/");
        assertEquals(502, response.statusCode(), response.body());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(3, standIn.requests("/api/0/organizations/acme/projects/").size(), "three attempts");
        assertIntact(grant);
        standIn.addFault(Fault.status("/api/0/organizations/acme/projects/", 500, 1));
        assertEquals(200, proxy(grant, "organizations/acme/projects/").statusCode(), "a transient 5xx is retried away");
    }

    @Test
    void aTimeoutIs504AndNeverRevokes() throws InterruptedException {
        Linked grant = link("1", "acme");
        standIn.addFault(new Fault("/api/0/organizations/acme/projects/", 0, 1500, false, false, 3));
        HttpResponse<String> response = proxy(grant, "organizations/acme/projects/");
        assertEquals(504, response.statusCode(), response.body());
        // The stand-in finishes the three delayed requests after we gave up on them: let them land in its log
        // here, not in the next test's.
        io.sentryconnect.support.Await.until(() -> standIn.requests("/api/0/organizations/acme/projects/").size() >= 3,
                "the delayed requests in the stand-in's log", Duration.ofSeconds(10));
        assertEquals(3, standIn.requests("/api/0/organizations/acme/projects/").size(), "three attempts, then 504");
        assertIntact(grant);
    }

    @Test
    void aPostIsNotRetriedAfterA5xx() {
        Linked grant = link("1", "acme");
        standIn.addFault(Fault.status("/api/0/organizations/acme/projects/", 503, 3));
        HttpResponse<String> response = new Http().postJson(serviceUrl() + "/api/v1/grants/" + grant.grantId()
                + "/sentry/organizations/acme/projects/", "{}", Http.bearer(grant.jwt()));
        assertEquals(502, response.statusCode());
        assertEquals(1, standIn.requests("/api/0/organizations/acme/projects/").size());
    }

    @Test
    void sentrysBodilessRedirectPassesThroughWithoutATypeSentryDidNotSend() {
        Linked grant = link("1", "acme");
        standIn.addFault(Fault.redirect("/api/0/organizations/acme/projects/", 302, "https://sentry.example/elsewhere/", 1));
        HttpResponse<String> response = proxy(grant, "organizations/acme/projects/");
        assertEquals(302, response.statusCode(), response.body());
        assertEquals("https://sentry.example/elsewhere/", response.headers().firstValue("Location").orElse(null));
        assertEquals("", response.body());
        assertEquals(java.util.Optional.empty(), response.headers().firstValue("Content-Type"), response.headers().map().toString());
        assertIntact(grant);
    }

    /**
     * Django's trailing-slash redirect is relative ({@code Location: /api/0/…}): passed back as it came it would resolve
     * against this service. It comes back absolute, on the Sentry region the call went to.
     */
    @Test
    void aRelativeRedirectFromSentryComesBackAbsoluteOnSentrysHost() {
        Linked grant = link("1", "acme");
        standIn.addFault(Fault.redirect("/api/0/organizations/acme/projects/", 301, "/api/0/organizations/acme/teams/", 1));
        HttpResponse<String> response = proxy(grant, "organizations/acme/projects/");
        assertEquals(301, response.statusCode(), response.body());
        assertEquals(standIn.regionUrl("us").resolve("/api/0/organizations/acme/teams/").toString(),
                response.headers().firstValue("Location").orElse(null));
        assertIntact(grant);
    }

    @Test
    void aMalformedResponsePassesThroughAndLeavesTheGrantIntact() {
        Linked grant = link("1", "acme");
        standIn.addFault(new Fault("/api/0/organizations/acme/projects/", 0, 0, false, true, 1));
        HttpResponse<String> response = proxy(grant, "organizations/acme/projects/");
        assertEquals(200, response.statusCode());
        assertIntact(grant);
    }

    @Test
    void aRefreshThatMeetsA5xxIs502AndKeepsTheTokens() {
        Linked grant = link("1", "acme");
        Map<String, Object> before = grantRow(grant);
        standIn.expire("acme");
        standIn.addFault(Fault.status("/oauth/token/", 503, 1));
        HttpResponse<String> response = proxy(grant, "organizations/acme/projects/");
        assertEquals(502, response.statusCode(), response.body());
        Map<String, Object> after = grantRow(grant);
        assertEquals("active", after.get("status"));
        assertTrue(java.util.Arrays.equals((byte[]) before.get("refresh_token"), (byte[]) after.get("refresh_token")));
        assertEquals(200, proxy(grant, "organizations/acme/projects/").statusCode(), "works again once Sentry is back");
    }

    /**
     * A 401 that is none of Sentry's token failures (a proxy's HTML page, an empty body, a {@code detail} that is no
     * string, a message Sentry does not send) says nothing about the token: no refresh, which would rotate the refresh
     * token on a path the caller picks, and the grant exactly as it was. Its body is not logged: it could echo anything.
     */
    @Test
    void anUnrecognised401AfterThisCallsRefreshSaysTheTokenWasRefreshed() {
        Linked grant = link("1", "acme");
        String path = "/api/0/organizations/acme/projects/";
        int refreshes = standIn.requests("/oauth/token/").size();
        // Faults added earlier win: the first call meets Token expired (a refresh), the retry an HTML 401.
        standIn.addFault(Fault.statusWithDetail(path, 401, "Token expired", 1));
        standIn.addFault(Fault.content(path, 401, "text/html", "<html><body>401</body></html>", 1));
        HttpResponse<String> response = proxy(grant, "organizations/acme/projects/");
        standIn.clearFaults();
        assertEquals(502, response.statusCode(), response.body());
        Map<String, Object> problem = driver.map(response.body());
        assertEquals("sentry_unauthorized", problem.get("code"));
        assertTrue(((String) problem.get("detail")).contains("even after a refresh"), response.body());
        assertEquals(refreshes + 1, standIn.requests("/oauth/token/").size(), "one refresh, for the Token expired");
        assertEquals("active", grantRow(grant).get("status"));
    }

    @Test
    void anUnrecognised401IsSentryUnauthorizedWithoutARefreshAndLeavesTheGrantAsItWas() {
        Linked grant = link("1", "acme");
        String path = "/api/0/organizations/acme/projects/";
        String marker = "proxy-page-" + java.util.UUID.randomUUID();
        List<Fault> faults = List.of(
                Fault.content(path, 401, "text/html", "<html><body><h1>401 Authorization Required</h1>" + marker + "</body></html>", 5),
                Fault.content(path, 401, "application/json", "", 5),
                Fault.content(path, 401, "application/json", "{\"detail\": {\"message\": \"" + marker + "\"}}", 5),
                Fault.statusWithDetail(path, 401, "Something Sentry never said " + marker, 5));
        for (Fault fault : faults) {
            Map<String, Object> before = grantRow(grant);
            int refreshes = standIn.requests("/oauth/token/").size();
            standIn.addFault(fault);
            HttpResponse<String> response = proxy(grant, "organizations/acme/projects/");
            assertEquals(502, response.statusCode(), fault + " → " + response.body());
            assertEquals("sentry_unauthorized", driver.map(response.body()).get("code"), response.body());
            assertEquals(refreshes, standIn.requests("/oauth/token/").size(), fault + ": no refresh");
            Map<String, Object> after = grantRow(grant);
            assertEquals("active", after.get("status"), fault.toString());
            assertEquals(before.get("token_version"), after.get("token_version"), fault.toString());
            assertTrue(java.util.Arrays.equals((byte[]) before.get("refresh_token"), (byte[]) after.get("refresh_token")));
            standIn.clearFaults();
        }
        assertEquals(List.of(), io.sentryconnect.testing.LogCapture.linesContaining(marker), "the 401's body is not logged");
        assertTrue(io.sentryconnect.testing.LogCapture.lines().stream().anyMatch(line -> line.contains(grant.grantId())
                && line.contains("401") && line.contains("not one of Sentry's")), "the unrecognised 401 is logged");
        assertIntact(grant);
    }

    private void assertIntact(Linked grant) {
        Map<String, Object> row = grantRow(grant);
        assertEquals("active", row.get("status"));
        assertNotNull(row.get("access_token"));
        assertNotNull(row.get("refresh_token"));
        assertEquals(200, proxy(grant, "organizations/acme/projects/").statusCode());
    }
}
