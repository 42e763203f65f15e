package io.sentryconnect.platform;

import io.micronaut.security.authentication.Authentication;

import java.util.Optional;

/**
 * Who calls the plugin's API, read from the host application's own {@link Authentication}: the tenant every grant
 * query is scoped to, the user, and whether the caller may act on all of the tenant's grants.
 *
 * <p>The default, {@link ClaimsPlatformIdentity}, reads JWT claims named by {@code sentry-connect.platform.*}. A host
 * whose identity looks different (a session, other claim names, roles from its own database) declares a bean of this
 * interface; it replaces the default. It is consulted only on the plugin's own routes.
 */
public interface PlatformIdentity {
    /**
     * The caller, or empty when {@code authentication} does not name a tenant and a user the plugin accepts (the
     * request is then refused with {@code 401}, on the plugin's routes only).
     */
    Optional<PlatformCaller> caller(Authentication authentication);
}
