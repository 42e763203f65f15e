package io.sentryconnect.events;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import io.sentryconnect.token.Secret;

import java.net.URI;
import java.time.Duration;

/**
 * {@code sentry-connect.webhook.*}: where grant events are POSTed and how they are signed and retried.
 *
 * @param url            the host platform's receiver; no URL, no delivery (events can still be polled)
 * @param secret         the Standard Webhooks secret ({@code whsec_…}) deliveries are signed with
 * @param previousSecret during a rotation, the secret being retired: deliveries carry a signature under each
 * @param legacyHeaders  also send the earlier release's {@code Sentry-Connect-*} headers (deprecated, removed in the
 *                       next release)
 * @param maxAttempts    attempts before an event is given up (recorded as failed)
 * @param initialDelay   the first retry's backoff; it doubles with each attempt, with up to 25% jitter
 * @param maxDelay       the largest backoff
 * @param batchSize      events claimed per poll
 * @param lease          how long a claimed event is kept from other instances while it is being delivered
 * @param retention      how long a delivered or given-up event is kept (for {@code GET /api/v1/events}) before it is deleted
 */
@ConfigurationProperties("sentry-connect.webhook")
public record WebhookProperties(@Nullable URI url, @Nullable Secret secret, @Nullable Secret previousSecret,
                                @Bindable(defaultValue = "true") boolean legacyHeaders,
                                @Bindable(defaultValue = "8") int maxAttempts,
                                @Bindable(defaultValue = "5s") Duration initialDelay,
                                @Bindable(defaultValue = "1h") Duration maxDelay,
                                @Bindable(defaultValue = "50") int batchSize,
                                @Bindable(defaultValue = "2m") Duration lease,
                                @Bindable(defaultValue = "7d") Duration retention) {
}
