package io.sentryconnect.http;

import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.convert.ConversionService;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.bind.DefaultRequestBinderRegistry;
import io.micronaut.http.bind.RequestBinderRegistry;
import io.micronaut.http.body.MessageBodyHandlerRegistry;
import io.micronaut.http.client.DefaultHttpClientConfiguration;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.LoadBalancer;
import io.micronaut.http.client.filter.ClientFilterResolutionContext;
import io.micronaut.http.client.netty.DefaultHttpClient;
import io.micronaut.http.client.netty.NettyClientCustomizer;
import io.micronaut.http.client.netty.ssl.ClientSslBuilder;
import io.micronaut.http.codec.MediaTypeCodecRegistry;
import io.micronaut.http.filter.GenericHttpFilter;
import io.micronaut.http.filter.HttpClientFilterResolver;
import io.micronaut.http.filter.HttpFilterResolver;
import io.micronaut.http.netty.channel.DefaultEventLoopGroupConfiguration;
import io.micronaut.http.netty.channel.EventLoopGroupConfiguration;
import io.micronaut.http.netty.channel.EventLoopGroupFactory;
import io.micronaut.http.netty.channel.EventLoopGroupRegistry;
import io.micronaut.http.netty.channel.NettyChannelType;
import io.micronaut.websocket.context.WebSocketBeanRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The plugin's HTTP clients, created from {@link HttpProperties} rather than looked up by service id: a service id
 * ({@code micronaut.http.services.sentry}) would make the plugin depend on keys in the host's configuration, and an
 * {@code HttpClient} bean could clash with the host's own injection points. They are ours, so we close them.
 * <p>
 * They run none of the host's client filters. A client made by the context ({@code createBean(HttpClient.class, …)},
 * {@code @Client}) gets every {@code @ClientFilter} bean whose pattern matches the request, and a host's filter for
 * {@code /**} or {@code /api/**} (an API key, its own bearer token, Micronaut's {@code http.client.requests} timer)
 * would send the host's secrets to Sentry, or a second {@code Authorization} header. Micronaut 4.10 offers no way to
 * leave a context's client without them ({@code ClientFilterResolutionContext} only narrows filters that name a
 * service id or an annotation), so the clients are built here with a resolver that has no filters and from the same
 * pieces the context's registry uses: its shared event loop group and channel type, TLS builder, codecs, body
 * handlers and conversion service. The plugin times its own calls ({@code sentry_connect.proxy.calls}).
 */
@Singleton
public final class PluginHttpClients {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PluginHttpClients.class);
    private final HttpClient token;
    private final HttpClient api;
    private final HttpClient discovery;
    private final HttpClient webhook;

    PluginHttpClients(HttpProperties properties, Parts parts) {
        InetSocketAddress proxy = proxyAddress(properties);
        this.token = parts.client(configuration(properties, properties.tokenReadTimeout(), 0, proxy));
        DefaultHttpClientConfiguration api = configuration(properties, properties.apiReadTimeout(), properties.apiMaxConnections(), proxy);
        api.setMaxContentLength(properties.apiMaxContentLength());
        this.api = parts.client(api);
        this.discovery = parts.client(configuration(properties, properties.discoveryReadTimeout(), 0, proxy));
        this.webhook = parts.client(configuration(properties, properties.webhookReadTimeout(), 0, null));
    }

    private static DefaultHttpClientConfiguration configuration(HttpProperties properties, Duration readTimeout, int pooled,
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
        return configuration;
    }

    /**
     * What the context's client registry ({@code DefaultNettyHttpClientRegistry}) builds its clients from, less the
     * host's filters and pipeline customizers. Its WebSocket beans are left out too: the plugin opens none.
     */
    @Singleton
    record Parts(EventLoopGroupRegistry eventLoops, EventLoopGroupFactory channels, ClientSslBuilder tls,
                 MediaTypeCodecRegistry codecs, MessageBodyHandlerRegistry bodies, ConversionService conversion,
                 Optional<RequestBinderRegistry> binders) {

        /** Resolves no filter, for any request: the host's {@code @ClientFilter} beans never see the plugin's calls. */
        private static final HttpClientFilterResolver<ClientFilterResolutionContext> NO_FILTERS = new HttpClientFilterResolver<>() {
            @Override
            public List<HttpFilterResolver.FilterEntry> resolveFilterEntries(ClientFilterResolutionContext context) {
                return List.of();
            }

            @Override
            public List<GenericHttpFilter> resolveFilters(HttpRequest<?> request, List<HttpFilterResolver.FilterEntry> entries) {
                return List.of();
            }
        };

        // The one constructor that takes a filter resolver and the context's event loop group: deprecated in favour
        // of DefaultHttpClient.builder(), whose setters for both are not public in 4.10 (nor in 5.0).
        @SuppressWarnings("deprecation")
        HttpClient client(DefaultHttpClientConfiguration configuration) {
            // The group the registry gives a configuration naming "default", with its channel classes (NIO, epoll…).
            EventLoopGroup group = eventLoops.getDefaultEventLoopGroup();
            EventLoopGroupConfiguration groupConfiguration = eventLoops
                    .getEventLoopGroupConfiguration(EventLoopGroupConfiguration.DEFAULT)
                    .orElseGet(DefaultEventLoopGroupConfiguration::new);
            return new DefaultHttpClient(LoadBalancer.empty(), null, configuration, null, NO_FILTERS, List.of(),
                    null, // a thread factory is only for a client with an event loop group of its own
                    tls, codecs, bodies, WebSocketBeanRegistry.EMPTY,
                    binders.orElseGet(() -> new DefaultRequestBinderRegistry(conversion)), group,
                    () -> channels.clientSocketChannelInstance(groupConfiguration),
                    () -> (DatagramChannel) channels.channelInstance(NettyChannelType.DATAGRAM_SOCKET, groupConfiguration),
                    new NettyClientCustomizer() { }, null, conversion, null);
        }
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
