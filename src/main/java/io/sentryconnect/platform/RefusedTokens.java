package io.sentryconnect.platform;

import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.core.annotation.Nullable;
import io.sentryconnect.Endpoints;
import org.slf4j.LoggerFactory;

import java.text.ParseException;
import java.util.Date;

/**
 * Says in the standalone service's log why micronaut-security-jwt refused a platform token, which it does silently
 * (its claim validators log a wrong {@code iss} or {@code aud} only at TRACE, a signature that does not verify not at
 * all): a sidecar whose platform signed with the wrong secret or audience saw every call answer {@code 401} and
 * nothing to go on. The rules the plugin checks itself are {@link ClaimsPlatformIdentity}'s to log; here only a
 * {@code 401} of a request that carried a bearer token and was not authenticated. The token is read without
 * verification, only to name the rule: INFO the first time for each reason, DEBUG after that, never a claim's value.
 * Only in the standalone service: in a host, its JWT settings and their log are the host's.
 */
@ServerFilter("/**")
@Requires(property = "sentry-connect.standalone", value = "true")
@Requires(classes = JWTParser.class)
final class RefusedTokens implements io.micronaut.core.order.Ordered {
    private final RefusalLog refusals = new RefusalLog(LoggerFactory.getLogger(RefusedTokens.class), "by the JWT check");
    private final Endpoints endpoints;
    private final @Nullable String issuer;
    private final @Nullable String audience;
    private final String tokenHeader;
    /** The scheme with its space, as {@code micronaut.security.token.bearer.prefix} sets it. */
    private final String bearer;

    RefusedTokens(Endpoints endpoints, PlatformProperties platform,
                  @Value("${micronaut.security.token.bearer.header-name:Authorization}") String tokenHeader,
                  @Value("${micronaut.security.token.bearer.prefix:Bearer}") String prefix) {
        this.endpoints = endpoints;
        this.issuer = platform.getIssuer();
        this.audience = platform.getAudience();
        this.tokenHeader = tokenHeader;
        this.bearer = prefix + " ";
    }

    @Override
    public int getOrder() {
        // Outside the security filter, whose refusal is the answer it sees.
        return io.micronaut.http.filter.ServerFilterPhase.SECURITY.before();
    }

    @ResponseFilter
    void diagnose(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (response.code() != 401 || request.getUserPrincipal().isPresent() || !endpoints.owns(request.getPath())) {
            return;
        }
        String header = request.getHeaders().get(tokenHeader);
        if (header == null || !header.regionMatches(true, 0, bearer, 0, bearer.length())) {
            return;
        }
        String reason;
        try {
            reason = reason(header.substring(bearer.length()).trim());
        } catch (RuntimeException e) {
            // A diagnosis only: whatever the token holds, the answer stays the 401 it was.
            reason = "the token could not be read";
        }
        refusals.refused(reason);
    }

    /** The first rule the unverified token breaks, in the order a reader fixes them; the signature when none. */
    String reason(String token) {
        JWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = JWTParser.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            return "the bearer token is not a JWT";
        }
        if (jwt instanceof PlainJWT) {
            return "the token is not signed (alg none)";
        }
        if (jwt instanceof com.nimbusds.jwt.EncryptedJWT || claims == null) {
            return "the token is encrypted (JWE), which the configured signatures do not read";
        }
        // The wall clock, as the framework's exp check that refused the token uses.
        Date now = new Date();
        if (claims.getExpirationTime() != null && claims.getExpirationTime().before(now)) {
            return "the token's exp has passed";
        }
        if (claims.getNotBeforeTime() != null && claims.getNotBeforeTime().after(now)) {
            return "the token's nbf is still ahead";
        }
        if (issuer != null && !issuer.equals(claims.getIssuer())) {
            return ClaimsPlatformIdentity.WRONG_ISSUER;
        }
        if (audience != null && (claims.getAudience() == null || !claims.getAudience().contains(audience))) {
            return ClaimsPlatformIdentity.WRONG_AUDIENCE;
        }
        return "its signature does not verify with the configured secret or JWKS keys, or its algorithm is not theirs";
    }
}
