package io.sentryconnect.platform;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/** How {@link ClaimsPlatformIdentity} reads the caller from the host's authentication: {@code sentry-connect.platform.*}. */
@ConfigurationProperties("sentry-connect.platform")
public interface PlatformProperties {
    /** Expected {@code iss}; unset: not checked by the plugin (the host's own JWT rules may check it). */
    @Nullable
    String getIssuer();

    /** Expected {@code aud} (one of the token's audiences); unset: not checked by the plugin. */
    @Nullable
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

    /** Refuse, on the plugin's routes, an authentication without an {@code exp} claim. */
    @Bindable(defaultValue = "true")
    boolean isRequireExpiry();

    /**
     * The oldest platform token the plugin's routes accept, by its {@code iat}; also the longest it may still have to
     * live (its {@code exp}). {@code 0}: not checked.
     */
    @Bindable(defaultValue = "24h")
    Duration getMaxTokenAge();

    /** How far in the future an {@code iat} may be (clocks differ), and the slack on both age limits. */
    @Bindable(defaultValue = "60s")
    Duration getClockSkew();
}
