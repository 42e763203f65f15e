package io.sentryconnect.events;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

@Tag("unit")
class WebhookSignatureTest {
    private static final byte[] BODY = "{\"type\":\"grant.connected\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void theSignatureIsV1HexHmacOfTimestampDotBody() {
        // printf '1700000000.{"type":"grant.connected"}' | openssl dgst -sha256 -hmac test-webhook-secret
        assertEquals("v1=ed3f5c9507e20499909a03d4c7c47fdf33db608175f02f418f3be821585d3506",
                WebhookSignature.sign("test-webhook-secret", 1700000000L, BODY));
    }

    @Test
    void anotherTimestampOrSecretGivesAnotherSignature() {
        String signature = WebhookSignature.sign("test-webhook-secret", 1700000000L, BODY);
        assertNotEquals(signature, WebhookSignature.sign("test-webhook-secret", 1700000001L, BODY));
        assertNotEquals(signature, WebhookSignature.sign("other-secret", 1700000000L, BODY));
    }
}
