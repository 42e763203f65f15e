package io.sentryconnect.sentry;

import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.micronaut.serde.annotation.Serdeable;
import io.sentryconnect.PluginJson;
import io.sentryconnect.http.PluginHttpClients;
import io.sentryconnect.token.SentryProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.sentryconnect.http.HttpFailure;
import io.sentryconnect.sentry.profile.SentryProfile;
import io.sentryconnect.grant.Grant;
import io.sentryconnect.token.Secret;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the one organization an org-scoped token belongs to. Sentry's {@code GET /api/0/organizations/} is a
 * region's list (see {@link SentryProperties#discoveryOrigins()}): asked in a region that holds the token's
 * organization it answers that organization alone, with {@code links.regionUrl} naming its region (absent on
 * self-hosted: the base URL then); asked in another region it answers nothing, or the user's one organization there
 * ({@code organization_index.py} narrows the user's organizations to the token's only when there are several). So the
 * regions are asked in turn until one lists the organization whose id the token response named.
 */
@Singleton
public final class OrganizationDiscovery {
    private static final SentryProfile PROFILE = SentryProfile.SENTRY;
    private static final String LIST = "/" + PROFILE.apiRoot() + PROFILE.organizationRoutes().organizationsList() + "/";
    private final HttpClient http;
    private final SentryProperties sentry;
    private final Unauthorized unauthorized;
    private final List<URI> origins;

    @Inject
    OrganizationDiscovery(PluginHttpClients clients, SentryProperties sentry, Unauthorized unauthorized) {
        this(clients.discovery(), sentry, unauthorized);
    }

    OrganizationDiscovery(HttpClient http, SentryProperties sentry, Unauthorized unauthorized) {
        this.http = http;
        this.sentry = sentry;
        this.unauthorized = unauthorized;
        this.origins = sentry.discoveryOrigins();
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    @PluginJson
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
     * @param accessToken    the new token
     * @param organizationId the {@code organization_id} of the token response, when Sentry sent one
     * @throws DiscoveryFailed no region lists the token's organization (unavailable: one of them could not answer)
     */
    public Grant.Organization discover(Secret accessToken, @Nullable String organizationId) {
        Map<String, OrganizationJson> seen = new LinkedHashMap<>();
        DiscoveryFailed unanswered = null;
        for (URI origin : origins) {
            List<OrganizationJson> orgs;
            try {
                orgs = list(origin, accessToken);
            } catch (DiscoveryFailed e) {
                // Another region may still hold it; a region that could not answer makes the failure a retryable one.
                unanswered = unanswered == null || e.unavailable() ? e : unanswered;
                continue;
            }
            if (organizationId != null && orgs.size() == 1 && organizationId.equals(orgs.get(0).id())) {
                return organization(orgs.get(0));
            }
            orgs.stream().filter(o -> o.id() != null).forEach(o -> seen.putIfAbsent(o.id(), o));
        }
        if (organizationId == null && seen.size() == 1) {
            // No organization_id to check against (not an org-level app's token): only an answer with no doubt.
            return organization(seen.values().iterator().next());
        }
        if (unanswered != null && (unanswered.unavailable() || seen.isEmpty())) {
            throw unanswered;
        }
        throw new DiscoveryFailed(false, organizationId == null
                ? "the token sees " + seen.size() + " organizations, not one"
                : "no region's organization list (" + origins.size() + " asked) holds the token's organization "
                + organizationId + " alone; its region may be missing from sentry-connect.sentry.region-urls");
    }

    /**
     * One region's list, asked again with the same token after short waits while it answers {@code Invalid token}
     * within {@code sentry-connect.sentry.replica-lag}: a region checks tokens against an asynchronously replicated
     * copy, and this token is seconds old ({@link ReplicaLagWait}).
     */
    private List<OrganizationJson> list(URI origin, Secret accessToken) {
        ReplicaLagWait wait = ReplicaLagWait.within(sentry.replicaLag());
        while (true) {
            try {
                List<OrganizationJson> orgs = http.toBlocking().retrieve(HttpRequest.GET(origin + LIST)
                        .bearerAuth(accessToken.reveal()), Argument.listOf(OrganizationJson.class));
                return orgs == null ? List.of() : orgs;
            } catch (HttpClientResponseException e) {
                if (!unknownToken(e) || !wait.pause()) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw new DiscoveryFailed(true, "organization discovery was interrupted");
                    }
                    throw failed(HttpFailure.of(e));
                }
            } catch (RuntimeException e) {
                throw failed(HttpFailure.of(e));
            }
        }
    }

    /** An {@code Invalid token} 401, as {@link Unauthorized} reads it; a URL refusal is not worth waiting for. */
    private boolean unknownToken(HttpClientResponseException e) {
        if (e.getStatus().getCode() != 401) {
            return false;
        }
        try {
            return Unauthorized.unknownToken(unauthorized.message(e));
        } catch (RequestScopeRefused refused) {
            return false;
        }
    }

    private Grant.Organization organization(OrganizationJson org) {
        if (org.id() == null || org.slug() == null) {
            throw new DiscoveryFailed(false, "the organization list names an organization without its id or slug");
        }
        String region = org.links() == null ? null : org.links().get(PROFILE.organizationRoutes().regionLink());
        String regionUrl = region == null || region.isBlank() ? sentry.baseUrl().toString() : region;
        URI regionUri;
        try {
            regionUri = URI.create(regionUrl);
        } catch (IllegalArgumentException e) {
            throw new DiscoveryFailed(false, "the organization's region URL is not a URL");
        }
        if (!sentry.underBaseUrl(regionUri)) {
            throw new DiscoveryFailed(false, "the organization's region URL is not under the configured Sentry host");
        }
        return new Grant.Organization(org.id(), org.slug(), org.name() == null ? org.slug() : org.name(),
                regionUrl.endsWith("/") ? regionUrl.substring(0, regionUrl.length() - 1) : regionUrl);
    }
}
