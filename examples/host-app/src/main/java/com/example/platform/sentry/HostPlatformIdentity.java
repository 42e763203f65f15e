package com.example.platform.sentry;

import io.micronaut.security.authentication.Authentication;
import io.sentryconnect.platform.PlatformCaller;
import io.sentryconnect.platform.PlatformIdentity;
import jakarta.inject.Singleton;

import java.util.Optional;

/**
 * The platform's caller as sentry-connect sees it: the tenant is the user's account (the {@code account} claim), the
 * user is the subject, and an account owner sees every grant of the account. Replaces the plugin's claims-based
 * default, and with it that default's demand for an {@code exp}: the platform's tokens are the platform's business.
 */
@Singleton
class HostPlatformIdentity implements PlatformIdentity {
    @Override
    public Optional<PlatformCaller> caller(Authentication authentication) {
        if (!(authentication.getAttributes().get("account") instanceof String account) || account.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new PlatformCaller(account, authentication.getName(), authentication.getRoles().contains("owner")));
    }
}
