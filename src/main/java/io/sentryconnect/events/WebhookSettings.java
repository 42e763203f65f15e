package io.sentryconnect.events;

import io.sentryconnect.StartCheck;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

/**
 * With a webhook URL, the signing secrets are checked when the service starts: a missing or unusable secret stops
 * the start with the message that names the key. Without this, the delivery job (created by the scheduler after the
 * start) would fail on them once per poll while the service reported itself healthy.
 */
@Singleton
@Requires(property = "sentry-connect.enabled", notEquals = "false")
@Requires(property = "sentry-connect.webhook.url")
@Requires(property = "sentry-connect.webhook.delivery.enabled", notEquals = "false")
final class WebhookSettings implements StartCheck {
    private final WebhookProperties properties;

    WebhookSettings(WebhookProperties properties) {
        this.properties = properties;
    }

    @Override
    public void verify() {
        WebhookSigner.of(properties);
    }
}
