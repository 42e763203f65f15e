package io.sentryconnect.platform;

import io.micronaut.http.HttpRequest;
import io.micronaut.security.token.Claims;
import io.micronaut.security.token.jwt.validator.GenericJwtClaimsValidator;
import jakarta.inject.Singleton;

/**
 * Rejects a platform JWT that names no tenant or no user, or that never expires: every grant query needs the
 * tenant, and a token without {@code exp} would live forever (micronaut-security-jwt only checks {@code exp}
 * when it is present).
 */
@Singleton
final class TenantClaimValidator implements GenericJwtClaimsValidator<HttpRequest<?>> {
    private final PlatformProperties properties;

    TenantClaimValidator(PlatformProperties properties) {
        this.properties = properties;
    }

    @Override
    public boolean validate(Claims claims, HttpRequest<?> request) {
        return nonBlank(claims.get(properties.getTenantClaim()))
                && nonBlank(claims.get(properties.getUserClaim()))
                && claims.get(Claims.EXPIRATION_TIME) != null;
    }

    private static boolean nonBlank(Object value) {
        return value instanceof String s && !s.isBlank();
    }
}
