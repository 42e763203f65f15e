package io.sentryconnect.platform;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.sentryconnect.support.Http;
import io.sentryconnect.support.IntegrationTest;
import io.sentryconnect.support.TestDatabase;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The service as production configures it: application.yml only (no dev or test environment), with just a database
 * and an encryption key. Nothing dev-only may exist, and a platform that forgot to configure its JWT signature
 * must not end up accepting unsigned tokens.
 */
class ProductionConfigurationTest {
    @Test
    void withoutAnyJwtSignatureConfiguredTheServiceRefusesToStart() {
        Map<String, Object> properties = productionProperties();
        Exception failure = assertThrows(Exception.class, () -> {
            try (EmbeddedServer ignored = ApplicationContext.builder().deduceEnvironment(false).properties(properties)
                    .run(EmbeddedServer.class)) {
                throw new AssertionError("started without a way to verify platform JWTs");
            }
        });
        Throwable root = failure;
        while (root.getCause() != null && !(root instanceof io.micronaut.context.exceptions.ConfigurationException)) {
            root = root.getCause();
        }
        assertTrue(String.valueOf(root.getMessage()).contains("micronaut.security.token.jwt.signatures"), String.valueOf(root.getMessage()));
    }

    @Test
    void withOnlyProductionConfigurationNoDevEndpointExistsAndUnsignedTokensAreRefused() throws Exception {
        Map<String, Object> properties = productionProperties();
        properties.put("micronaut.security.token.jwt.signatures.secret.platform.secret", "production-like-secret-0123456789abcdef-0123");
        int port = (Integer) properties.get("micronaut.server.port");
        // deduceEnvironment(false): Micronaut would otherwise add the "test" environment because JUnit is on the classpath.
        try (EmbeddedServer server = ApplicationContext.builder().deduceEnvironment(false).properties(properties)
                .run(EmbeddedServer.class)) {
            String base = "http://localhost:" + port;
            Http http = new Http();
            assertEquals(404, http.postJson(base + "/dev/token", "{\"tenant\":\"t\",\"user\":\"u\"}").statusCode(), "no dev token endpoint");
            assertEquals(404, http.get(base + "/demo").statusCode(), "no demo page");
            HttpResponse<String> health = http.get(base + "/health");
            assertEquals(200, health.statusCode());
            assertTrue(health.body().contains("\"status\":\"UP\""), health.body());
            assertFalse(health.body().contains("jdbc:"), "anonymous callers see no connection details: " + health.body());
            String unsigned = new PlainJWT(new JWTClaimsSet.Builder().issuer("platform").audience("sentry-connect")
                    .subject("u1").claim("tenant", "t1").expirationTime(Date.from(Instant.now().plusSeconds(300))).build()).serialize();
            HttpResponse<String> me = http.get(base + "/api/v1/me", Http.bearer(unsigned));
            assertEquals(401, me.statusCode(), me.body());
            assertTrue(me.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        }
    }

    @Test
    void aJwksUrlAloneIsEnoughToStartAndVerify() throws Exception {
        com.nimbusds.jose.jwk.RSAKey key = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID("k1").generate();
        com.sun.net.httpserver.HttpServer jwks = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        byte[] body = new com.nimbusds.jose.jwk.JWKSet(key.toPublicJWK()).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        jwks.createContext("/jwks", exchange -> {
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        jwks.start();
        Map<String, Object> properties = productionProperties();
        properties.put("micronaut.security.token.jwt.signatures.jwks.platform.url", "http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks");
        try (EmbeddedServer server = ApplicationContext.builder().deduceEnvironment(false).properties(properties)
                .run(EmbeddedServer.class)) {
            com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(
                    new com.nimbusds.jose.JWSHeader.Builder(com.nimbusds.jose.JWSAlgorithm.RS256).keyID("k1").build(),
                    new JWTClaimsSet.Builder().issuer("platform").audience("sentry-connect").subject("u1").claim("tenant", "t1")
                            .expirationTime(Date.from(Instant.now().plusSeconds(300))).build());
            jwt.sign(new com.nimbusds.jose.crypto.RSASSASigner(key));
            HttpResponse<String> me = new Http().get("http://localhost:" + server.getPort() + "/api/v1/me", Http.bearer(jwt.serialize()));
            assertEquals(200, me.statusCode(), me.body());
        } finally {
            jwks.stop(0);
        }
    }

    private static Map<String, Object> productionProperties() {
        Map<String, Object> properties = new HashMap<>(TestDatabase.properties());
        properties.put("micronaut.server.port", IntegrationTest.freePort());
        properties.put("sentry-connect.sentry.client-id", "production-client");
        properties.put("sentry-connect.sentry.client-secret", "production-client-secret");
        properties.put("sentry-connect.encryption.primary-key-id", 1);
        properties.put("sentry-connect.encryption.keys.1", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
        properties.put("sentry-connect.refresh.background.enabled", false);
        properties.put("datasources.default.maximum-pool-size", 2);
        properties.put("datasources.default.minimum-idle", 1);
        return properties;
    }
}
