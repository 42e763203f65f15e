package io.sentryconnect.grant;

import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.micronaut.serde.annotation.Serdeable;
import io.sentryconnect.PluginJson;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.sentryconnect.token.GrantStatus;

import java.time.Instant;
import java.util.List;

/**
 * The grant JSON of docs/api.md; {@code reconnect_required} is true for revoked grants. Never any token. Every field is
 * always present (null or {@code []} when empty), as docs/api.md shows it, so that clients need not guess; times are
 * RFC 3339 strings ({@link Instant#toString()}: UTC, {@code Z}, as many fraction digits as the value has), made here
 * rather than by the JSON implementation, whose date settings are the host's.
 */
@Serdeable(naming = SnakeCaseStrategy.class)
@PluginJson
@JsonInclude(JsonInclude.Include.ALWAYS)
public record GrantJson(String id, String tenantId, String userId, String kind, String status,
                        @Nullable String statusReason, OrganizationJson organization, @Nullable SentryUserJson sentryUser,
                        List<String> scopes, @Nullable String expiresAt, String createdAt, String updatedAt,
                        @Nullable String lastRefreshedAt, boolean reconnectRequired, @Nullable String lastFailureAt,
                        @Nullable String lastFailureReason) {

    @Serdeable(naming = SnakeCaseStrategy.class)
    @PluginJson
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record OrganizationJson(String id, String slug, String name, String regionUrl) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    @PluginJson
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record SentryUserJson(String id, @Nullable String name, @Nullable String email) {
    }

    public static GrantJson of(Grant grant) {
        Grant.Organization org = grant.organization();
        Grant.SentryUserRef user = grant.sentryUser();
        return new GrantJson(grant.id().toString(), grant.tenantId(), grant.userId(), grant.kind().value(),
                grant.status().value(), grant.statusReason() == null ? null : grant.statusReason().value(),
                new OrganizationJson(org.id(), org.slug(), org.name(), org.regionUrl()),
                user == null ? null : new SentryUserJson(user.id(), user.name(), user.email()),
                grant.scopes(), text(grant.expiresAt()), grant.createdAt().toString(), grant.updatedAt().toString(),
                text(grant.lastRefreshedAt()), grant.status() == GrantStatus.REVOKED, text(grant.lastFailureAt()),
                grant.lastFailureReason());
    }

    @Nullable
    private static String text(@Nullable Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
