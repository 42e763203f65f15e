package io.sentryconnect.sentry;

import io.sentryconnect.ClockFactory;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpRequest;
import io.sentryconnect.sentry.profile.SentryProfile;
import io.sentryconnect.token.GrantRejectedException;
import io.sentryconnect.token.RefreshPolicy;
import io.sentryconnect.token.SentryProperties;
import io.sentryconnect.token.StoredTokens;
import io.sentryconnect.token.TokenRefresher;
import io.sentryconnect.token.TokenRequestFailed;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

/**
 * The token's part of every call, in one place (as OkHttp's {@code Authenticator}). Callers never look at a 401.
 * <ul>
 *   <li>Before the call: refresh a token that is due (unless the caller asks not to).</li>
 *   <li>A 401 that refuses the URL for the token's organization ({@link Unauthorized#meaning}) says nothing
 *       about the token: no refresh, no revocation, {@link RequestScopeRefused}. Nor does a 401 that is none of
 *       Sentry's messages (a proxy's HTML page, an empty body): no refresh (which would rotate the refresh token on
 *       every such call), no revocation, {@link TokenStillRefused}.</li>
 *   <li>A token-failure 401 on a token fresh from an exchange or refresh is first retried with the same token after
 *       short waits: Sentry's regions check tokens against an asynchronously replicated copy.</li>
 *   <li>Then the token endpoint decides: a refresh (at most two per call). Only its {@code invalid_grant} revokes a
 *       linked grant; a provisioned grant (no refresh token) is revoked by {@link TokenRefresher} when a token-failure
 *       401 persisted through the wait. If Sentry keeps refusing freshly refreshed tokens that its token endpoint
 *       still issues, the call fails with {@link TokenStillRefused} and the grant stays as it is.</li>
 * </ul>
 */
@Singleton
final class GrantAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(GrantAuthenticator.class);
    /** A provisioned grant's 401 would revoke it: it waits at least this long once, whatever the token's age. */
    private static final Duration PROVISIONED_WAIT = Duration.ofMillis(50);
    private static final int MAX_REFRESHES_PER_CALL = 2;

    private final TokenRefresher refresher;
    private final RefreshPolicy policy;
    private final Unauthorized unauthorized;
    private final Clock clock;
    private final Duration replicaLag;

    GrantAuthenticator(TokenRefresher refresher, RefreshPolicy policy, Unauthorized unauthorized, @Named(ClockFactory.NAME) Clock clock,
                       SentryProperties sentry) {
        this.refresher = refresher;
        this.policy = policy;
        this.unauthorized = unauthorized;
        this.clock = clock;
        this.replicaLag = sentry.replicaLag();
    }

    /** How a call treats the token before and after Sentry's answer. */
    record Options(boolean refreshWhenDue, boolean provisioned) {
    }

    /**
     * Sends {@code exchange} (a request built around an access token) with the grant's token, handling the token.
     *
     * @throws GrantRejectedException   the grant is, or just became, revoked or disconnected
     * @throws TokenRequestFailed       a needed refresh could not be done (Sentry down); nothing changed
     * @throws RequestScopeRefused Sentry refused the URL for the token's organization; nothing changed
     * @throws TokenStillRefused        Sentry refused fresh tokens that its token endpoint still issues; nothing changed
     */
    HttpResponse<byte[]> send(StoredTokens tokens, Options options, Function<String, HttpResponse<byte[]>> exchange) {
        if (!tokens.active()) {
            throw new GrantRejectedException(tokens.grantId(), tokens.status(), tokens.statusReason());
        }
        StoredTokens current = tokens;
        if (options.refreshWhenDue() && policy.due(current, clock.instant())) {
            current = refreshBeforeExpiry(current);
        }
        HttpResponse<byte[]> response;
        boolean refreshed = current.version() != tokens.version();
        try {
            response = attempt(current, exchange, options.provisioned());
            // Past attempt(), a 401 is one of Sentry's token failures: the others have been thrown.
            for (int refreshes = 0; response.code() == 401 && refreshes < MAX_REFRESHES_PER_CALL; refreshes++) {
                // A token failure that outlived the replication wait: ask the token endpoint, whose word is final.
                current = refresher.refresh(current.grantId(), current.version());
                refreshed = true;
                response = attempt(current, exchange, options.provisioned());
            }
        } catch (TokenStillRefused unrecognised) {
            // An unrecognised 401 after a refresh of this call: the caller is told that the token was refreshed.
            if (refreshed && !unrecognised.refreshed()) {
                throw new TokenStillRefused(current.grantId(), true);
            }
            throw unrecognised;
        }
        if (response.code() == 401) {
            LOG.warn("Grant {}: Sentry refused a freshly refreshed token ({}); grant unchanged", current.grantId(),
                    unauthorized.message(response));
            throw new TokenStillRefused(current.grantId(), true);
        }
        return response;
    }

    /**
     * One call with {@code tokens}, repeated with the same token while an {@code Invalid token} 401 may be replication
     * lag: the token is younger than {@code sentry-connect.sentry.replica-lag} (for a provisioned grant, whose 401
     * would revoke it, at least once after a short wait).
     *
     * @throws RequestScopeRefused a 401 that refuses the URL, not the token
     * @throws TokenStillRefused   a 401 that is none of Sentry's messages
     */
    private HttpResponse<byte[]> attempt(StoredTokens tokens, Function<String, HttpResponse<byte[]>> exchange,
                                         boolean provisioned) {
        HttpResponse<byte[]> response = exchange.apply(tokens.accessToken().reveal());
        if (!unknownToken(tokens, response)) {
            return response;
        }
        Instant now = clock.instant();
        Instant freshUntil = tokens.issuedAt() == null ? now : tokens.issuedAt().plus(replicaLag);
        if (provisioned && freshUntil.isBefore(now.plus(PROVISIONED_WAIT))) {
            freshUntil = now.plus(PROVISIONED_WAIT);
        }
        ReplicaLagWait wait = ReplicaLagWait.within(
                Duration.ofNanos(Math.min(Duration.between(now, freshUntil).toNanos(), replicaLag.toNanos())));
        while (wait.pause()) {
            response = exchange.apply(tokens.accessToken().reveal());
            if (!unknownToken(tokens, response)) {
                return response;
            }
        }
        return response;
    }

    /**
     * Whether {@code response} is an {@code Invalid token} 401 (worth waiting for replication).
     *
     * @throws RequestScopeRefused a 401 that refuses the URL, not the token
     * @throws TokenStillRefused   a 401 that is none of Sentry's messages; its body is not logged, since whatever
     *                             sent it (a proxy, a gateway) may have put anything in it, the request's header too
     */
    private boolean unknownToken(StoredTokens tokens, HttpResponse<byte[]> response) {
        if (response.code() != 401) {
            return false;
        }
        SentryProfile.Unauthorized meaning = unauthorized.meaning(response);
        if (meaning == SentryProfile.Unauthorized.UNRECOGNISED) {
            LOG.warn("Grant {}: Sentry answered a 401 that is not one of Sentry's token failures (Content-Type {}, "
                    + "{} bytes); not refreshed, grant unchanged", tokens.grantId(),
                    response.getContentType().map(Object::toString).orElse("none"),
                    response.getBody().map(body -> body.length).orElse(0));
            throw new TokenStillRefused(tokens.grantId(), false);
        }
        return meaning == SentryProfile.Unauthorized.UNKNOWN_TOKEN;
    }

    /** A proactive refresh that fails for a transient reason is no reason to fail the call while the token still works. */
    private StoredTokens refreshBeforeExpiry(StoredTokens tokens) {
        try {
            return refresher.refresh(tokens.grantId(), tokens.version());
        } catch (TokenRequestFailed e) {
            if (tokens.expiresAt() != null && tokens.expiresAt().isAfter(clock.instant())) {
                return tokens;
            }
            throw e;
        }
    }

    /** Builds the request for one attempt: the token goes in as a bearer header and nowhere else. */
    static MutableHttpRequest<?> withToken(MutableHttpRequest<?> request, String accessToken) {
        return request.bearerAuth(accessToken);
    }
}
