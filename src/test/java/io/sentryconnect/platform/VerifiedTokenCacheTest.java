package io.sentryconnect.platform;

import io.micronaut.context.BeanContext;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.security.token.jwt.validator.ReactiveJsonWebTokenValidator;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.IntegrationTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With the verified-token cache in place (as in the service), a token the instance has accepted before changes no
 * decision: each variant and each claim the plugin refuses is refused again, with the same problem, on the request
 * that meets a remembered token. (That a remembered token is not served past its exp, its max age, or before its
 * verification is VerifyingOnceTest's, against a clock it controls; the refusal of an expired token is
 * PlatformIdentityTest's.)
 */
@MicronautTest(environments = "test", transactional = false)
class VerifiedTokenCacheTest extends IntegrationTest {
    private final Http http = new Http();

    @Inject
    JsonMapper json;

    @Inject
    BeanContext context;

    @Test
    void theServiceRemembersTheTokensItVerified() throws Exception {
        VerifyingOnce<?, ?> cache = cache();
        String token = PlatformIdentityTest.sign(c -> c.subject("u-remembered"));
        int before = cache.size();
        assertEquals(200, me(token).statusCode());
        assertEquals(before + 1, cache.size());
        assertEquals(200, me(token).statusCode());
        assertEquals(before + 1, cache.size(), "the second request met the remembered token");
    }

    @Test
    void aRememberedTokensSignatureAlteredOrPayloadSwappedIsStill401() throws Exception {
        String token = PlatformIdentityTest.sign(c -> c.subject("u-tampered"));
        assertEquals(200, me(token).statusCode());
        String[] parts = token.split("\\.");
        String otherSignature = PlatformIdentityTest.sign(c -> c.subject("u-tampered"),
                "another-secret-another-secret-another-secret-00").split("\\.")[2];
        String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1])).replace("u-tampered", "u-tamperee").getBytes());
        for (String variant : new String[]{parts[0] + "." + parts[1] + "." + otherSignature,
                parts[0] + "." + payload + "." + parts[2], token + "x", parts[0] + "." + parts[1] + "."}) {
            assertUnauthorized(me(variant), variant);
        }
        assertEquals(200, me(token).statusCode(), "the remembered token itself still counts");
    }

    @Test
    void tokensTheFrameworkAcceptsButThePluginRefusesAreRefusedOnEveryRequestWithTheSameProblem() throws Exception {
        String[] tokens = {
                PlatformIdentityTest.sign(c -> c.issueTime(Date.from(Instant.now().minus(Duration.ofHours(25))))),
                PlatformIdentityTest.sign(c -> c.expirationTime(Date.from(Instant.now().plus(Duration.ofDays(3650))))),
                PlatformIdentityTest.sign(c -> c.claim("tenant", null)),
                PlatformIdentityTest.sign(c -> c.claim("tenant", "t\u0000evil")),
                PlatformIdentityTest.sign(c -> c.expirationTime(null)),
                PlatformIdentityTest.sign(c -> c.issuer("evil")),
                PlatformIdentityTest.sign(c -> c.audience("someone-else")),
        };
        for (String token : tokens) {
            HttpResponse<String> first = http.get(serviceUrl() + "/api/v1/grants", Http.bearer(token));
            assertUnauthorized(first, token);
            HttpResponse<String> second = http.get(serviceUrl() + "/api/v1/grants", Http.bearer(token));
            assertUnauthorized(second, token);
            assertEquals(problem(first), problem(second), "the same problem on the second request");
        }
    }

    @Test
    void aRememberedTokenInTwoAuthorizationHeadersIs401() throws Exception {
        String token = PlatformIdentityTest.sign(c -> c.subject("u-twice"));
        assertEquals(200, me(token).statusCode());
        HttpResponse<String> response = http.send(Http.request(serviceUrl() + "/api/v1/me",
                "Authorization", "Bearer " + token, "Authorization", "Bearer " + token).GET().build());
        assertUnauthorized(response, token);
        assertTrue(problem(response).get("detail").toString().contains("more than one Authorization header"), response.body());
    }

    @Test
    void aRememberedTokenNamesItsOwnTenantAndUserOnly() throws Exception {
        String ada = PlatformIdentityTest.sign(c -> c.claim("tenant", "t-one").subject("u-ada"));
        String bob = PlatformIdentityTest.sign(c -> c.claim("tenant", "t-two").subject("u-bob"));
        for (int i = 0; i < 2; i++) {
            assertEquals(Map.of("tenant_id", "t-one", "user_id", "u-ada", "tenant_admin", false), problem(me(ada)));
            assertEquals(Map.of("tenant_id", "t-two", "user_id", "u-bob", "tenant_admin", false), problem(me(bob)));
        }
    }

    private VerifyingOnce<?, ?> cache() {
        ReactiveJsonWebTokenValidator<?, ?> validator = context.getBean(ReactiveJsonWebTokenValidator.class);
        return assertInstanceOf(VerifyingOnce.class, validator, "the service verifies through the cache");
    }

    private HttpResponse<String> me(String token) throws IOException {
        return http.get(serviceUrl() + "/api/v1/me", Http.bearer(token));
    }

    private void assertUnauthorized(HttpResponse<String> response, String token) throws IOException {
        assertEquals(401, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                "problem+json: " + response.headers().map());
        assertEquals(401, ((Number) problem(response).get("status")).intValue(), response.body());
        assertFalse(response.body().contains(token), "the token is not echoed");
    }

    private Map<String, Object> problem(HttpResponse<String> response) throws IOException {
        return json.readValue(response.body(), Argument.mapOf(String.class, Object.class));
    }
}
