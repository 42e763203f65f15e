package io.sentryconnect.http;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * {@code sentry-connect.http.*}: timeouts and pool sizes of the plugin's own HTTP clients.
 *
 * @param connectTimeout       every client's connect timeout
 * @param tokenReadTimeout     Sentry's {@code /oauth/token/} (code exchange and refresh)
 * @param apiReadTimeout       calls on a grant's behalf (the proxy, {@code SentryApi}) and provisioning
 * @param discoveryReadTimeout organization discovery right after a code exchange
 * @param webhookReadTimeout   webhook deliveries to the host platform
 * @param apiMaxConnections    pooled keep-alive connections to Sentry's API
 */
@ConfigurationProperties("sentry-connect.http")
public record HttpProperties(
        @Bindable(defaultValue = "5s") Duration connectTimeout,
        @Bindable(defaultValue = "10s") Duration tokenReadTimeout,
        @Bindable(defaultValue = "30s") Duration apiReadTimeout,
        @Bindable(defaultValue = "10s") Duration discoveryReadTimeout,
        @Bindable(defaultValue = "10s") Duration webhookReadTimeout,
        @Bindable(defaultValue = "200") int apiMaxConnections) {
}
