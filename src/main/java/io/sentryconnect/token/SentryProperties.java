package io.sentryconnect.token;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import io.sentryconnect.sentry.profile.SentryProfile;

import java.net.URI;
import java.time.Duration;
import java.util.List;

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
        @Bindable(defaultValue = "2s") Duration replicaLag) {

    /** Sentry's authorization endpoint, {@code {base}/oauth/authorize/}. */
    public URI authorizationUrl() {
        return URI.create(withoutTrailingSlash() + SentryProfile.SENTRY.oauth().authorizePath());
    }

    /** Sentry's token endpoint, {@code {base}/oauth/token/}. */
    public URI tokenUrl() {
        return URI.create(withoutTrailingSlash() + SentryProfile.SENTRY.oauth().tokenPath());
    }

    private String withoutTrailingSlash() {
        String base = baseUrl.toString();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }
}
