package io.sentryconnect.platform;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.Http;
import io.sentryconnect.testing.LogCapture;
import io.sentryconnect.support.IntegrationTest;
import io.sentryconnect.support.TestDatabase;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@MicronautTest(environments = "test", transactional = false)
class PlatformIdentityTest extends IntegrationTest {
    private static final String SECRET = "test-only-platform-jwt-secret-0123456789abcdef";
    private final Http http = new Http();

    @Inject
    JsonMapper json;

    @Test
    void startupAppliesTheMigrations() throws Exception {
        try (Connection c = TestDatabase.connection();
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT count(*) FROM sentry_connect_schema_history WHERE success AND version = '1'")) {
            assertTrue(rs.next());
            assertEquals(1, rs.getInt(1));
        }
        try (Connection c = TestDatabase.connection();
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM sentry_connect_grant WHERE false")) {
            assertTrue(rs.next());
        }
    }

    @Test
    void healthIsUpWithTheDatabase() throws IOException {
        HttpResponse<String> response = http.get(serviceUrl() + "/health");
        assertEquals(200, response.statusCode());
        Map<String, Object> body = map(response.body());
        assertEquals("UP", body.get("status"));
        @SuppressWarnings("unchecked")
        Map<String, Object> details = (Map<String, Object>) body.get("details");
        assertTrue(details.containsKey("jdbc"), "health names the database: " + body);
    }

    @Test
    void aValidJwtYieldsTheTenantAndTheUser() throws Exception {
        HttpResponse<String> response = http.get(serviceUrl() + "/api/v1/me",
                Http.bearer(sign(c -> c.claim("tenant", "t-acme").subject("u-ada").claim("roles", List.of("tenant-admin")))));
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(Map.of("tenant_id", "t-acme", "user_id", "u-ada", "tenant_admin", true), map(response.body()));
    }

    @Test
    void theDevTokenEndpointMintsAJwtTheServiceAccepts() throws Exception {
        HttpResponse<String> minted = http.postJson(serviceUrl() + "/dev/token", "{\"tenant\":\"t1\",\"user\":\"u1\"}");
        assertEquals(200, minted.statusCode(), minted.body());
        String token = (String) map(minted.body()).get("token");
        HttpResponse<String> me = http.get(serviceUrl() + "/api/v1/me", Http.bearer(token));
        assertEquals(Map.of("tenant_id", "t1", "user_id", "u1", "tenant_admin", false), map(me.body()));
    }

    @Test
    void aMissingTokenIs401Problem() throws Exception {
        assertUnauthorized(http.get(serviceUrl() + "/api/v1/me"), null);
    }

    @Test
    void anExpiredTokenIs401Problem() throws Exception {
        String token = sign(c -> c.expirationTime(Date.from(Instant.now().minusSeconds(120))));
        assertUnauthorized(http.get(serviceUrl() + "/api/v1/me", Http.bearer(token)), token);
    }

    @Test
    void aTokenIssuedLongerAgoThanTheMaximumAgeIs401Problem() throws Exception {
        String token = sign(c -> c.issueTime(Date.from(Instant.now().minus(Duration.ofHours(25)))));
        assertUnauthorized(http.get(serviceUrl() + "/api/v1/me", Http.bearer(token)), token);
    }

    @Test
    void aTokenIssuedInTheFutureBeyondTheSkewIs401Problem() throws Exception {
        String token = sign(c -> c.issueTime(Date.from(Instant.now().plusSeconds(300))));
        assertUnauthorized(http.get(serviceUrl() + "/api/v1/me", Http.bearer(token)), token);
    }

    @Test
    void aTokenThatExpiresYearsFromNowIs401Problem() throws Exception {
        String token = sign(c -> c.expirationTime(Date.from(Instant.now().plus(Duration.ofDays(3650)))));
        assertUnauthorized(http.get(serviceUrl() + "/api/v1/me", Http.bearer(token)), token);
    }

    /**
     * A host issuing 7-day tokens meets the 24-hour maximum age on the plugin's routes only: the answer stays the
     * generic 401, and the service's log says which rule (and setting) the token broke, without the token.
     */
    @Test
    void aRefusedTokensReasonIsLoggedNamingTheRuleAndItsSetting() throws Exception {
        String token = sign(c -> c.expirationTime(Date.from(Instant.now().plus(Duration.ofDays(7)))));
        HttpResponse<String> response = http.get(serviceUrl() + "/api/v1/me", Http.bearer(token));
        assertUnauthorized(response, token);
        assertTrue(response.body().contains("maximum token age"), response.body());
        assertTrue(LogCapture.lines().stream().anyMatch(l -> l.contains("A platform token was refused")
                        && l.contains("expires later than sentry-connect.platform.max-token-age (PT24H)")),
                "the log names the rule");
        String noTenant = sign(c -> c.claim("tenant", null));
        assertUnauthorized(http.get(serviceUrl() + "/api/v1/me", Http.bearer(noTenant)), noTenant);
        assertTrue(LogCapture.lines().stream().anyMatch(l -> l.contains("no usable tenant or sub claim")),
                "each rule has its own line");
        assertEquals(List.of(), LogCapture.linesContaining(token.substring(token.lastIndexOf('.') + 1)));
    }

    @Test
    void aTokenIssuedWithinTheSkewInTheFutureIsAccepted() throws Exception {
        String token = sign(c -> c.issueTime(Date.from(Instant.now().plusSeconds(20))));
        assertEquals(200, http.get(serviceUrl() + "/api/v1/me", Http.bearer(token)).statusCode());
    }

    @Test
    void twoAuthorizationHeadersAre401ProblemEvenWhenBothAreValid() throws Exception {
        String token = sign(c -> { });
        HttpResponse<String> response = http.send(Http.request(serviceUrl() + "/api/v1/me",
                "Authorization", "Bearer " + token, "Authorization", "Bearer " + token).GET().build());
        assertUnauthorized(response, token);
        assertTrue(map(response.body()).get("detail").toString().contains("more than one Authorization header"), response.body());
    }

    @Test
    void aTenantClaimWithANulCharacterIs401ProblemWithoutAStackTrace() throws Exception {
        int before = LogCapture.lines().size();
        String token = sign(c -> c.claim("tenant", "t\u0000evil"));
        assertUnauthorized(http.get(serviceUrl() + "/api/v1/grants", Http.bearer(token)), token);
        assertTrue(LogCapture.lines().subList(before, LogCapture.lines().size()).stream().noneMatch(l -> l.contains("\n\tat ")),
                "no stack trace logged");
    }

    @Test
    void aTenantClaimLongerThanTheCapIs401Problem() throws Exception {
        String token = sign(c -> c.claim("tenant", "t".repeat(256)));
        assertUnauthorized(http.get(serviceUrl() + "/api/v1/grants", Http.bearer(token)), token);
    }

    @Test
    void aTokenSignedWithAnotherSecretIs401Problem() throws Exception {
        String token = sign(c -> { }, "another-secret-another-secret-another-secret-00");
        assertUnauthorized(http.get(serviceUrl() + "/api/v1/me", Http.bearer(token)), token);
    }

    @Test
    void anUnsignedAlgNoneTokenIs401Problem() throws Exception {
        String token = new PlainJWT(claims(c -> { }).build()).serialize();
        assertUnauthorized(http.get(serviceUrl() + "/api/v1/me", Http.bearer(token)), token);
    }

    @Test
    void aTokenForAnotherAudienceIs401Problem() throws Exception {
        String token = sign(c -> c.audience("someone-else"));
        assertUnauthorized(http.get(serviceUrl() + "/api/v1/me", Http.bearer(token)), token);
    }

    @Test
    void aTokenFromAnotherIssuerIs401Problem() throws Exception {
        String token = sign(c -> c.issuer("evil"));
        assertUnauthorized(http.get(serviceUrl() + "/api/v1/me", Http.bearer(token)), token);
    }

    @Test
    void aTokenWithoutTenantIs401Problem() throws Exception {
        String token = sign(c -> c.claim("tenant", null));
        assertUnauthorized(http.get(serviceUrl() + "/api/v1/me", Http.bearer(token)), token);
    }

    @Test
    void aTokenWithoutExpiryIs401Problem() throws Exception {
        String token = sign(c -> c.expirationTime(null));
        assertUnauthorized(http.get(serviceUrl() + "/api/v1/me", Http.bearer(token)), token);
    }

    @Test
    void everyRefusedCredentialIsTheSameUnauthenticatedProblemAndCarriesARequestId() throws Exception {
        String withoutTenant = sign(c -> c.claim("tenant", null));
        List<HttpResponse<String>> refusals = List.of(
                http.get(serviceUrl() + "/api/v1/me"),
                http.get(serviceUrl() + "/api/v1/me", Http.bearer(withoutTenant)),
                http.get(serviceUrl() + "/api/v1/me", Http.bearer("not.a.jwt")),
                http.send(Http.request(serviceUrl() + "/api/v1/me", "Authorization", "Bearer " + withoutTenant,
                        "Authorization", "Bearer not.a.jwt").GET().build()));
        for (HttpResponse<String> refusal : refusals) {
            assertEquals(401, refusal.statusCode(), refusal.body());
            Map<String, Object> problem = map(refusal.body());
            assertEquals("unauthenticated", problem.get("code"), refusal.body());
            assertEquals("Unauthenticated", problem.get("title"), refusal.body());
            assertTrue(refusal.headers().firstValue("X-Request-Id").orElse("").matches("[0-9a-f-]{36}"),
                    "a made-up request id: " + refusal.headers().map());
        }
        HttpResponse<String> quoted = http.get(serviceUrl() + "/api/v1/me", "X-Request-Id", "req-no-credential-7");
        assertEquals(401, quoted.statusCode());
        assertEquals("req-no-credential-7", quoted.headers().firstValue("X-Request-Id").orElse(null),
                "the caller's own request id comes back on a refusal before any route");
    }

    @Test
    void aGarbageTokenIs401Problem() throws Exception {
        assertUnauthorized(http.get(serviceUrl() + "/api/v1/me", Http.bearer("not.a.jwt")), "not.a.jwt");
    }

    @Test
    void anUnknownRouteIs404Problem() throws Exception {
        HttpResponse<String> response = http.get(serviceUrl() + "/api/v1/nothing-here",
                Http.bearer(sign(c -> { })));
        assertEquals(404, response.statusCode());
        assertProblem(response, 404);
        HttpResponse<String> anonymous = http.get(serviceUrl() + "/no/such/page");
        assertEquals(404, anonymous.statusCode());
        assertProblem(anonymous, 404);
    }

    @Test
    void aWrongMethodIs405Problem() throws Exception {
        HttpResponse<String> response = http.delete(serviceUrl() + "/api/v1/me", Http.bearer(sign(c -> { })));
        assertEquals(405, response.statusCode(), response.body());
        assertProblem(response, 405);
    }

    private void assertUnauthorized(HttpResponse<String> response, String token) throws IOException {
        assertEquals(401, response.statusCode(), response.body());
        assertProblem(response, 401);
        if (token != null) {
            assertFalse(response.body().contains(token), "the token is not echoed");
            assertFalse(response.headers().map().toString().contains(token), "the token is not echoed in headers");
        }
    }

    private void assertProblem(HttpResponse<String> response, int status) throws IOException {
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                "problem+json: " + response.headers().map());
        Map<String, Object> problem = map(response.body());
        assertEquals(status, ((Number) problem.get("status")).intValue(), response.body());
        assertTrue(problem.containsKey("title"), response.body());
    }

    private Map<String, Object> map(String body) throws IOException {
        return json.readValue(body, Argument.mapOf(String.class, Object.class));
    }

    private static JWTClaimsSet.Builder claims(Consumer<JWTClaimsSet.Builder> customize) {
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder()
                .issuer("platform").audience("sentry-connect").subject("u1").claim("tenant", "t1")
                .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(600)));
        customize.accept(builder);
        return builder;
    }

    static String sign(Consumer<JWTClaimsSet.Builder> customize) throws JOSEException {
        return sign(customize, SECRET);
    }

    static String sign(Consumer<JWTClaimsSet.Builder> customize, String secret) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims(customize).build());
        jwt.sign(new MACSigner(secret));
        return jwt.serialize();
    }
}
