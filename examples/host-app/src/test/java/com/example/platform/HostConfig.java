package com.example.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a test sets on top of the platform's application.yml: the secrets its deployment would take from the
 * environment, a free port, and that port as the public URL (the OAuth callback comes back to it).
 */
final class HostConfig {
    static final String JWT_SECRET = "example-platform-test-jwt-secret-0123456789abcdef";
    /** Test-only AES-256 key (base64 of 32 bytes). */
    static final String ENCRYPTION_KEY = "k0GDsIM3XohIsqEETImWwxUE7MoMDK3OMwT1OQRt7No=";

    private HostConfig() {
    }

    static Map<String, Object> properties(TestSchema schema, int port) {
        Map<String, Object> properties = new HashMap<>(schema.datasource());
        properties.put("micronaut.server.port", port);
        properties.put("micronaut.security.token.jwt.signatures.secret.generator.secret", JWT_SECRET);
        properties.put("sentry-connect.public-url", "http://localhost:" + port);
        properties.put("sentry-connect.link.allowed-return-origins", List.of("http://localhost:" + port));
        properties.put("sentry-connect.link.cookie-secure", false);
        properties.put("sentry-connect.encryption.keys.1", ENCRYPTION_KEY);
        return properties;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
