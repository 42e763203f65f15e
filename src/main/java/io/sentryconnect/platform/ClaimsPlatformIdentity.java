package io.sentryconnect.platform;

import io.micronaut.context.annotation.Secondary;
import io.micronaut.security.authentication.Authentication;
import jakarta.inject.Singleton;

import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The default {@link PlatformIdentity}: the tenant, user and roles claims of the authentication's attributes (a
 * verified JWT's claims). It also requires what a grant query needs and a host's own rules may not: a non-blank tenant
 * and user, an {@code exp} (a token without one would live forever), and, when configured, the issuer and audience.
 * These rules apply to the plugin's routes only; the host's own routes keep the host's rules.
 */
@Singleton
@Secondary
public class ClaimsPlatformIdentity implements PlatformIdentity {
    private final PlatformProperties properties;

    public ClaimsPlatformIdentity(PlatformProperties properties) {
        this.properties = properties;
    }

    @Override
    public Optional<PlatformCaller> caller(Authentication authentication) {
        Map<String, Object> claims = authentication.getAttributes();
        Object tenant = claims.get(properties.getTenantClaim());
        Object user = claims.get(properties.getUserClaim());
        if (user == null && "sub".equals(properties.getUserClaim())) {
            user = authentication.getName();
        }
        if (!nonBlank(tenant) || !nonBlank(user)) {
            return Optional.empty();
        }
        if (properties.isRequireExpiry() && claims.get("exp") == null) {
            return Optional.empty();
        }
        if (properties.getIssuer() != null && !properties.getIssuer().equals(claims.get("iss"))) {
            return Optional.empty();
        }
        if (properties.getAudience() != null && !audienceContains(claims.get("aud"), properties.getAudience())) {
            return Optional.empty();
        }
        return Optional.of(PlatformCaller.of((String) tenant, (String) user, roles(claims.get(properties.getRolesClaim())),
                properties.getTenantAdminRole()));
    }

    private static boolean audienceContains(Object claim, String audience) {
        if (claim instanceof Collection<?> values) {
            return values.stream().anyMatch(v -> audience.equals(String.valueOf(v)));
        }
        return audience.equals(claim);
    }

    private static boolean nonBlank(Object value) {
        return value instanceof String s && !s.isBlank();
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
