package io.sentryconnect.platform;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.IntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Platform JWTs verified against the platform's JWKS URL (RS256), the other configuration a platform may choose. */
@MicronautTest(environments = "test", transactional = false)
class JwksPlatformJwtTest extends IntegrationTest {
    private final RSAKey platformKey = generate("platform-key-1");
    private final RSAKey strangerKey = generate("platform-key-1");
    private final HttpServer jwks = serve(new JWKSet(platformKey.toPublicJWK()).toString());

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("micronaut.security.token.jwt.signatures.jwks.platform.url",
                "http://127.0.0.1:" + jwks.getAddress().getPort() + "/.well-known/jwks.json");
    }

    @AfterAll
    void stop() {
        jwks.stop(0);
    }

    @Test
    void aTokenSignedWithTheJwksKeyIsAccepted() throws Exception {
        HttpResponse<String> response = new Http().get(serviceUrl() + "/api/v1/me", Http.bearer(sign(platformKey)));
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"tenant_id\":\"t-jwks\""), response.body());
    }

    @Test
    void aTokenSignedWithAnotherKeyOfTheSameKidIsRejected() throws Exception {
        HttpResponse<String> response = new Http().get(serviceUrl() + "/api/v1/me", Http.bearer(sign(strangerKey)));
        assertEquals(401, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
    }

    private static String sign(RSAKey key) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer("platform").audience("sentry-connect").subject("u-jwks")
                        .claim("tenant", "t-jwks").expirationTime(Date.from(Instant.now().plusSeconds(300))).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static RSAKey generate(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpServer serve(String body) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/.well-known/jwks.json", exchange -> {
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
