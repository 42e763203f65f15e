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
    void aBase64SecretCountsItsDecodedBytesAgainstItsAlgorithm() {
        String prefix = "micronaut.security.token.jwt.signatures.secret.platform.";
        Map<String, Object> hs512 = PluginProperties.complete(2);
        hs512.put("sentry-connect.standalone", true);
        hs512.put(prefix + "secret", java.util.Base64.getEncoder().encodeToString(new byte[48]));
        hs512.put(prefix + "base64", true);
        hs512.put(prefix + "jws-algorithm", "HS512");
        String tooShort = String.valueOf(assertThrows(RuntimeException.class, () -> start(hs512)).getMessage());
        assertTrue(tooShort.contains(SECRET + " is 48 bytes long: HS512 needs at least 64"), tooShort);

        Map<String, Object> notBase64 = PluginProperties.complete(2);
        notBase64.put("sentry-connect.standalone", true);
        notBase64.put(prefix + "secret", "not base64 at all, though long enough to pass by length!");
        notBase64.put(prefix + "base64", true);
        // micronaut-security-jwt decodes it first and stops the start itself, without the secret in its message.
        String refused = String.valueOf(assertThrows(RuntimeException.class, () -> start(notBase64)).getMessage());
        assertFalse(refused.contains("long enough"), refused);
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
