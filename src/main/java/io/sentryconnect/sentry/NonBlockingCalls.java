package io.sentryconnect.sentry;

import io.micronaut.core.propagation.PropagatedContext;
import io.micronaut.http.HttpResponse;
import io.sentryconnect.ClockFactory;
import io.sentryconnect.SentryConnectException;
import io.sentryconnect.grant.Grant;
import io.sentryconnect.grant.GrantWithTokens;
import io.sentryconnect.grant.GrantTokenCache;
import io.sentryconnect.platform.PlatformCaller;
import io.sentryconnect.token.RefreshPolicy;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import java.net.URI;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The proxy's path that blocks no thread, for the common case: a grant in this instance's token cache whose token is
 * not due is called with the non-blocking client from the event loop, and an answer that is neither a 401 nor a
 * failure is passed through. Anything else (a grant not cached, a token due, a path refused, a 401, a 5xx, a timeout)
 * is {@link SentryApi#callAsync}'s on the blocking executor, with what was sent already as its first attempt, so that
 * refresh, revocation and retries stay the one implementation they are, and nothing is sent twice.
 */
@Singleton
final class NonBlockingCalls {
    private final SentryApi sentry;
    private final SentryHttp http;
    private final GrantTokenCache cache;
    private final RefreshPolicy policy;
    private final Clock clock;

    NonBlockingCalls(SentryApi sentry, SentryHttp http, GrantTokenCache cache, RefreshPolicy policy,
                     @Named(ClockFactory.NAME) Clock clock) {
        this.sentry = sentry;
        this.http = http;
        this.cache = cache;
        this.policy = policy;
        this.clock = clock;
    }

    /** {@link SentryApi#callAsync}, completing on the event loop when the grant is cached and Sentry simply answers. */
    CompletableFuture<SentryResponse> call(PlatformCaller caller, UUID grantId, SentryRequest request) {
        Optional<GrantWithTokens> cached = cache.cachedVisible(caller, grantId);
        if (cached.isEmpty() || policy.due(cached.get().tokens(), clock.instant())) {
            return sentry.callAsync(caller, grantId, request);
        }
        Grant grant = cached.get().grant();
        URI target;
        try {
            target = SentryApi.target(grant, request);
        } catch (SentryConnectException refused) {
            return sentry.callAsync(caller, grantId, request);
        }
        long start = System.nanoTime();
        String token = cached.get().tokens().accessToken().reveal();
        PropagatedContext context = PropagatedContext.getOrEmpty();
        return http.sendFirst(SentryApi.outgoing(request, target, token), token).thenCompose(first -> {
            HttpResponse<byte[]> answer = first.plainAnswer();
            if (answer != null) {
                SentryResponse response = sentry.passThrough(answer, target);
                sentry.recordCall(request, String.valueOf(response.status()), start);
                return CompletableFuture.completedFuture(response);
            }
            // A 401 may mean that the cached token is outdated: the blocking path reads the grant again. A failure
            // (a 5xx to retry, an answer too large) says nothing about the token: the cached grant stays.
            if (first.unauthorized()) {
                cache.invalidate(grantId);
            }
            try (PropagatedContext.Scope ignored = context.propagate()) {
                return sentry.callAsync(caller, grantId, request, first);
            }
        });
    }
}
