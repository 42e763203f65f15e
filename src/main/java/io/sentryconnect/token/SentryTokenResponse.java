package io.sentryconnect.token;

import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.micronaut.serde.annotation.Serdeable;
import io.sentryconnect.PluginJson;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.security.oauth2.endpoint.token.response.TokenResponse;

/**
 * Sentry's token response: the standard fields of {@link TokenResponse} plus the ones Sentry adds for an
 * org-level application ({@code user}, {@code organization_id}, {@code expires_at}).
 */
@Serdeable(naming = SnakeCaseStrategy.class)
@PluginJson
public class SentryTokenResponse extends TokenResponse {
    @Nullable
    private SentryUser user;
    @Nullable
    private String organizationId;
    @Nullable
    private String expiresAt;

    @Nullable
    public SentryUser getUser() {
        return user;
    }

    public void setUser(@Nullable SentryUser user) {
        this.user = user;
    }

    @Nullable
    public String getOrganizationId() {
        return organizationId;
    }

    public void setOrganizationId(@Nullable String organizationId) {
        this.organizationId = organizationId;
    }

    @Nullable
    public String getExpiresAt() {
        return expiresAt;
    }

    public void setExpiresAt(@Nullable String expiresAt) {
        this.expiresAt = expiresAt;
    }

    @Override
    public String toString() {
        return "SentryTokenResponse[organizationId=" + organizationId + ", expiresAt=" + expiresAt + ", tokens redacted]";
    }
}
