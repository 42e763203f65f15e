package io.sentryconnect.provisioning;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import io.sentryconnect.token.Secret;

import java.net.URI;
import java.util.List;

/**
 * {@code sentry-connect.partner.*}: this service as one of Sentry's partners. The channel and secret key sign calls to
 * Sentry's Account Provisioning API (the secret comes from the environment in production); the rest is the sheet
 * that Sentry's partnership team needs to register our OAuth client ({@code GET /api/v1/partner/registration}).
 *
 * @param channel          the partner channel Sentry assigned to us
 * @param secret           the partner secret key: signs every provisioning request (HMAC-SHA256)
 * @param clientName       the OAuth client's name as Sentry shows it on the consent page
 * @param redirectUris     the exact callback URIs to register
 * @param allowedOrigins   the origins our pages run on
 * @param homePageUrl      the product's home page
 * @param privacyPolicyUrl the privacy policy
 * @param termsUrl         the terms of service
 * @param requiredScopes   the scopes the client must be allowed to ask for (empty: {@code sentry-connect.sentry.allowed-scopes})
 * @param testAccounts     whether organizations we provision are test accounts ({@code isTest}): true in dev and test
 * @param organizationIdPrefix put before the tenant id in Sentry's {@code organizationID} (empty: the tenant id alone):
 *                         deployments that share a partner channel and tenant ids (staging and production) then
 *                         provision organizations of their own
 */
@ConfigurationProperties("sentry-connect.partner")
public record PartnerProperties(@Nullable String channel, @Nullable Secret secret, @Nullable String clientName,
                                @Nullable List<URI> redirectUris, @Nullable List<URI> allowedOrigins,
                                @Nullable URI homePageUrl, @Nullable URI privacyPolicyUrl, @Nullable URI termsUrl,
                                @Nullable List<String> requiredScopes,
                                @Bindable(defaultValue = "false") boolean testAccounts,
                                @Nullable String organizationIdPrefix) {
    public PartnerProperties {
        organizationIdPrefix = organizationIdPrefix == null ? "" : organizationIdPrefix.strip();
        redirectUris = redirectUris == null ? List.of() : List.copyOf(redirectUris);
        allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
        requiredScopes = requiredScopes == null ? List.of() : List.copyOf(requiredScopes);
    }

    /**
     * The longest {@code organizationID} we send: the bound the stand-in plays for the Account Provisioning API, whose
     * code is not in Sentry's public repository (a longer one is refused before it is sent).
     */
    public static final int MAX_ORGANIZATION_ID = 255;
    /** The longest prefix: it leaves the rest of {@link #MAX_ORGANIZATION_ID} to the tenant id. */
    public static final int MAX_ORGANIZATION_ID_PREFIX = 64;

    /** Sentry's {@code organizationID} for a tenant: the one key Sentry's provisioning is idempotent on. */
    public String organizationId(String tenantId) {
        return organizationIdPrefix + tenantId;
    }

    /** Whether this deployment may call the Account Provisioning API at all. */
    public boolean provisioningConfigured() {
        return channel != null && !channel.isBlank() && secret != null && !secret.reveal().isBlank();
    }
}
