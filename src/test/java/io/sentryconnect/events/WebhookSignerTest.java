package io.sentryconnect.events;

import io.micronaut.context.exceptions.ConfigurationException;
import io.sentryconnect.token.Secret;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WebhookSignerTest {
    private static final String PLAIN = "an-earlier-release-plain-secret-0123";
    private static final String WHSEC = "whsec_" + Base64.getEncoder().encodeToString(PLAIN.getBytes(StandardCharsets.UTF_8));
    private static final String BODY = "{\"id\":\"e1\",\"type\":\"grant.connected\",\"note\":\"100% ünïcode\"}";

    @Test
    void theSignatureIsV1CommaBase64HmacOfIdDotTimestampDotBody() throws Exception {
        Map<String, String> headers = signer(WHSEC, null, false).headers("e1", 1_700_000_000L, BODY);
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(PLAIN.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = "v1," + Base64.getEncoder().encodeToString(mac.doFinal(("e1.1700000000." + BODY).getBytes(StandardCharsets.UTF_8)));
        assertEquals(Map.of("webhook-id", "e1", "webhook-timestamp", "1700000000", "webhook-signature", expected), headers);
    }

    @Test
    void anEarlierReleasesPlainSecretIsTheSameKeyAsItsWhsecForm() {
        WebhookSigner plain = signer(PLAIN, null, false);
        assertTrue(plain.usesPlainSecret());
        assertFalse(signer(WHSEC, null, false).usesPlainSecret());
        assertEquals(signer(WHSEC, null, false).headers("e1", 1L, BODY), plain.headers("e1", 1L, BODY));
    }

    @Test
    void duringARotationTheCurrentSignatureComesFirstThenThePreviousSpaceSeparated() {
        String previous = "whsec_" + Base64.getEncoder().encodeToString(new byte[32]);
        String both = signer(WHSEC, previous, false).headers("e1", 1L, BODY).get("webhook-signature");
        assertEquals(signer(WHSEC, null, false).headers("e1", 1L, BODY).get("webhook-signature") + " "
                + signer(previous, null, false).headers("e1", 1L, BODY).get("webhook-signature"), both);
    }

    @Test
    void legacyHeadersCarryTheEarlierReleasesSignatureUnderTheCurrentSecret() {
        Map<String, String> headers = signer(WHSEC, null, true).headers("e1", 42L, BODY);
        assertEquals("e1", headers.get(WebhookSignature.EVENT_ID_HEADER));
        assertEquals("42", headers.get(WebhookSignature.TIMESTAMP_HEADER));
        assertEquals(WebhookSignature.sign(PLAIN, 42L, BODY.getBytes(StandardCharsets.UTF_8)), headers.get(WebhookSignature.SIGNATURE_HEADER));
        assertFalse(signer(WHSEC, null, false).headers("e1", 42L, BODY).containsKey(WebhookSignature.SIGNATURE_HEADER));
    }

    @Test
    void unusableSecretsStopTheStartNamingTheKeyButNeverTheValue() {
        String notBase64 = "whsec_not*base64*at*all-0123456789";
        ConfigurationException bad = assertThrows(ConfigurationException.class, () -> signer(notBase64, null, false));
        assertEquals("sentry-connect.webhook.secret is not whsec_ followed by standard base64.", bad.getMessage());
        String shortKey = "whsec_" + Base64.getEncoder().encodeToString(new byte[16]);
        ConfigurationException tooShort = assertThrows(ConfigurationException.class, () -> signer(WHSEC, shortKey, false));
        assertTrue(tooShort.getMessage().startsWith("sentry-connect.webhook.previous-secret must encode 24 to 64 bytes (it encodes 16)"),
                tooShort.getMessage());
        assertFalse(tooShort.getMessage().contains(shortKey.substring(6)));
        ConfigurationException missing = assertThrows(ConfigurationException.class, () -> WebhookSigner.of(properties(null, null, false)));
        assertTrue(missing.getMessage().startsWith("sentry-connect.webhook.secret is required"), missing.getMessage());
    }

    private static WebhookSigner signer(String secret, String previous, boolean legacyHeaders) {
        return WebhookSigner.of(properties(secret, previous, legacyHeaders));
    }

    private static WebhookProperties properties(String secret, String previous, boolean legacyHeaders) {
        return new WebhookProperties(null, secret == null ? null : Secret.of(secret), previous == null ? null : Secret.of(previous),
                legacyHeaders, 8, java.time.Duration.ofSeconds(5), java.time.Duration.ofHours(1), 50,
                java.time.Duration.ofMinutes(2), java.time.Duration.ofDays(7));
    }
}
