package io.sentryconnect.grant;

import io.sentryconnect.database.DatabaseProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.connection.annotation.Connectable;
import io.sentryconnect.database.Sql;
import io.micronaut.transaction.annotation.ReadOnly;
import io.sentryconnect.platform.PlatformCaller;
import io.sentryconnect.token.GrantStatus;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads of the {@code sentry_connect_grant} table. A caller sees only what {@link PlatformCaller#mayAccess} allows
 * (its tenant's grants; a tenant admin all of them, anyone else its own); anything else is empty, exactly like a
 * grant that does not exist.
 */
@Singleton
public class GrantQueries {
    private static final String BY_ID = "SELECT " + GrantRows.COLUMNS + " FROM sentry_connect_grant WHERE id = ? AND tenant_id = ?";
    private static final String BY_ID_WITH_TOKENS = "SELECT " + GrantRows.COLUMNS + ", token_version, access_token, token_issued_at"
            + " FROM sentry_connect_grant WHERE id = ? AND tenant_id = ?";
    private static final String PROVISIONED = "SELECT " + GrantRows.COLUMNS
            + " FROM sentry_connect_grant WHERE tenant_id = ? AND kind = 'provisioned'";
    private static final String PAGE = "SELECT " + GrantRows.COLUMNS + " FROM sentry_connect_grant WHERE tenant_id = ?";

    private final Sql jdbc;
    private final TokenColumns tokens;

    GrantQueries(Sql jdbc, TokenColumns tokens) {
        this.jdbc = jdbc;
        this.tokens = tokens;
    }

    /** A grant the caller may see. */
    @ReadOnly(DatabaseProperties.DATASOURCE)
    public Optional<Grant> findVisible(PlatformCaller caller, UUID id) {
        return jdbc.prepareStatement(BY_ID, ps -> GrantRows.optional(GrantRows.bind(ps, id, caller.tenantId())))
                .filter(grant -> visible(caller, grant));
    }

    /**
     * {@link #findVisible} with the grant's access token: the proxy's single database round trip. {@code @Connectable}
     * rather than a read-only transaction: in autocommit the SELECT is the only statement sent (no BEGIN/COMMIT).
     */
    @Connectable(DatabaseProperties.DATASOURCE)
    public Optional<GrantWithTokens> findVisibleWithTokens(PlatformCaller caller, UUID id) {
        return jdbc.prepareStatement(BY_ID_WITH_TOKENS, ps -> {
            GrantRows.bind(ps, id, caller.tenantId());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.<GrantWithTokens>empty();
                }
                Grant grant = GrantRows.grant(rs);
                return Optional.of(new GrantWithTokens(grant, tokens.read(rs, grant, false)));
            }
        }).filter(found -> visible(caller, found.grant()));
    }

    /** The caller's visibility rule ({@link PlatformCaller#mayAccess}) for one grant. */
    public static boolean visible(PlatformCaller caller, Grant grant) {
        return caller.mayAccess(grant.tenantId(), grant.userId(), grant.kind() == GrantKind.PROVISIONED);
    }

    /**
     * A page of the grants the caller may see in id order (keyset pagination). {@code userId} narrows it to one owner;
     * a caller asking for an owner whose grants it may not see gets an empty page. Without a {@code status},
     * disconnected grants (tombstones) are left out.
     */
    @ReadOnly(DatabaseProperties.DATASOURCE)
    public List<Grant> list(PlatformCaller caller, @Nullable String userId, @Nullable GrantStatus status,
                            @Nullable String orgSlug, @Nullable UUID after, int limit) {
        if (userId != null && !caller.maySeeOwner(userId)) {
            return List.of();
        }
        String owner = userId != null ? userId : caller.ownerRestriction();
        StringBuilder sql = new StringBuilder(PAGE);
        List<Object> args = new ArrayList<>(List.of(caller.tenantId()));
        if (owner != null) {
            sql.append(" AND user_id = ?");
            args.add(owner);
        }
        if (!caller.tenantAdmin()) {
            sql.append(" AND kind <> 'provisioned'");
        }
        if (status != null) {
            sql.append(" AND status = ?");
            args.add(status.value());
        } else {
            sql.append(" AND status <> 'disconnected'");
        }
        if (orgSlug != null) {
            sql.append(" AND org_slug = ?");
            args.add(orgSlug);
        }
        if (after != null) {
            sql.append(" AND id > ?");
            args.add(after);
        }
        sql.append(" ORDER BY id LIMIT ?");
        args.add(limit);
        return jdbc.prepareStatement(sql.toString(), ps -> GrantRows.list(GrantRows.bind(ps, args.toArray())));
    }

    /** The tenant's provisioned grant, whatever its status (at most one: a partial unique index). */
    @ReadOnly(DatabaseProperties.DATASOURCE)
    public Optional<Grant> findProvisioned(String tenantId) {
        return jdbc.prepareStatement(PROVISIONED, ps -> GrantRows.optional(GrantRows.bind(ps, tenantId)));
    }
}
