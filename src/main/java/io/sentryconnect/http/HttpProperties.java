package io.sentryconnect.http;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import io.micronaut.core.convert.format.ReadableBytes;
import io.sentryconnect.token.Secret;

import java.net.Proxy;
import java.time.Duration;

/**
 * {@code sentry-connect.http.*}: timeouts, pool sizes and the way out of the plugin's own HTTP clients. They take
 * nothing from {@code micronaut.http.client.*} or {@code micronaut.http.services.*}, which are the host's. They trust
 * the JVM's trust store ({@code -Djavax.net.ssl.trustStore} for a self-hosted Sentry signed by an internal CA).
 *
 * @param connectTimeout       every client's connect timeout
 * @param tokenReadTimeout     Sentry's {@code /oauth/token/} (code exchange and refresh)
 * @param apiReadTimeout       calls on a grant's behalf (the proxy, {@code SentryApi}) and provisioning
 * @param discoveryReadTimeout organization discovery right after a code exchange
 * @param webhookReadTimeout   webhook deliveries to the host platform
 * @param apiMaxConnections    pooled keep-alive connections to Sentry's API
 * @param apiMaxContentLength  the largest answer of Sentry's API taken (the proxy and {@code SentryApi} hold an answer
 *                             whole before passing it on), e.g. {@code 10MB}; a larger one is refused, not retried
 * @param proxyAddress         {@code host:port} of the egress proxy every call to Sentry goes through (token
 *                             endpoint, API, discovery, provisioning); unset: straight to Sentry. Webhook deliveries,
 *                             which go to the platform itself, never use it
 * @param proxyType            {@code HTTP} (the default) or {@code SOCKS}
 * @param proxyUsername        the proxy's user, when it asks for one
 * @param proxyPassword        and its password
 */
@ConfigurationProperties("sentry-connect.http")
public record HttpProperties(
        @Bindable(defaultValue = "5s") Duration connectTimeout,
        @Bindable(defaultValue = "10s") Duration tokenReadTimeout,
        @Bindable(defaultValue = "30s") Duration apiReadTimeout,
        @Bindable(defaultValue = "10s") Duration discoveryReadTimeout,
        @Bindable(defaultValue = "10s") Duration webhookReadTimeout,
        @Bindable(defaultValue = "200") int apiMaxConnections,
        @Bindable(defaultValue = "10MB") @ReadableBytes int apiMaxContentLength,
        @Nullable String proxyAddress,
        @Bindable(defaultValue = "HTTP") Proxy.Type proxyType,
        @Nullable String proxyUsername,
        @Nullable Secret proxyPassword) {
}
