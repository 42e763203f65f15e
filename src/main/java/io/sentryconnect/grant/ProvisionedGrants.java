package io.sentryconnect.grant;

import io.sentryconnect.database.DatabaseProperties;
import io.sentryconnect.database.Sql;
import io.sentryconnect.ClockFactory;
import io.sentryconnect.events.EventOutbox;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import io.micronaut.transaction.annotation.Transactional;

import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Records provisionings (Account Provisioning API): at most one provisioned grant per tenant. */
@Singleton
public class ProvisionedGrants {
    /**
     * The tenant's provisioned grant, or else the same user's OAuth grant of the same organization, locked: concurrent
     * provisionings of one tenant are serialised by this row lock once the row exists.
     */
    private static final String LOCK_EXISTING = "SELECT id, scopes, status = 'active' AS was_active, status = 'active' AND "
            + "refresh_token IS NOT NULL AS keep_oauth FROM sentry_connect_grant WHERE tenant_id = ? AND (kind = 'provisioned' "
            + "OR (user_id = ? AND org_id = ?)) ORDER BY (kind = 'provisioned') DESC LIMIT 1 FOR UPDATE";
    /**
     * Before the row exists, the partial unique index {@code sentry_connect_grant_provisioned_tenant_uq} decides between
     * two concurrent first provisionings: the loser inserts nothing, and its next attempt finds and locks the winner's row.
     */
    private static final String INSERT = "INSERT INTO sentry_connect_grant (id, tenant_id, user_id, kind, status, org_id, "
            + "org_slug, org_name, region_url, scopes, access_token, refresh_token, token_issued_at, expires_at, "
            + "last_refreshed_at, token_version, created_at, updated_at, key_id) "
            + "VALUES (?, ?, ?, 'provisioned', 'active', ?, ?, ?, ?, ?, ?, NULL, ?, NULL, NULL, 1, ?, ?, ?) "
            + "ON CONFLICT DO NOTHING RETURNING " + GrantRows.COLUMNS;
    /** Bumps token_version, so that a refresh queued behind the lock sees the new token and does not overwrite it. */
    private static final String UPDATE = "UPDATE sentry_connect_grant SET kind = 'provisioned', status = 'active', "
            + "status_reason = NULL, org_id = ?, org_slug = ?, org_name = ?, region_url = ?, scopes = ?, access_token = ?, "
            + "refresh_token = NULL, sentry_user_id = NULL, sentry_user_name = NULL, sentry_user_email = NULL, "
            + "token_issued_at = ?, expires_at = NULL, token_version = token_version + 1, updated_at = ?, key_id = ?, "
            + "refresh_due_at = NULL, refresh_claimed_until = NULL WHERE id = ? RETURNING " + GrantRows.COLUMNS;
    private static final String MARK = "UPDATE sentry_connect_grant SET kind = 'provisioned', updated_at = ? WHERE id = ? "
            + "RETURNING " + GrantRows.COLUMNS;

    private final Sql jdbc;
    private final TokenColumns tokens;
    private final GrantEvents events;
    private final Clock clock;

    ProvisionedGrants(Sql jdbc, TokenColumns tokens, GrantEvents events, @Named(ClockFactory.NAME) Clock clock) {
        this.jdbc = jdbc;
        this.tokens = tokens;
        this.events = events;
        this.clock = clock;
    }

    /**
     * The row {@link #LOCK_EXISTING} found: its scopes, whether it was active, and whether it holds a live OAuth
     * authorization to keep.
     */
    private record Existing(UUID id, List<String> scopes, boolean wasActive, boolean keepOAuth) {
    }

    /**
     * Records a provisioning: the tenant's provisioned grant is created, or the existing one is updated in place
     * (never a second grant). Updating stores the integration token and makes the grant active again (a repeat after
     * a revocation or a disconnect brings it back), except when the grant is active with an OAuth refresh token
     * (it was reconnected through OAuth linking): then the user's authorization is kept. A grant of the same user for
     * the same organization linked through OAuth becomes the provisioned grant rather than colliding with it.
     */
    @Transactional(DatabaseProperties.DATASOURCE)
    public Grant upsertProvisioned(ProvisionedAuthorization account) {
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<Existing> existing = jdbc.prepareStatement(LOCK_EXISTING, ps -> {
                GrantRows.bind(ps, account.tenantId(), account.userId(), account.organization().id());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Existing(rs.getObject("id", UUID.class),
                            ScopeChange.parse(rs.getString("scopes")), rs.getBoolean("was_active"), rs.getBoolean("keep_oauth")))
                            : Optional.<Existing>empty();
                }
            });
            if (existing.isPresent()) {
                Existing row = existing.get();
                if (row.keepOAuth()) {
                    return mark(row.id());
                }
                Grant grant = update(row.id(), account);
                // A provisioning that brings a revoked or disconnected grant back is a reconnect for the platform; one
                // whose token carries another scope set says so, as a reconnect through OAuth does.
                if (!row.wasActive()) {
                    events.emit(EventOutbox.Type.RECONNECTED, grant);
                }
                ScopeChange.between(row.scopes(), grant.scopes())
                        .ifPresent(change -> events.emit(EventOutbox.Type.SCOPES_CHANGED, grant, change.details()));
                return grant;
            }
            Optional<Grant> inserted = insert(UUID.randomUUID(), account);
            if (inserted.isPresent()) {
                return events.emit(EventOutbox.Type.CONNECTED, inserted.get());
            }
        }
        throw new IllegalStateException("provisioned grant upsert did not settle after 3 attempts");
    }

    private Optional<Grant> insert(UUID id, ProvisionedAuthorization account) {
        Instant now = clock.instant();
        Grant.Organization org = account.organization();
        TokenColumns.Sealed sealed = tokens.seal(account.tenantId(), id, account.integrationToken(), null);
        return jdbc.prepareStatement(INSERT, ps -> GrantRows.optional(GrantRows.bind(ps, id, account.tenantId(),
                account.userId(), org.id(), org.slug(), org.name(), org.regionUrl(), GrantRows.scopes(account.scopes()),
                sealed.accessToken(), now, now, now, sealed.keyId())));
    }

    private Grant update(UUID id, ProvisionedAuthorization account) {
        Instant now = clock.instant();
        Grant.Organization org = account.organization();
        TokenColumns.Sealed sealed = tokens.seal(account.tenantId(), id, account.integrationToken(), null);
        return jdbc.prepareStatement(UPDATE, ps -> GrantRows.single(GrantRows.bind(ps, org.id(), org.slug(), org.name(),
                org.regionUrl(), GrantRows.scopes(account.scopes()), sealed.accessToken(), now, now, sealed.keyId(), id)));
    }

    private Grant mark(UUID id) {
        return jdbc.prepareStatement(MARK, ps -> GrantRows.single(GrantRows.bind(ps, clock.instant(), id)));
    }
}
