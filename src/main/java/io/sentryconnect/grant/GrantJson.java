package io.sentryconnect.grant;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import io.sentryconnect.Rfc3339;
import io.sentryconnect.token.GrantStatus;

import java.time.Instant;
import java.util.List;

/**
 * The grant JSON of docs/api.md; {@code reconnect_required} is true for revoked grants. Never any token. Every field is
 * always present (null or {@code []} when empty), as docs/api.md shows it, so that clients need not guess; times are
 * RFC 3339 strings whatever the host's own serde settings ({@link Rfc3339}).
 */
@Serdeable(naming = SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record GrantJson(String id, String tenantId, String userId, String kind, String status,
                        @Nullable String statusReason, OrganizationJson organization, @Nullable SentryUserJson sentryUser,
                        List<String> scopes, @Nullable @Serdeable.Serializable(using = Rfc3339.class) Instant expiresAt,
                        @Serdeable.Serializable(using = Rfc3339.class) Instant createdAt,
                        @Serdeable.Serializable(using = Rfc3339.class) Instant updatedAt,
                        @Nullable @Serdeable.Serializable(using = Rfc3339.class) Instant lastRefreshedAt,
                        boolean reconnectRequired,
                        @Nullable @Serdeable.Serializable(using = Rfc3339.class) Instant lastFailureAt,
                        @Nullable String lastFailureReason) {

    @Serdeable(naming = SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record OrganizationJson(String id, String slug, String name, String regionUrl) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
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
                grant.scopes(), grant.expiresAt(), grant.createdAt(), grant.updatedAt(), grant.lastRefreshedAt(),
                grant.status() == GrantStatus.REVOKED, grant.lastFailureAt(), grant.lastFailureReason());
    }
}
