package io.sentryconnect.token;

import io.sentryconnect.ClockFactory;
import io.micronaut.context.BeanContext;
import io.micronaut.context.annotation.Value;
import io.micronaut.http.client.DefaultHttpClientConfiguration;
import io.micronaut.http.client.HttpClient;
import io.sentryconnect.http.PluginHttpClients;
import io.micronaut.core.type.Argument;
import io.micronaut.http.MediaType;
import io.sentryconnect.http.HttpFailure;
import io.sentryconnect.sentry.profile.SentryProfile;
import io.micronaut.security.oauth2.configuration.OauthClientConfiguration;
import io.micronaut.security.oauth2.endpoint.token.request.DefaultTokenEndpointClient;
import io.micronaut.security.oauth2.endpoint.token.request.TokenEndpointClient;
import io.micronaut.security.oauth2.endpoint.token.request.context.AbstractTokenRequestContext;
import io.micronaut.security.oauth2.endpoint.token.response.TokenErrorResponse;
import io.micronaut.security.oauth2.grants.SecureGrantMap;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import io.micronaut.core.annotation.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The two calls to Sentry's {@code /oauth/token/}: exchanging a code (with the PKCE verifier) and refreshing.
 * Both go through micronaut-security-oauth2's {@link DefaultTokenEndpointClient}, which adds the client authentication
 * of {@code sentry-connect.sentry.token-auth-method}; our instance of it (not the module's bean) sends through the
 * plugin's own token HTTP client ({@code sentry-connect.http.token-read-timeout}).
 * Neither call is retried here: a code is single use, and a refresh whose answer was lost may already have
 * rotated the refresh token, so repeating it blindly could turn a timeout into a false revocation.
 */
@Singleton
public final class SentryTokenClient {
    private static final Logger LOG = LoggerFactory.getLogger(SentryTokenClient.class);
    private static final SentryProfile.RateLimitHeaders RATE_LIMIT = SentryProfile.SENTRY.rateLimit();
    private final TokenEndpointClient tokenEndpoint;
    private final OauthClientConfiguration client;
    private final Clock clock;
    /** Sentry's token endpoint is a plain view: a 429 there (from a proxy in front) carries no reset to wait for. */
    private final long rateLimitedRetryAfterSeconds;

    SentryTokenClient(BeanContext context, PluginHttpClients clients, SentryClientRegistration registration,
                      @Named(ClockFactory.NAME) Clock clock,
                      @Value("${sentry-connect.refresh.rate-limited-retry-after:60s}") Duration rateLimitedRetryAfter) {
        HttpClient http = clients.token();
        this.tokenEndpoint = new DefaultTokenEndpointClient(context, new DefaultHttpClientConfiguration()) {
            @Override
            protected HttpClient getClient(String providerName) {
                return http;
            }
        };
        this.client = registration.configuration();
        this.clock = clock;
        this.rateLimitedRetryAfterSeconds = Math.max(1, rateLimitedRetryAfter.toSeconds());
    }

    /** {@code grant_type=authorization_code} with the exact redirect URI and the PKCE verifier. */
    public SentryTokens exchangeCode(Secret code, String redirectUri, Secret codeVerifier) {
        SecureGrantMap grant = new SecureGrantMap();
        grant.put("grant_type", "authorization_code");
        grant.put("code", code.reveal());
        grant.put("redirect_uri", redirectUri);
        grant.put("code_verifier", codeVerifier.reveal());
        return send(grant);
    }

    /** {@code grant_type=refresh_token}, without {@code scope} (Sentry refuses a scope on refresh). */
    public SentryTokens refresh(Secret refreshToken) {
        SecureGrantMap grant = new SecureGrantMap();
        grant.put("grant_type", "refresh_token");
        grant.put("refresh_token", refreshToken.reveal());
        return send(grant);
    }

    private SentryTokens send(SecureGrantMap grant) {
        SentryTokenResponse response;
        try {
            response = Mono.from(tokenEndpoint.sendRequest(new SentryTokenRequest(client, grant))).block();
        } catch (RuntimeException e) {
            throw failed(HttpFailure.of(e));
        }
        return tokens(response);
    }

    private TokenRequestFailed failed(HttpFailure failure) {
        int status = failure.status();
        return switch (failure.kind()) {
            case TIMEOUT -> new TokenRequestFailed(TokenRequestFailed.Kind.TIMEOUT, null, "Sentry's token endpoint timed out");
            case UNREACHABLE -> new TokenRequestFailed(TokenRequestFailed.Kind.UNAVAILABLE, null,
                    "Sentry's token endpoint could not be reached");
            // A reset (epoch seconds), if whatever answered sent one, says when to come back; else the configured fallback.
            case RATE_LIMITED -> new TokenRequestFailed(TokenRequestFailed.Kind.RATE_LIMITED, null,
                    "Sentry's token endpoint answered 429", failure.response().getHeaders().getFirst(RATE_LIMIT.reset())
                    .map(reset -> RATE_LIMIT.secondsUntilReset(reset, clock.instant()).orElse(rateLimitedRetryAfterSeconds))
                    .orElse(rateLimitedRetryAfterSeconds));
            case SERVER_ERROR -> new TokenRequestFailed(TokenRequestFailed.Kind.UNAVAILABLE, null,
                    "Sentry's token endpoint answered " + status);
            case UNREADABLE -> new TokenRequestFailed(TokenRequestFailed.Kind.MALFORMED, null, "Sentry's token response could not be read");
            case REFUSED -> {
                String error = failure.response().getBody(TokenErrorResponse.class)
                        .map(TokenErrorResponse::getError)
                        .map(Object::toString)
                        .orElse("unknown_error");
                yield new TokenRequestFailed(TokenRequestFailed.Kind.REJECTED, error, "Sentry's token endpoint answered " + status + " " + error);
            }
        };
    }

    /**
     * Sentry's answer as tokens. Only a missing access token makes it unusable. A 200 is Sentry's rotation even when
     * the rest is odd, and then the refresh token in it is the only live one: refusing the answer would keep the old,
     * dead one and turn the next refresh into a revocation. So a missing expiry is read as Sentry's default lifetime
     * ({@code SentryProfile.OAuth#defaultTokenLifetime}; not "due now", which would refresh before every call for as long as the answers lack
     * one; a token that expires sooner gets {@code Token expired}, and the 401 path refreshes), and a
     * {@code token_type} other than bearer is kept and sent as bearer all the same
     * (the only way Sentry's API takes a token; if it refuses, the 401 path refreshes, and the grant is never lost).
     */
    private SentryTokens tokens(SentryTokenResponse response) {
        if (response == null || response.getAccessToken() == null || response.getAccessToken().isBlank()) {
            throw new TokenRequestFailed(TokenRequestFailed.Kind.MALFORMED, null, "Sentry's token response has no access token");
        }
        if (response.getTokenType() != null && !"bearer".equalsIgnoreCase(response.getTokenType())) {
            LOG.warn("Sentry's token response names a token type other than bearer: tokens kept, sent as a bearer token");
        }
        Instant now = clock.instant();
        Instant expiresAt = expiresAt(response, now);
        if (expiresAt == null) {
            java.time.Duration lifetime = SentryProfile.SENTRY.oauth().defaultTokenLifetime();
            LOG.warn("Sentry's token response has no expiry: tokens kept, the access token assumed to last Sentry's default {}",
                    lifetime);
            expiresAt = now.plus(lifetime);
        }
        List<String> scopes = response.getScope() == null ? List.of()
                : Arrays.stream(response.getScope().split(Pattern.quote(SentryProfile.SENTRY.oauth().scopeSeparator())))
                .filter(s -> !s.isBlank()).toList();
        String refresh = response.getRefreshToken();
        return new SentryTokens(Secret.of(response.getAccessToken()),
                refresh == null || refresh.isBlank() ? null : Secret.of(refresh),
                now, expiresAt, scopes, response.getUser(), response.getOrganizationId());
    }

    /** From {@code expires_at}, else {@code expires_in}; null when neither is readable. */
    @Nullable
    private static Instant expiresAt(SentryTokenResponse response, Instant now) {
        if (response.getExpiresAt() != null) {
            try {
                return Instant.parse(response.getExpiresAt());
            } catch (DateTimeParseException ignored) {
                // fall back to expires_in
            }
        }
        if (response.getExpiresIn() != null) {
            return now.plusSeconds(response.getExpiresIn());
        }
        return null;
    }

    /**
     * One token request in micronaut-security-oauth2's terms: our own context rather than its
     * {@code OauthCodeTokenRequestContext}, because that one is fixed to the standard {@link io.micronaut.security.oauth2.endpoint.token.response.TokenResponse}
     * and 4.x has no refresh context at all. A {@link SecureGrantMap} lets {@code client_secret_post} work too.
     */
    private static final class SentryTokenRequest extends AbstractTokenRequestContext<SecureGrantMap, SentryTokenResponse> {
        private final SecureGrantMap grant;

        SentryTokenRequest(OauthClientConfiguration client, SecureGrantMap grant) {
            super(MediaType.APPLICATION_FORM_URLENCODED_TYPE, client.getTokenEndpoint(), client);
            this.grant = grant;
        }

        @Override
        public SecureGrantMap getGrant() {
            return grant;
        }

        @Override
        public Argument<SentryTokenResponse> getResponseType() {
            return Argument.of(SentryTokenResponse.class);
        }

        @Override
        public Argument<?> getErrorResponseType() {
            return Argument.of(TokenErrorResponse.class);
        }
    }
}
