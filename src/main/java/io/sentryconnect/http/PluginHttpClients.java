package io.sentryconnect.http;

import io.micronaut.context.BeanContext;
import io.micronaut.http.client.DefaultHttpClientConfiguration;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.LoadBalancer;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.time.Duration;

/**
 * The plugin's HTTP clients, created from {@link HttpProperties} rather than looked up by service id: a service id
 * ({@code micronaut.http.services.sentry}) would make the plugin depend on keys in the host's configuration, and an
 * {@code HttpClient} bean could clash with the host's own injection points. They are ours, so we close them.
 */
@Singleton
public final class PluginHttpClients {
    private final HttpClient token;
    private final HttpClient api;
    private final HttpClient discovery;
    private final HttpClient webhook;

    PluginHttpClients(BeanContext context, HttpProperties properties) {
        this.token = create(context, properties, properties.tokenReadTimeout(), 0);
        this.api = create(context, properties, properties.apiReadTimeout(), properties.apiMaxConnections());
        this.discovery = create(context, properties, properties.discoveryReadTimeout(), 0);
        this.webhook = create(context, properties, properties.webhookReadTimeout(), 0);
    }

    private static HttpClient create(BeanContext context, HttpProperties properties, Duration readTimeout, int pooled) {
        DefaultHttpClientConfiguration configuration = new DefaultHttpClientConfiguration();
        configuration.setConnectTimeout(properties.connectTimeout());
        configuration.setReadTimeout(readTimeout);
        // Redirects are answers to pass back, never to follow with a grant's token.
        configuration.setFollowRedirects(false);
        if (pooled > 0) {
            configuration.getConnectionPoolConfiguration().setEnabled(true);
            configuration.getConnectionPoolConfiguration().setMaxConcurrentHttp1Connections(pooled);
        }
        return context.createBean(HttpClient.class, LoadBalancer.empty(), configuration);
    }

    /** Sentry's {@code /oauth/token/}. */
    public HttpClient token() {
        return token;
    }

    /** Sentry's API on a grant's behalf, and the Account Provisioning API. */
    public HttpClient api() {
        return api;
    }

    /** Organization discovery after a code exchange. */
    public HttpClient discovery() {
        return discovery;
    }

    /** Webhook deliveries to the host platform. */
    public HttpClient webhook() {
        return webhook;
    }

    @PreDestroy
    void close() {
        for (HttpClient client : new HttpClient[]{token, api, discovery, webhook}) {
            client.close();
        }
    }
}
