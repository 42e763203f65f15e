package io.sentryconnect.link;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * {@code sentry-connect.link.rate-limit.*}: link creation ({@code POST /api/v1/links} and reconnect) per platform user
 * and per tenant in fixed windows, counted in PostgreSQL so that every instance sees the same counts.
 *
 * @param enabled   false: no limit
 * @param perUser   links one platform user (the one asking) may create in one window
 * @param perTenant links all users of a tenant together may create in one window
 * @param window    the fixed window's length (whole seconds)
 */
@ConfigurationProperties("sentry-connect.link.rate-limit")
public record LinkRateLimitProperties(@Bindable(defaultValue = "true") boolean enabled,
                                      @Bindable(defaultValue = "20") int perUser,
                                      @Bindable(defaultValue = "300") int perTenant,
                                      @Bindable(defaultValue = "1m") Duration window) {
}
