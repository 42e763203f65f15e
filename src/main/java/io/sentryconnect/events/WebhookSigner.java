package io.sentryconnect.events;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookSigningException;
import io.micronaut.context.exceptions.ConfigurationException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The headers that sign one delivery, per the Standard Webhooks specification: {@code webhook-id} (the event's id, the
 * same on every attempt, for the receiver's deduplication), {@code webhook-timestamp} (Unix seconds of this attempt)
 * and {@code webhook-signature}, {@code v1,<base64 HMAC-SHA256 of "id.timestamp.body">} under the current secret and,
 * while a rotation is under way, a second one under the previous secret, space-separated, so that a receiver holding
 * either secret verifies. With {@code legacy-headers} on (deprecated) the earlier release's three headers follow,
 * signed with the current secret only. The signature itself is the Standard Webhooks project's own Java library.
 */
final class WebhookSigner {
    static final String ID_HEADER = "webhook-id";
    static final String TIMESTAMP_HEADER = "webhook-timestamp";
    static final String SIGNATURE_HEADER = "webhook-signature";

    private final WebhookKey current;
    private final List<Webhook> signers = new ArrayList<>();
    private final boolean legacyHeaders;

    WebhookSigner(WebhookKey current, WebhookKey previous, boolean legacyHeaders) {
        this.current = current;
        this.legacyHeaders = legacyHeaders;
        signers.add(new Webhook(current.bytes()));
        if (previous != null) {
            signers.add(new Webhook(previous.bytes()));
        }
    }

    static WebhookSigner of(WebhookProperties properties) {
        if (properties.secret() == null) {
            throw new ConfigurationException("sentry-connect.webhook.secret is required with a "
                    + "webhook URL: set it to whsec_ followed by the base64 of 32 random bytes.");
        }
        WebhookKey current = WebhookKey.parse("sentry-connect.webhook.secret", properties.secret());
        WebhookKey previous = properties.previousSecret() == null || properties.previousSecret().reveal().isBlank() ? null
                : WebhookKey.parse("sentry-connect.webhook.previous-secret", properties.previousSecret());
        return new WebhookSigner(current, previous, properties.legacyHeaders());
    }

    /** Whether a setting still holds an earlier release's plain secret (deprecated). */
    boolean usesPlainSecret() {
        return current.plain();
    }

    Map<String, String> headers(String eventId, long timestamp, String body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(ID_HEADER, eventId);
        headers.put(TIMESTAMP_HEADER, String.valueOf(timestamp));
        List<String> signatures = new ArrayList<>();
        for (Webhook signer : signers) {
            try {
                signatures.add(signer.sign(eventId, timestamp, body));
            } catch (WebhookSigningException e) {
                throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
            }
        }
        headers.put(SIGNATURE_HEADER, String.join(" ", signatures));
        if (legacyHeaders) {
            headers.put(WebhookSignature.EVENT_ID_HEADER, eventId);
            headers.put(WebhookSignature.TIMESTAMP_HEADER, String.valueOf(timestamp));
            headers.put(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(current.bytes(), timestamp,
                    body.getBytes(StandardCharsets.UTF_8)));
        }
        return headers;
    }
}
