package io.sentryconnect.sentry;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpRequest;
import io.sentryconnect.token.GrantRejectedException;
import io.sentryconnect.token.RefreshPolicy;
import io.sentryconnect.token.StoredTokens;
import io.sentryconnect.token.TokenRefresher;
import io.sentryconnect.token.TokenRequestFailed;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.util.function.Function;

/**
 * The token's part of every call, in one place (as OkHttp's {@code Authenticator}): refresh before the token
 * expires; on a 401, refresh and retry once; a 401 with a token fresh from a refresh revokes the grant.
 * Callers never look at a 401 themselves.
 */
@Singleton
final class GrantAuthenticator {
    private final TokenRefresher refresher;
    private final RefreshPolicy policy;
    private final Clock clock;

    GrantAuthenticator(TokenRefresher refresher, RefreshPolicy policy, Clock clock) {
        this.refresher = refresher;
        this.policy = policy;
        this.clock = clock;
    }

    /**
     * Sends {@code exchange} (a request built around an access token) with the grant's token, handling the token.
     *
     * @throws GrantRejectedException the grant is, or just became, revoked or disconnected
     * @throws TokenRequestFailed     a needed refresh could not be done (Sentry down); nothing changed
     */
    HttpResponse<byte[]> send(StoredTokens tokens, Function<String, HttpResponse<byte[]>> exchange) {
        if (!tokens.active()) {
            throw new GrantRejectedException(tokens.grantId(), tokens.status(), tokens.statusReason());
        }
        StoredTokens current = tokens;
        if (policy.due(current, clock.instant())) {
            current = refreshBeforeExpiry(current);
        }
        HttpResponse<byte[]> response = exchange.apply(current.accessToken().reveal());
        if (response.code() != 401) {
            return response;
        }
        StoredTokens refreshed = refresher.refresh(current.grantId(), current.version());
        response = exchange.apply(refreshed.accessToken().reveal());
        if (response.code() != 401) {
            return response;
        }
        // A fresh token refused: revoked, unless another refresh rotated the tokens meanwhile (then try that one).
        StoredTokens newer = refresher.rejectUnlessChanged(refreshed.grantId(), refreshed.version(), "unauthorized");
        response = exchange.apply(newer.accessToken().reveal());
        if (response.code() == 401) {
            refresher.rejectUnlessChanged(newer.grantId(), newer.version(), "unauthorized");
        }
        return response;
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
