package io.sentryconnect.events;

import io.sentryconnect.http.Hmac;

import java.nio.charset.StandardCharsets;

/**
 * The earlier release's signature, still sent with {@code sentry-connect.webhook.legacy-headers} (deprecated; the
 * Standard Webhooks headers of {@link WebhookSigner} replace it): hex HMAC-SHA256 over {@code "<timestamp>.<body>"},
 * sent as {@code Sentry-Connect-Signature: v1=<hex>}, with {@code Sentry-Connect-Timestamp} and
 * {@code Sentry-Connect-Event-Id}. Hand-written because no library knows this format.
 */
public final class WebhookSignature {
    public static final String EVENT_ID_HEADER = "Sentry-Connect-Event-Id";
    public static final String TIMESTAMP_HEADER = "Sentry-Connect-Timestamp";
    public static final String SIGNATURE_HEADER = "Sentry-Connect-Signature";

    private WebhookSignature() {
    }

    /** @param secret an earlier release's plain secret, whose UTF-8 bytes are the key */
    public static String sign(String secret, long timestamp, byte[] body) {
        return sign(secret.getBytes(StandardCharsets.UTF_8), timestamp, body);
    }

    static String sign(byte[] key, long timestamp, byte[] body) {
        return "v1=" + Hmac.sha256Hex(key, (timestamp + ".").getBytes(StandardCharsets.UTF_8), body);
    }
}
