package io.sentryconnect.http;

import io.micronaut.context.BeanContext;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.http.client.DefaultHttpClientConfiguration;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.LoadBalancer;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.time.Duration;

/**
 * The plugin's HTTP clients, created from {@link HttpProperties} rather than looked up by service id: a service id
 * ({@code micronaut.http.services.sentry}) would make the plugin depend on keys in the host's configuration, and an
 * {@code HttpClient} bean could clash with the host's own injection points. They are ours, so we close them.
 */
@Singleton
public final class PluginHttpClients {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PluginHttpClients.class);
    private final HttpClient token;
    private final HttpClient api;
    private final HttpClient discovery;
    private final HttpClient webhook;

    PluginHttpClients(BeanContext context, HttpProperties properties) {
        InetSocketAddress proxy = proxyAddress(properties);
        this.token = create(context, properties, properties.tokenReadTimeout(), 0, proxy);
        this.api = create(context, properties, properties.apiReadTimeout(), properties.apiMaxConnections(), proxy);
        this.discovery = create(context, properties, properties.discoveryReadTimeout(), 0, proxy);
        this.webhook = create(context, properties, properties.webhookReadTimeout(), 0, null);
    }

    private static HttpClient create(BeanContext context, HttpProperties properties, Duration readTimeout, int pooled,
                                     InetSocketAddress proxy) {
        DefaultHttpClientConfiguration configuration = new DefaultHttpClientConfiguration();
        configuration.setConnectTimeout(properties.connectTimeout());
        configuration.setReadTimeout(readTimeout);
        // Redirects are answers to pass back, never to follow with a grant's token.
        configuration.setFollowRedirects(false);
        if (pooled > 0) {
            configuration.getConnectionPoolConfiguration().setEnabled(true);
            configuration.getConnectionPoolConfiguration().setMaxConcurrentHttp1Connections(pooled);
        }
        if (proxy != null) {
            configuration.setProxyType(properties.proxyType());
            configuration.setProxyAddress(proxy);
            if (properties.proxyUsername() != null) {
                configuration.setProxyUsername(properties.proxyUsername());
                configuration.setProxyPassword(properties.proxyPassword() == null ? null : properties.proxyPassword().reveal());
            }
        }
        return context.createBean(HttpClient.class, LoadBalancer.empty(), configuration);
    }

    /**
     * {@code host:port}, resolved once, when the clients are made (Netty's proxy handler needs an address). Credentials
     * belong in {@code proxy-username} and {@code proxy-password}: an address with {@code @} is refused without being
     * repeated, so that a password written into it does not reach the log.
     */
    static InetSocketAddress proxyAddress(HttpProperties properties) {
        String address = properties.proxyAddress();
        if (address == null || address.isBlank() || properties.proxyType() == Proxy.Type.DIRECT) {
            return null;
        }
        String problem = "sentry-connect.http.proxy-address must be host:port (credentials go in proxy-username and "
                + "proxy-password)";
        if (address.contains("@") || address.contains("/") || address.strip().contains(" ")) {
            throw new ConfigurationException(problem);
        }
        int colon = address.lastIndexOf(':');
        try {
            int port = Integer.parseInt(address.substring(colon + 1).strip());
            if (colon <= 0 || port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            InetSocketAddress resolved = new InetSocketAddress(address.substring(0, colon).strip(), port);
            if (resolved.isUnresolved()) {
                LOG.warn("sentry-connect.http.proxy-address: {} does not resolve now; calls to Sentry fail until it does",
                        resolved.getHostString());
            }
            return resolved;
        } catch (NumberFormatException e) {
            throw new ConfigurationException(problem + ", not '" + address + "'");
        }
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
