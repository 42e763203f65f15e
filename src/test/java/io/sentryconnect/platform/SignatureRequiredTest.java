package io.sentryconnect.platform;

import io.micronaut.context.ApplicationContext;
import io.sentryconnect.support.PluginProperties;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The standalone service refuses an HMAC platform secret shorter than its algorithm needs (it started healthy and
 * refused every token, silently); a host's short secret is the host's business and its start is left alone.
 */
class SignatureRequiredTest {
    private static final String SECRET = "micronaut.security.token.jwt.signatures.secret.platform.secret";

    @Test
    void theStandaloneServiceRefusesAShortOrEmptySecretWithoutEchoingIt() {
        for (String secret : new String[]{"short-secret", ""}) {
            Map<String, Object> properties = PluginProperties.complete(2);
            properties.put("sentry-connect.standalone", true);
            properties.put(SECRET, secret);
            RuntimeException stopped = assertThrows(RuntimeException.class, () -> start(properties));
            String message = String.valueOf(stopped.getMessage());
            assertTrue(message.contains(SECRET + " is " + secret.length() + " bytes long: HS256 needs at least 32"), message);
            if (!secret.isEmpty()) {
                assertFalse(message.contains(secret + " "), message);
            }
        }
    }

    @Test
    void aLongEnoughSecretStartsAndAHostsShortSecretIsTheHosts() {
        Map<String, Object> standalone = PluginProperties.complete(2);
        standalone.put("sentry-connect.standalone", true);
        standalone.put(SECRET, "x".repeat(32));
        start(standalone);

        Map<String, Object> host = PluginProperties.complete(2);
        host.put(SECRET, "short-secret");
        start(host);
    }

    private static void start(Map<String, Object> properties) {
        try (ApplicationContext ignored = ApplicationContext.builder().deduceEnvironment(false)
                .enableDefaultPropertySources(false).properties(properties).start()) {
            // started
        }
    }
}
