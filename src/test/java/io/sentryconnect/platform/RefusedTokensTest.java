package io.sentryconnect.platform;

import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.JWTClaimsSet;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.IntegrationTest;
import io.sentryconnect.testing.LogCapture;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A token micronaut-security-jwt refuses (a wrong audience or issuer, an expired one, another secret's signature,
 * none at all) gets the same generic 401 as before, and the standalone service's log now names the rule, once per
 * rule, never the token.
 */
@MicronautTest(environments = "test", transactional = false)
class RefusedTokensTest extends IntegrationTest {
    @Test
    void eachRefusedTokenNamesItsRuleInTheLogOnce() throws Exception {
        Map<String, String> tokens = new java.util.LinkedHashMap<>();
        tokens.put("the token's aud does not include sentry-connect.platform.audience",
                PlatformIdentityTest.sign(c -> c.audience("someone-else")));
        tokens.put("the token's iss is not sentry-connect.platform.issuer", PlatformIdentityTest.sign(c -> c.issuer("evil")));
        tokens.put("the token's exp has passed",
                PlatformIdentityTest.sign(c -> c.expirationTime(Date.from(Instant.now().minusSeconds(600)))));
        tokens.put("its signature does not verify with the configured secret or JWKS keys",
                PlatformIdentityTest.sign(c -> { }, "another-secret-0123456789abcdef-0123456789"));
        tokens.put("the token is not signed (alg none)", new PlainJWT(new JWTClaimsSet.Builder().subject("u1").build()).serialize());
        tokens.put("the bearer token is not a JWT", "not-a-jwt");
        com.nimbusds.jwt.EncryptedJWT encrypted = new com.nimbusds.jwt.EncryptedJWT(
                new com.nimbusds.jose.JWEHeader(com.nimbusds.jose.JWEAlgorithm.DIR, com.nimbusds.jose.EncryptionMethod.A128GCM),
                new JWTClaimsSet.Builder().subject("u1").build());
        encrypted.encrypt(new com.nimbusds.jose.crypto.DirectEncrypter(new byte[16]));
        tokens.put("the token is encrypted (JWE)", encrypted.serialize());
        for (Map.Entry<String, String> token : tokens.entrySet()) {
            // Lines of this context only: an earlier test class's context logged its own first refusals.
            int before = LogCapture.lines().size();
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> me = new Http().get(serviceUrl() + "/api/v1/me", Http.bearer(token.getValue()));
                assertEquals(401, me.statusCode(), me.body());
                assertTrue(me.body().contains("\"code\":\"unauthenticated\""), me.body());
            }
            List<String> all = LogCapture.lines();
            List<String> lines = all.subList(before, all.size()).stream()
                    .filter(l -> l.contains("refused by the JWT check: " + token.getKey()) && l.contains("(logged once;")).toList();
            assertEquals(1, lines.size(), token.getKey() + " is logged at INFO once: " + lines);
            String value = token.getValue();
            assertEquals(List.of(), LogCapture.linesContaining(value.length() > 20 ? value.substring(value.length() - 20) : value),
                    "the token itself is never logged");
        }
    }
}
