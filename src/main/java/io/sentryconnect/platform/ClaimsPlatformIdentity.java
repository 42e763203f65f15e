package io.sentryconnect.platform;

import io.micronaut.context.annotation.Secondary;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.security.authentication.Authentication;
import io.sentryconnect.Inputs;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.slf4j.LoggerFactory;

/**
 * The default {@link PlatformIdentity}: the tenant, user and roles claims of the authentication's attributes (a
 * verified JWT's claims). It also requires what a grant query needs and a host's own rules may not: a non-blank tenant
 * and user, an {@code exp} (a token without one would live forever), and, when configured, the issuer and audience.
 * Tenant and user must be at most {@link Inputs#MAX_ID} characters without control characters (they are stored and
 * queried as they are). A token may be at most {@code max-token-age} old by its {@code iat}, no more than
 * {@code clock-skew} in the future, and may not expire later than {@code max-token-age} from now: a leaked token with a
 * 10-year {@code exp} is refused. Times are compared with the wall clock, as the framework's own {@code exp} check does.
 * These rules apply to the plugin's routes only; the host's own routes keep the host's rules.
 */
@Singleton
@Secondary
public class ClaimsPlatformIdentity implements PlatformIdentity {
    /** The rule a token with another {@code iss} breaks (also {@link RefusedTokens}' word for it). */
    static final String WRONG_ISSUER = "the token's iss is not sentry-connect.platform.issuer";
    /** The rule a token without the configured audience breaks. */
    static final String WRONG_AUDIENCE = "the token's aud does not include sentry-connect.platform.audience";
    private final Settings settings;
    private final RefusalLog refusals = new RefusalLog(LoggerFactory.getLogger(ClaimsPlatformIdentity.class),
            "on the plugin's routes");
    private final Clock clock = Clock.systemUTC();

    /**
     * The settings read once: an interface's {@code @ConfigurationProperties} getters look the property up in the
     * environment on every call, which showed in the proxy's profile.
     */
    private record Settings(@Nullable String issuer, @Nullable String audience, String tenantClaim, String userClaim,
                            String rolesClaim, String tenantAdminRole, boolean requireExpiry,
                            @Nullable Duration maxTokenAge, Duration clockSkew) {
    }

    public ClaimsPlatformIdentity(PlatformProperties properties) {
        this.settings = new Settings(properties.getIssuer(), properties.getAudience(), properties.getTenantClaim(),
                properties.getUserClaim(), properties.getRolesClaim(), properties.getTenantAdminRole(),
                properties.isRequireExpiry(), properties.getMaxTokenAge(), properties.getClockSkew());
    }

    @Override
    public Optional<PlatformCaller> caller(Authentication authentication) {
        Map<String, Object> claims = authentication.getAttributes();
        Object tenant = claims.get(settings.tenantClaim());
        Object user = claims.get(settings.userClaim());
        if (user == null && "sub".equals(settings.userClaim())) {
            user = authentication.getName();
        }
        if (!nonBlank(tenant) || !nonBlank(user)) {
            return refused("the token has no usable " + settings.tenantClaim() + " or " + settings.userClaim()
                    + " claim (sentry-connect.platform.tenant-claim, user-claim; non-blank, at most " + Inputs.MAX_ID
                    + " characters, no control characters)");
        }
        if (settings.requireExpiry() && claims.get("exp") == null) {
            return refused("the token has no exp claim (sentry-connect.platform.require-expiry)");
        }
        String age = ageProblem(claims);
        if (age != null) {
            return refused(age);
        }
        if (settings.issuer() != null && !settings.issuer().equals(claims.get("iss"))) {
            return refused(WRONG_ISSUER);
        }
        if (settings.audience() != null && !audienceContains(claims.get("aud"), settings.audience())) {
            return refused(WRONG_AUDIENCE);
        }
        return Optional.of(PlatformCaller.of((String) tenant, (String) user, roles(claims.get(settings.rolesClaim())),
                settings.tenantAdminRole()));
    }

    private static boolean audienceContains(Object claim, String audience) {
        if (claim instanceof Collection<?> values) {
            return values.stream().anyMatch(v -> audience.equals(String.valueOf(v)));
        }
        return audience.equals(claim);
    }

    private static boolean nonBlank(Object value) {
        return value instanceof String s && !s.isBlank() && Inputs.clean(s, Inputs.MAX_ID);
    }

    /** Which age rule the token breaks, or null. */
    @Nullable
    private String ageProblem(Map<String, Object> claims) {
        Duration maxAge = settings.maxTokenAge();
        if (maxAge == null || maxAge.isZero()) {
            return null;
        }
        Instant now = clock.instant();
        Duration skew = settings.clockSkew();
        Instant issued = instant(claims.get("iat"));
        if (issued != null && issued.isAfter(now.plus(skew))) {
            return "the token's iat is in the future (beyond sentry-connect.platform.clock-skew)";
        }
        if (issued != null && issued.isBefore(now.minus(maxAge).minus(skew))) {
            return "the token was issued longer ago than sentry-connect.platform.max-token-age (" + maxAge + ")";
        }
        Instant expires = instant(claims.get("exp"));
        if (expires != null && expires.isAfter(now.plus(maxAge).plus(skew))) {
            return "the token expires later than sentry-connect.platform.max-token-age (" + maxAge + ") from now";
        }
        return null;
    }

    /**
     * Refuses the caller, saying why in the log ({@link RefusalLog}). The caller's answer stays the generic 401
     * ({@link IdentityRejected}), which tells a stranger nothing about the configuration.
     */
    private Optional<PlatformCaller> refused(String reason) {
        refusals.refused(reason);
        return Optional.empty();
    }

    static Instant instant(Object claim) {
        if (claim instanceof Date date) {
            return date.toInstant();
        }
        if (claim instanceof Instant instant) {
            return instant;
        }
        if (claim instanceof Number seconds) {
            return Instant.ofEpochSecond(seconds.longValue());
        }
        return null;
    }

    private static Set<String> roles(Object claim) {
        Set<String> roles = new HashSet<>();
        if (claim instanceof Collection<?> values) {
            values.forEach(v -> roles.add(String.valueOf(v)));
        } else if (claim instanceof String value) {
            roles.add(value);
        }
        return roles;
    }
}
