package io.sentryconnect.events;

import io.sentryconnect.http.Hmac;

import java.nio.charset.StandardCharsets;

/**
 * The signature a webhook receiver checks: hex HMAC-SHA256 over {@code "<timestamp>.<body>"} (the timestamp binds
 * the signature to its delivery time, so a receiver can refuse replays of old deliveries). Sent as
 * {@code Sentry-Connect-Signature: v1=<hex>}, with {@code Sentry-Connect-Timestamp} and {@code Sentry-Connect-Event-Id}.
 */
public final class WebhookSignature {
    public static final String EVENT_ID_HEADER = "Sentry-Connect-Event-Id";
    public static final String TIMESTAMP_HEADER = "Sentry-Connect-Timestamp";
    public static final String SIGNATURE_HEADER = "Sentry-Connect-Signature";

    private WebhookSignature() {
    }

    public static String sign(String secret, long timestamp, byte[] body) {
        return "v1=" + Hmac.sha256Hex(secret.getBytes(StandardCharsets.UTF_8),
                (timestamp + ".").getBytes(StandardCharsets.UTF_8), body);
    }
}
