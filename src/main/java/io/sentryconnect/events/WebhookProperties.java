package io.sentryconnect.events;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

import java.net.URI;
import java.time.Duration;

/**
 * {@code sentry-connect.webhook.*}: where grant events are POSTed and how they are signed and retried.
 *
 * @param url          the host platform's receiver; no URL, no delivery (events can still be polled)
 * @param secret       the HMAC-SHA256 key the receiver verifies signatures with
 * @param maxAttempts  attempts before an event is given up (recorded as failed)
 * @param initialDelay the first retry's backoff; it doubles with each attempt, with up to 25% jitter
 * @param maxDelay     the largest backoff
 * @param batchSize    events claimed per poll
 * @param lease        how long a claimed event is kept from other instances while it is being delivered
 * @param retention    how long a delivered or given-up event is kept (for {@code GET /api/v1/events}) before it is deleted
 */
@ConfigurationProperties("sentry-connect.webhook")
public record WebhookProperties(@Nullable URI url, @Nullable String secret,
                                @Bindable(defaultValue = "8") int maxAttempts,
                                @Bindable(defaultValue = "5s") Duration initialDelay,
                                @Bindable(defaultValue = "1h") Duration maxDelay,
                                @Bindable(defaultValue = "50") int batchSize,
                                @Bindable(defaultValue = "2m") Duration lease,
                                @Bindable(defaultValue = "7d") Duration retention) {
    /** Everything but the secret. */
    @Override
    public String toString() {
        return "WebhookProperties[url=" + url + ", secret=[redacted], maxAttempts=" + maxAttempts + ", initialDelay="
                + initialDelay + ", maxDelay=" + maxDelay + ", batchSize=" + batchSize + ", lease=" + lease + ", retention=" + retention + "]";
    }
}
