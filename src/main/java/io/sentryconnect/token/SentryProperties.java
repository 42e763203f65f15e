package io.sentryconnect.token;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import io.sentryconnect.sentry.profile.SentryProfile;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * {@code sentry-connect.sentry.*}: the Sentry the plugin talks to and the OAuth application it talks as (in the
 * spirit of Nango's provider catalogue, what is Sentry-specific and not code). The plugin builds its own OAuth
 * client from these keys: nothing under {@code micronaut.security.oauth2.clients} is needed or created.
 *
 * @param baseUrl         {@code https://sentry.io} or a self-hosted URL
 * @param clientId        the OAuth application's client id (required)
 * @param clientSecret    its client secret (required; from the environment or a secret store)
 * @param tokenAuthMethod {@code client_secret_basic} (default) or {@code client_secret_post}
 * @param defaultScopes   what a link asks for when the caller names no scopes
 * @param allowedScopes   what a link may ask for at all
 * @param replicaLag      how long a fresh token may be unknown at a region (see {@code GrantAuthenticator})
 * @param regionUrls      the API hosts of Sentry's data regions, where organization discovery looks for a token's
 *                        organization (see {@link #discoveryOrigins()}); unset: sentry.io's regions for
 *                        {@code https://sentry.io}, none for a self-hosted Sentry
 */
@ConfigurationProperties("sentry-connect.sentry")
public record SentryProperties(
        @Bindable(defaultValue = "https://sentry.io") URI baseUrl,
        @Nullable String clientId,
        @Nullable Secret clientSecret,
        @Bindable(defaultValue = "client_secret_basic") String tokenAuthMethod,
        @Bindable(defaultValue = "org:read,project:read,team:read,member:read,event:read") List<String> defaultScopes,
        @Bindable(defaultValue = "org:read,project:read,team:read,member:read,event:read,event:write,project:releases")
        List<String> allowedScopes,
        @Bindable(defaultValue = "2s") Duration replicaLag,
        @Nullable List<URI> regionUrls) {

    private static final URI SAAS = URI.create("https://sentry.io");
    /** Any of these lets a token list its organization ({@code OrganizationPermission}'s scopes for a GET). */
    private static final List<String> ORGANIZATION_READING = List.of("org:read", "org:write", "org:admin");

    /**
     * Whether a token with these scopes can read its organization: organization discovery right after the
     * authorization lists it ({@code GET /api/0/organizations/}, which Sentry's {@code OrganizationPermission} allows
     * with {@code org:read}, {@code org:write} or {@code org:admin} only), and so does the grant check.
     */
    public static boolean readsOrganization(java.util.Collection<String> scopes) {
        return scopes.stream().anyMatch(ORGANIZATION_READING::contains);
    }

    /** Sentry's authorization endpoint, {@code {base}/oauth/authorize/}. */
    public URI authorizationUrl() {
        return URI.create(withoutTrailingSlash() + SentryProfile.SENTRY.oauth().authorizePath());
    }

    /** Sentry's token endpoint, {@code {base}/oauth/token/}. */
    public URI tokenUrl() {
        return URI.create(withoutTrailingSlash() + SentryProfile.SENTRY.oauth().tokenPath());
    }

    /**
     * Where organization discovery asks {@code GET /api/0/organizations/}: each data region's API host, in order, or
     * the base URL when there are no regions (a self-hosted Sentry is one region, its base URL). Sentry's organization
     * list is a region's ({@code OrganizationIndexEndpoint} is a region-silo endpoint: "organizations available to the
     * authenticated session in a region", and sentry.io answers it as its first region, us), so a token whose
     * organization lives in another region finds nothing there, or the user's one organization of that region
     * instead. sentry.io's own regions are the default for {@code https://sentry.io}.
     *
     * @throws ConfigurationException a region URL is not on the base URL's scheme and host or a subdomain of it: the
     *         grant's token is sent there
     */
    public List<URI> discoveryOrigins() {
        List<URI> regions = regionUrls != null && !regionUrls.isEmpty() ? regionUrls
                : SAAS.equals(URI.create(withoutTrailingSlash()))
                ? SentryProfile.SENTRY.regions().stream().map(SentryProfile.Region::apiUrl).toList() : List.of();
        LinkedHashSet<URI> origins = new LinkedHashSet<>();
        for (URI region : regions) {
            if (!underBaseUrl(region)) {
                throw new ConfigurationException("sentry-connect.sentry.region-urls: " + region
                        + " is not on " + baseUrl + " or a subdomain of it (the grant's token is sent there)");
            }
            origins.add(withoutTrailingSlash(region));
        }
        return origins.isEmpty() ? List.of(withoutTrailingSlash(baseUrl)) : List.copyOf(origins);
    }

    /**
     * Whether {@code url} is on the base URL's scheme and host or a subdomain of it ({@code us.sentry.io} under
     * {@code sentry.io}), without user info: only there may a grant's token go.
     */
    public boolean underBaseUrl(URI url) {
        String host = url.getHost();
        return host != null && baseUrl.getScheme().equalsIgnoreCase(url.getScheme()) && url.getUserInfo() == null
                && (host.equalsIgnoreCase(baseUrl.getHost()) || host.toLowerCase(Locale.ROOT)
                .endsWith("." + baseUrl.getHost().toLowerCase(Locale.ROOT)));
    }

    private static URI withoutTrailingSlash(URI url) {
        String s = url.toString();
        return URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    }

    private String withoutTrailingSlash() {
        String base = baseUrl.toString();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }
}
