package io.sentryconnect.support;

import java.util.HashMap;
import java.util.Map;

/**
 * A complete, production-like set of the plugin's settings on the test database, for tests that start a plain
 * {@code ApplicationContext} (no server, no stand-in) the way a host would: required settings, a key, a platform JWT
 * secret, no background refresher, a small pool.
 */
public final class PluginProperties {
    private PluginProperties() {
    }

    /** The settings with a pool of {@code poolSize} connections; a mutable map, to change or remove entries. */
    public static Map<String, Object> complete(int poolSize) {
        Map<String, Object> properties = new HashMap<>(TestDatabase.properties());
        properties.put("sentry-connect.public-url", "https://platform.example");
        properties.put("sentry-connect.sentry.client-id", "client");
        properties.put("sentry-connect.sentry.client-secret", "secret");
        properties.put("sentry-connect.encryption.primary-key-id", 1);
        properties.put("sentry-connect.encryption.keys.1", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
        properties.put("sentry-connect.refresh.background.enabled", false);
        properties.put("micronaut.security.token.jwt.signatures.secret.platform.secret", "production-like-secret-0123456789abcdef-0123");
        properties.put("datasources.default.maximum-pool-size", poolSize);
        properties.put("datasources.default.minimum-idle", 1);
        return properties;
    }
}
