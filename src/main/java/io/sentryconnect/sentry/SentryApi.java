package io.sentryconnect.sentry;

import io.sentryconnect.PluginMetrics;
import io.sentryconnect.ClockFactory;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.sentryconnect.grant.Grant;
import io.sentryconnect.grant.GrantTokenCache;
import io.sentryconnect.SentryConnectException;
import io.sentryconnect.grant.GrantDisconnected;
import io.sentryconnect.grant.GrantKind;
import io.sentryconnect.grant.GrantNotFound;
import io.sentryconnect.grant.GrantRevoked;
import io.sentryconnect.grant.GrantWithTokens;
import io.sentryconnect.platform.PlatformCaller;
import io.sentryconnect.sentry.profile.SentryProfile;
import io.sentryconnect.token.GrantRejectedException;
import io.sentryconnect.token.GrantStatus;
import io.sentryconnect.token.TokenRequestFailed;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Named;
import io.micronaut.core.propagation.PropagatedContext;
import io.micronaut.scheduling.TaskExecutors;
import io.netty.util.concurrent.FastThreadLocalThread;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Calls Sentry's API on a grant's behalf: the capability behind {@code /api/v1/grants/{id}/sentry/{path}}, and a
 * bean for code inside the host application. No database round trip per call on a valid token this instance has
 * seen ({@link GrantTokenCache}), otherwise one read (the grant with its tokens); refresh and revocation are
 * {@link GrantAuthenticator}'s.
 */
@Singleton
public class SentryApi {
    private static final Logger LOG = LoggerFactory.getLogger(SentryApi.class);
    private static final SentryProfile.RateLimitHeaders RATE_LIMIT = SentryProfile.SENTRY.rateLimit();
    /** When a 429's reset cannot be read. */
    private static final long DEFAULT_RETRY_AFTER_SECONDS = 60;

    private final GrantTokenCache grants;
    private final GrantAuthenticator authenticator;
    private final SentryHttp http;
    private final Clock clock;
    private final ExecutorService blocking;
    private final MeterRegistry metrics;
    /** The call timers by method and outcome, looked up once each: Micrometer's look-up builds and sorts tags per call. */
    private final Map<String, Timer> callTimers = new ConcurrentHashMap<>();
    /** The last X-Sentry-Rate-Limit-Remaining seen, for the gauge of the same name. */
    private final AtomicLong rateLimitRemaining = new AtomicLong(-1);

    SentryApi(@Named(TaskExecutors.BLOCKING) ExecutorService blocking, GrantTokenCache grants, GrantAuthenticator authenticator, SentryHttp http, @Named(ClockFactory.NAME) Clock clock,
              PluginMetrics metrics) {
        this.grants = grants;
        this.authenticator = authenticator;
        this.http = http;
        this.clock = clock;
        this.blocking = blocking;
        this.metrics = metrics.registry();
        Gauge.builder("sentry_connect.sentry.rate_limit_remaining", rateLimitRemaining, AtomicLong::get)
                .description("X-Sentry-Rate-Limit-Remaining of Sentry's latest answer that had one; -1 before any")
                .register(this.metrics);
    }

    /**
     * Sends {@code request} with the grant's token to the grant's region.
     *
     * @return Sentry's answer, whatever its status (a 4xx of Sentry's is an answer, not an exception)
     * @throws GrantNotFound             the caller may not see the grant, or there is none
     * @throws GrantRevoked              Sentry no longer accepts the grant: offer the user a reconnect
     * @throws GrantDisconnected         the grant was disconnected: its tokens are gone
     * @throws io.sentryconnect.InvalidRequest the path is not plain segments under {@code /api/0/} (nothing is sent)
     * @throws OutsideGrantOrganization  the path names another organization, or none (nothing is sent)
     * @throws OrganizationScopeRefused  Sentry refused the URL for the grant's organization; the grant is unchanged
     * @throws SentryUnauthorized        Sentry kept refusing freshly refreshed tokens, or answered a 401 of no known
     *                                    meaning; the grant is unchanged
     * @throws SentryRateLimited         a needed refresh was rate-limited; retry after the given seconds
     * @throws SentryUnavailable         Sentry failed or timed out after the retries; the grant is unchanged
     * @throws IllegalStateException     called on an event-loop thread (use {@link #callAsync})
     */
    public SentryResponse call(PlatformCaller caller, UUID grantId, SentryRequest request) {
        refuseOnEventLoop();
        return timed(request, () -> send(caller, grantId, grant -> request, true, null));
    }

    /**
     * {@link #call}, without blocking the calling thread: the work (a database read, maybe a coordinated refresh under a
     * row lock, the HTTP exchange with its retries) runs on the blocking executor, and the future completes there.
     * This is what a host's reactive or event-loop code calls; it completes exceptionally with the same
     * exceptions as {@link #call}.
     */
    public CompletableFuture<SentryResponse> callAsync(PlatformCaller caller, UUID grantId, SentryRequest request) {
        return callAsync(caller, grantId, request, null);
    }

    /** {@link #callAsync}, with {@code first} as the first attempt when it was made with the token the call uses. */
    CompletableFuture<SentryResponse> callAsync(PlatformCaller caller, UUID grantId, SentryRequest request,
                                                SentryHttp.@Nullable FirstAttempt first) {
        Supplier<SentryResponse> work = () -> timed(request, () -> send(caller, grantId, grant -> request, true, first));
        return CompletableFuture.supplyAsync(PropagatedContext.wrapCurrent(work), blocking);
    }

    /**
     * A blocking call on a Netty event loop would stall every connection that loop serves, and the HTTP client would
     * refuse it with an error that reads like Sentry being down: say what is wrong instead.
     */
    private static void refuseOnEventLoop() {
        if (Thread.currentThread() instanceof FastThreadLocalThread thread && !thread.permitBlockingCalls()
                && thread.getName().contains("eventLoop")) {
            throw new IllegalStateException("SentryApi.call blocks (database, Sentry's API) and was called on the event "
                    + "loop thread " + thread.getName() + ": call it from @ExecuteOn(TaskExecutors.BLOCKING) code, or use "
                    + "SentryApi.callAsync, which completes on the blocking executor.");
        }
    }

    /**
     * {@code GET organizations/{org}/} of the grant's own organization: how Check looks at a grant. It never refreshes
     * a token because it is due, only on a token-failure 401, so a healthy grant costs Sentry one API call.
     */
    SentryResponse checkOrganization(PlatformCaller caller, UUID grantId) {
        SentryRequest nominal = SentryRequest.get("organizations/{org}/");
        return timed(nominal, () -> send(caller, grantId,
                grant -> SentryRequest.get("organizations/" + grant.organization().slug() + "/"), false, null));
    }

    private SentryResponse timed(SentryRequest request, Supplier<SentryResponse> call) {
        long start = System.nanoTime();
        String outcome = "error";
        try {
            SentryResponse response = call.get();
            outcome = String.valueOf(response.status());
            return response;
        } catch (SentryConnectException failure) {
            outcome = failure.code();
            throw failure;
        } finally {
            recordCall(request, outcome, start);
        }
    }

    void recordCall(SentryRequest request, String outcome, long startNanos) {
        String method = request.method().name();
        callTimers.computeIfAbsent(method + ' ' + outcome,
                        key -> Timer.builder("sentry_connect.proxy.calls")
                                .description("Calls to Sentry's API on a grant's behalf, by method and outcome: Sentry's status or the error code")
                                .tags("outcome", outcome, "method", method).register(metrics))
                .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    private SentryResponse send(PlatformCaller caller, UUID grantId, Function<Grant, SentryRequest> requestFor,
                                boolean refreshWhenDue, SentryHttp.@Nullable FirstAttempt first) {
        GrantWithTokens found = grants.findVisibleWithTokens(caller, grantId)
                .orElseThrow(GrantNotFound::new);
        Grant grant = found.grant();
        if (grant.status() == GrantStatus.DISCONNECTED) {
            throw new GrantDisconnected(grantId);
        }
        SentryRequest request = requestFor.apply(grant);
        Grant.Organization org = grant.organization();
        URI target = target(grant, request);
        GrantAuthenticator.Options options = new GrantAuthenticator.Options(refreshWhenDue, grant.kind() == GrantKind.PROVISIONED);
        try {
            HttpResponse<byte[]> response = authenticator.send(found.tokens(), options, token -> {
                if (!token.equals(found.tokens().accessToken().reveal())) {
                    // Refreshed during this call: the cached grant holds the old token.
                    grants.invalidate(grantId);
                }
                return exchange(request, target, token, first);
            });
            return passThrough(response, target);
        } catch (GrantRejectedException e) {
            grants.invalidate(grantId);
            throw revoked(grantId, e);
        } catch (RequestScopeRefused e) {
            LOG.warn("Call for grant {}: Sentry refused {} {} for organization {} ({}); grant unchanged", grantId,
                    request.method(), target.getRawPath(), org.slug(), e.sentryMessage());
            throw new OrganizationScopeRefused(org.slug(), e.sentryMessage());
        } catch (TokenStillRefused e) {
            throw new SentryUnauthorized(e.refreshed()
                    ? "Sentry refused the grant's token even after a refresh, while its token endpoint still accepts "
                    + "the grant; the grant is unchanged. Try again later."
                    : "Sentry answered 401 without saying why in a way we know; nothing was refreshed and the grant is "
                    + "unchanged. Try again later.");
        } catch (TokenRequestFailed e) {
            LOG.warn("Call for grant {}: refresh failed ({}), grant unchanged", grantId, e.kind());
            if (e.kind() == TokenRequestFailed.Kind.RATE_LIMITED) {
                throw new SentryRateLimited(e.retryAfterSeconds());
            }
            throw new SentryUnavailable(e.kind() == TokenRequestFailed.Kind.TIMEOUT,
                    "Sentry's token endpoint did not answer; the grant is unchanged. Try again later.");
        } catch (SentryAnswerTooLarge e) {
            LOG.warn("Call for grant {}: {} {}: Sentry's answer is over sentry-connect.http.api-max-content-length", grantId,
                    request.method(), target.getRawPath());
            throw e;
        } catch (SentryHttp.SentryServerError e) {
            LOG.warn("Call for grant {}: {} {} failed: {}", grantId, request.method(), target.getRawPath(), e.getMessage());
            throw new SentryUnavailable(e.timeout(), e.timeout() ? "Sentry did not answer in time."
                    : e.response() == null ? "Sentry could not be reached." : "Sentry answered " + e.response().code() + ".");
        }
    }

    /** What a call on a grant that Sentry no longer accepts throws. */
    private static SentryConnectException revoked(UUID grantId, GrantRejectedException e) {
        if (e.status() == GrantStatus.DISCONNECTED) {
            return new GrantDisconnected(grantId);
        }
        return new GrantRevoked(grantId, e.reason());
    }

    /**
     * Where the request goes, checked before anything is sent: plain segments under /api/0/, then the grant's own
     * organization.
     *
     * @throws SentryConnectException the path guard's, for a path outside either
     */
    static URI target(Grant grant, SentryRequest request) {
        Grant.Organization org = grant.organization();
        // The caller's path is checked before its segments are read; only the path sent is resolved.
        SentryPath.check(request.path(), request.rawQuery());
        String path = OrganizationPaths.confine(request.path(), org.slug(), org.id());
        return SentryPath.resolve(org.regionUrl(), path, request.rawQuery());
    }

    private HttpResponse<byte[]> exchange(SentryRequest request, URI target, String token, SentryHttp.@Nullable FirstAttempt first) {
        Supplier<MutableHttpRequest<?>> build = () -> outgoing(request, target, token);
        SentryHttp.FirstAttempt made = first != null && first.madeWith(token) ? first : null;
        return request.idempotent() ? http.idempotent(build, made) : http.once(build, made);
    }

    /**
     * The request to Sentry: the token goes in as a bearer header and nowhere else. A body goes as the bytes the caller
     * gave, whatever its type ({@link RawBodyRequest}): Sentry decides what it accepts, and a multipart upload's
     * boundary, line ends and binary content arrive as they were sent. It is built anew for every attempt.
     */
    static MutableHttpRequest<?> outgoing(SentryRequest request, URI target, String token) {
        MutableHttpRequest<Object> outgoing = HttpRequest.create(request.method(), target.toString());
        outgoing.accept("application/json");
        GrantAuthenticator.withToken(outgoing, token);
        if (request.body() == null) {
            return outgoing;
        }
        outgoing.getHeaders().set(HttpHeaders.CONTENT_TYPE,
                request.contentType() == null ? MediaType.APPLICATION_JSON : request.contentType());
        return RawBodyRequest.of(outgoing, request.body());
    }

    private static String absolute(URI target, String location) {
        try {
            return target.resolve(location.strip()).toString();
        } catch (IllegalArgumentException e) {
            return location; // not a URI at all: passed back as Sentry sent it, and followed by no one of ours
        }
    }

    /** Sentry's answer to a call to {@code target}, with the headers a caller may see. */
    SentryResponse passThrough(HttpResponse<byte[]> response, URI target) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        boolean redirect = response.code() >= 300 && response.code() < 400;
        response.getHeaders().forEach((name, values) -> {
            if (name.equalsIgnoreCase(HttpHeaders.CONTENT_TYPE) || name.equalsIgnoreCase(HttpHeaders.LINK)
                    || name.equalsIgnoreCase("X-Hits") || name.equalsIgnoreCase("X-Max-Hits")
                    || name.regionMatches(true, 0, RATE_LIMIT.prefix(), 0, RATE_LIMIT.prefix().length())) {
                headers.put(name, new ArrayList<>(values));
            } else if (redirect && name.equalsIgnoreCase(HttpHeaders.LOCATION)) {
                // A redirect is passed back to the caller, never followed with the grant's token. Made absolute against
                // the URL called: a relative one (Django's trailing-slash redirect) would resolve against this
                // service, and send the caller, with its platform token, to one of the host's routes.
                headers.put(name, values.stream().map(location -> absolute(target, location)).toList());
            }
        });
        // Not a number: keep the last value.
        response.getHeaders().getFirst(RATE_LIMIT.remaining())
                .ifPresent(remaining -> RATE_LIMIT.remainingOf(remaining).ifPresent(rateLimitRemaining::set));
        if (response.code() == 429) {
            // Sentry sends no Retry-After; the reset time of its rate-limit window says when to come back.
            response.getHeaders().getFirst(RATE_LIMIT.reset())
                    .map(reset -> RATE_LIMIT.secondsUntilReset(reset, clock.instant()).orElse(DEFAULT_RETRY_AFTER_SECONDS))
                    .ifPresent(seconds -> headers.put(HttpHeaders.RETRY_AFTER, List.of(String.valueOf(seconds))));
        }
        byte[] body = response.getBody().orElse(new byte[0]);
        return new SentryResponse(response.code(), headers, body);
    }
}
