package io.sentryconnect.platform;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/** How the host platform's JWT is read: {@code sentry-connect.platform.*}. */
@ConfigurationProperties("sentry-connect.platform")
public interface PlatformProperties {
    /** Expected {@code iss}; checked by micronaut-security-jwt's issuer validator. */
    String getIssuer();

    /** Expected {@code aud}; checked by micronaut-security-jwt's audience validator. */
    String getAudience();

    @Bindable(defaultValue = "tenant")
    String getTenantClaim();

    @Bindable(defaultValue = "sub")
    String getUserClaim();

    @Bindable(defaultValue = "roles")
    String getRolesClaim();

    /** A caller with this role sees every grant of its tenant. */
    @Bindable(defaultValue = "tenant-admin")
    String getTenantAdminRole();
}
