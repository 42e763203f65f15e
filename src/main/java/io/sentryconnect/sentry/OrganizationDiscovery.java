package io.sentryconnect.sentry;

import io.sentryconnect.http.PluginHttpClients;
import io.sentryconnect.token.SentryProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.sentryconnect.http.HttpFailure;
import io.sentryconnect.sentry.profile.SentryProfile;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.sentryconnect.grant.Grant;
import io.sentryconnect.token.Secret;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Map;

/**
 * Finds the one organization an org-scoped token belongs to: {@code GET /api/0/organizations/} answers only that
 * organization, with {@code links.regionUrl} naming its data region (absent on self-hosted: the base URL then).
 */
@Singleton
public final class OrganizationDiscovery {
    private static final SentryProfile PROFILE = SentryProfile.SENTRY;
    private final HttpClient http;
    private final SentryProperties sentry;

    @Inject
    OrganizationDiscovery(PluginHttpClients clients, SentryProperties sentry) {
        this(clients.discovery(), sentry);
    }

    OrganizationDiscovery(HttpClient http, SentryProperties sentry) {
        this.http = http;
        this.sentry = sentry;
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record OrganizationJson(String id, String slug, String name, @Nullable Map<String, String> links) {
    }

    /** Why discovery failed: the answer was wrong, or Sentry was not there to give one. */
    public static final class DiscoveryFailed extends RuntimeException {
        private final boolean unavailable;

        DiscoveryFailed(boolean unavailable, String message) {
            super(message, null, false, false);
            this.unavailable = unavailable;
        }

        public boolean unavailable() {
            return unavailable;
        }
    }

    private static DiscoveryFailed failed(HttpFailure failure) {
        return switch (failure.kind()) {
            case TIMEOUT -> new DiscoveryFailed(true, "organization discovery timed out");
            case UNREACHABLE -> new DiscoveryFailed(true, "Sentry could not be reached for organization discovery");
            case RATE_LIMITED, SERVER_ERROR -> new DiscoveryFailed(true, "Sentry answered " + failure.status()
                    + " to organization discovery");
            case UNREADABLE -> new DiscoveryFailed(false, "Sentry's organization list could not be read");
            case REFUSED -> new DiscoveryFailed(false, "Sentry answered " + failure.status() + " to organization discovery");
        };
    }

    /**
     * A region URL is trusted only on the configured Sentry's scheme and host or a subdomain of it
     * ({@code us.sentry.io} under {@code sentry.io}): the grant's token is sent there on every call.
     */
    private boolean sameSentry(java.net.URI region) {
        java.net.URI base = sentry.baseUrl();
        String host = region.getHost();
        return host != null && base.getScheme().equalsIgnoreCase(region.getScheme()) && region.getUserInfo() == null
                && (host.equalsIgnoreCase(base.getHost()) || host.toLowerCase().endsWith("." + base.getHost().toLowerCase()));
    }

    /**
     * @param accessToken    the new token
     * @param organizationId the {@code organization_id} of the token response, when Sentry sent one
     */
    public Grant.Organization discover(Secret accessToken, @Nullable String organizationId) {
        List<OrganizationJson> orgs;
        try {
            String list = "/" + PROFILE.apiRoot() + PROFILE.organizationRoutes().organizationsList() + "/";
            orgs = http.toBlocking().retrieve(HttpRequest.GET(sentry.baseUrl().resolve(list).toString())
                    .bearerAuth(accessToken.reveal()), Argument.listOf(OrganizationJson.class));
        } catch (RuntimeException e) {
            throw failed(HttpFailure.of(e));
        }
        if (orgs == null || orgs.size() != 1) {
            throw new DiscoveryFailed(false, "the token sees " + (orgs == null ? 0 : orgs.size()) + " organizations, not one");
        }
        OrganizationJson org = orgs.get(0);
        if (org.id() == null || org.slug() == null || (organizationId != null && !organizationId.equals(org.id()))) {
            throw new DiscoveryFailed(false, "the organization does not match the token's organization_id");
        }
        String region = org.links() == null ? null : org.links().get(PROFILE.organizationRoutes().regionLink());
        String regionUrl = region == null || region.isBlank() ? sentry.baseUrl().toString() : region;
        java.net.URI regionUri;
        try {
            regionUri = java.net.URI.create(regionUrl);
        } catch (IllegalArgumentException e) {
            throw new DiscoveryFailed(false, "the organization's region URL is not a URL");
        }
        if (!sameSentry(regionUri)) {
            throw new DiscoveryFailed(false, "the organization's region URL is not under the configured Sentry host");
        }
        return new Grant.Organization(org.id(), org.slug(), org.name() == null ? org.slug() : org.name(),
                regionUrl.endsWith("/") ? regionUrl.substring(0, regionUrl.length() - 1) : regionUrl);
    }
}
