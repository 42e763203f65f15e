package io.sentryconnect.standin;

import io.sentryconnect.ClockFactory;
import jakarta.inject.Named;
import com.sun.net.httpserver.HttpServer;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for Sentry (sentry.io) for development and tests: OAuth authorize and token endpoints, the API the
 * service uses, two data regions, and {@code /_standin/} controls to script consent, revocation, expiry, faults
 * and settings. Enabled only by {@code standin.enabled=true}; also usable without Micronaut:
 * {@code new SentryStandIn(config, clock)}, {@link #start()}, {@link #close()}.
 *
 * <p>It runs on the JDK's own {@link HttpServer} rather than a second Micronaut Netty listener, because a second
 * listener would serve the service's routes too, while the stand-in needs origins of its own, like real Sentry.
 */
@Context
@Requires(property = "sentry-connect.standin.enabled", value = "true")
public final class SentryStandIn implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SentryStandIn.class);
    /** Enough workers for hundreds of concurrent test calls queued on them, and a few slow faults at once. */
    private static final int THREADS = 32;
    /** Pending connections the kernel keeps while all workers are busy: bursts in tests must not be refused. */
    private static final int BACKLOG = 512;

    static {
        // The JDK server writes headers and body separately; with Nagle's algorithm on, every response then waits
        // for the client's delayed ACK (~40 ms). The server reads this switch once, when it is first used.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final StandInConfiguration configuration;
    private final Json json;
    private final Fixtures fixtures;
    private final Directory directory;
    private final StandInState state;
    private final Faults faults = new Faults();
    private final RequestLog requestLog = new RequestLog();
    private final RateLimiter rateLimiter = new RateLimiter();

    private final List<HttpServer> servers = new ArrayList<>();
    private ExecutorService executor;
    private Urls urls;
    private Controls controls;

    @Inject
    /**
     * The constructor of earlier releases, for host tests written against it: the mapper is not used (the stand-in
     * writes its JSON with {@link io.sentryconnect.PlainJson}, whatever mapper the host has).
     *
     * @deprecated use {@link #SentryStandIn(StandInConfiguration, Clock)}
     */
    @Deprecated(forRemoval = true)
    public SentryStandIn(StandInConfiguration configuration, Clock clock, JsonMapper ignored) {
        this(configuration, clock);
    }

    @Inject
    public SentryStandIn(StandInConfiguration configuration, @Named(ClockFactory.NAME) Clock clock) {
        this.configuration = configuration;
        this.json = new Json();
        this.fixtures = Fixtures.load(configuration.fixtures()).withRedirectUris(configuration.redirectUris());
        this.directory = new Directory(fixtures);
        this.state = new StandInState(fixtures, clock);
    }

    /** Binds the main and region origins and starts serving. Idempotent. */
    @PostConstruct
    public synchronized void start() {
        if (!servers.isEmpty()) {
            return;
        }
        try {
            HttpServer main = bind(configuration.port());
            Map<String, HttpServer> regionServers = new LinkedHashMap<>();
            regionServers.put("us", bind(configuration.usPort()));
            regionServers.put("de", bind(configuration.dePort()));
            Map<String, URI> regionUrls = new LinkedHashMap<>();
            regionServers.forEach((region, server) -> regionUrls.put(region, urlOf(server)));
            urls = new Urls(urlOf(main), Map.copyOf(regionUrls));

            controls = new Controls(fixtures, directory, state, faults, requestLog, rateLimiter, json, urls);
            AuthorizeEndpoint authorize = new AuthorizeEndpoint(directory, state);
            TokenEndpoint token = new TokenEndpoint(directory, state, json);
            ApiEndpoints api = new ApiEndpoints(directory, state, rateLimiter, json, urls);
            ChannelProvisioning provisioning = new ChannelProvisioning(fixtures, directory, state, json, urls);
            executor = Executors.newFixedThreadPool(THREADS, daemonThreads());
            main.createContext("/", new OriginHandler(Origin.MAIN, authorize, token, api, provisioning, controls, faults,
                    requestLog, state, json));
            regionServers.forEach((region, server) -> server.createContext("/", new OriginHandler(Origin.region(region),
                    authorize, token, api, provisioning, controls, faults, requestLog, state, json)));
            for (HttpServer server : servers) {
                server.setExecutor(executor);
                server.start();
            }
            LOG.info("Sentry stand-in (dev/test only) on {} with regions {}", urls.base(), urls.regions());
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("Sentry stand-in cannot bind its ports on " + configuration.host(), e);
        }
    }

    /** Stops all origins at once; in-flight requests are cut off. */
    @PreDestroy
    @Override
    public synchronized void close() {
        servers.forEach(server -> server.stop(0));
        servers.clear();
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            executor = null;
        }
    }

    // --- where it is ---------------------------------------------------------------------------------------------

    /** The main origin, like {@code https://sentry.io}: OAuth, control-silo API and controls. */
    public URI baseUrl() {
        return started().base();
    }

    /** A data region's origin ({@code us} or {@code de}), like {@code https://us.sentry.io}. */
    public URI regionUrl(String region) {
        return started().region(region);
    }

    /**
     * The settings that point the plugin at this stand-in as at sentry.io: its main origin as the base URL, its
     * region origins as Sentry's data regions (where organization discovery looks, {@code us} first as on sentry.io).
     */
    public Map<String, String> pluginProperties() {
        return Map.of("sentry-connect.sentry.base-url", baseUrl().toString(),
                "sentry-connect.sentry.region-urls", regionUrl("us") + "," + regionUrl("de"));
    }

    public Fixtures fixtures() {
        return fixtures;
    }

    // --- the controls, for Java tests (the HTTP controls under /_standin/ are the contract) ---------------------

    /** The next authorize request approves at once, as this user for this organization, granting what it asks. */
    public void approveNext(String userId, String orgSlug) {
        approveNext(userId, orgSlug, null);
    }

    /** As {@link #approveNext(String, String)}, granting only the requested scopes that are in {@code grantedScopes}. */
    public void approveNext(String userId, String orgSlug, @Nullable List<String> grantedScopes) {
        startedControls().queue(new Consents.QueuedDecision(true, userId, orgSlug,
                grantedScopes == null ? null : List.copyOf(grantedScopes)));
    }

    /** The next authorize request is denied at once ({@code error=access_denied}). */
    public void denyNext() {
        startedControls().queue(new Consents.QueuedDecision(false, null, null, null));
    }

    /** Revokes the user's authorization for the organization; returns how many tokens were deleted. */
    public int revoke(String userId, String orgSlug) {
        return startedControls().revoke(userId, orgSlug);
    }

    /**
     * Revokes the integration token of an organization created through the Account Provisioning API (as
     * uninstalling the integration does); returns how many tokens were deleted.
     */
    public int revokeIntegration(String orgSlug) {
        return startedControls().revokeIntegration(orgSlug);
    }

    /** The organizations provisioned so far, as {@code GET /_standin/provisioned} shows them (no tokens). */
    public List<Map<String, Object>> provisioned() {
        return startedControls().provisionedView();
    }

    /** Makes the organization's current access tokens (all, if {@code orgSlug} is null) expired now. */
    public int expire(@Nullable String orgSlug) {
        return startedControls().expire(orgSlug);
    }

    public void addFault(Fault fault) {
        faults.add(fault);
    }

    public void clearFaults() {
        faults.clear();
    }

    /** The requests received whose path starts with {@code pathPrefix} (all if null), oldest first. */
    public List<RequestLogEntry> requests(@Nullable String pathPrefix) {
        return requestLog.find(pathPrefix);
    }

    public void clearRequests() {
        requestLog.clear();
    }

    public Settings settings() {
        return state.settings();
    }

    public void updateSettings(Settings settings) {
        state.settings(settings);
    }

    /**
     * Back to the initial state: no codes or tokens, seeded issues, no provisioned organizations, default settings,
     * no faults, empty log.
     */
    public void reset() {
        startedControls().reset();
    }

    // --- plumbing ------------------------------------------------------------------------------------------------

    private HttpServer bind(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(configuration.host(), port), BACKLOG);
        servers.add(server);
        return server;
    }

    private URI urlOf(HttpServer server) {
        return URI.create("http://" + configuration.host() + ":" + server.getAddress().getPort());
    }

    private synchronized Urls started() {
        if (urls == null) {
            throw new IllegalStateException("the Sentry stand-in is not started");
        }
        return urls;
    }

    private synchronized Controls startedControls() {
        started();
        return controls;
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "sentry-standin-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
