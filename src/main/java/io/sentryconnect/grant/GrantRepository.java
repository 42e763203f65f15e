package io.sentryconnect.grant;

import io.sentryconnect.ClockFactory;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.data.connection.annotation.Connectable;
import io.micronaut.transaction.annotation.ReadOnly;
import io.sentryconnect.events.EventOutbox;
import io.sentryconnect.platform.PlatformCaller;
import io.sentryconnect.token.RefreshPolicy;
import io.sentryconnect.token.Secret;
import io.sentryconnect.token.SentryTokens;
import io.sentryconnect.token.StoredTokens;
import io.sentryconnect.token.TokenCipher;
import io.sentryconnect.token.TokenStore;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code sentry_connect_grant} table. Plain SQL through micronaut-data-jdbc's {@link JdbcOperations}, because the
 * writes that matter under concurrency ({@code FOR UPDATE}, {@code ON CONFLICT}) read best as the SQL they are.
 * Tokens are encrypted with {@link TokenCipher}; their associated data is the tenant, the grant id and the column.
 */
@Singleton
public class GrantRepository implements TokenStore {
    private static final String COLUMNS = "id, tenant_id, user_id, kind, status, status_reason, org_id, org_slug, org_name, "
            + "region_url, sentry_user_id, sentry_user_name, sentry_user_email, scopes, expires_at, created_at, updated_at, "
            + "last_refreshed_at, last_failure_at, last_failure_reason";
    private static final String TOKEN_COLUMNS = "token_version, access_token, refresh_token, token_issued_at";

    private final JdbcOperations jdbc;
    private final TokenCipher cipher;
    private final RefreshPolicy refreshPolicy;
    private final EventOutbox outbox;
    private final Clock clock;

    GrantRepository(JdbcOperations jdbc, TokenCipher cipher, RefreshPolicy refreshPolicy, EventOutbox outbox, @Named(ClockFactory.NAME) Clock clock) {
        this.jdbc = jdbc;
        this.cipher = cipher;
        this.refreshPolicy = refreshPolicy;
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * A grant with its decrypted access token: what a call to Sentry needs, read in one round trip. The refresh
     * token is not read here ({@code tokens.refreshToken()} is null): a refresh reads it under the row lock.
     */
    public record GrantWithTokens(Grant grant, StoredTokens tokens) {
    }

    /**
     * A grant the caller may see: in its tenant, and its own unless it is a tenant admin. Anything else is empty,
     * exactly like a grant that does not exist.
     */
    public Optional<Grant> findVisible(PlatformCaller caller, UUID id) {
        return find(caller.tenantId(), id).filter(g -> caller.mayAccess(g.tenantId(), g.userId()));
    }

    /** {@link #findVisible} with the grant's access token: the proxy's single database round trip. */
    public Optional<GrantWithTokens> findVisibleWithTokens(PlatformCaller caller, UUID id) {
        return findWithTokens(caller.tenantId(), id).filter(g -> caller.mayAccess(g.grant().tenantId(), g.grant().userId()));
    }

    /** One grant of a tenant (callers apply the per-user visibility rule). */
    @ReadOnly
    public Optional<Grant> find(String tenantId, UUID id) {
        return jdbc.prepareStatement("SELECT " + COLUMNS + " FROM sentry_connect_grant WHERE id = ? AND tenant_id = ?", ps -> {
            ps.setObject(1, id);
            ps.setString(2, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(grant(rs)) : Optional.empty();
            }
        });
    }

    /**
     * One grant of a tenant with its tokens: the proxy's single database round trip. {@code @Connectable} rather
     * than a read-only transaction: in autocommit the SELECT is the only statement sent (no BEGIN/COMMIT).
     */
    @Connectable
    public Optional<GrantWithTokens> findWithTokens(String tenantId, UUID id) {
        return jdbc.prepareStatement("SELECT " + COLUMNS + ", token_version, access_token, token_issued_at"
                + " FROM sentry_connect_grant WHERE id = ? AND tenant_id = ?", ps -> {
            ps.setObject(1, id);
            ps.setString(2, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Grant grant = grant(rs);
                return Optional.of(new GrantWithTokens(grant, tokens(rs, grant, false)));
            }
        });
    }

    /** A page of a tenant's grants in id order (keyset pagination), newest filters first. */
    @ReadOnly
    public List<Grant> list(String tenantId, @Nullable String userId, @Nullable String status, @Nullable String orgSlug,
                            @Nullable UUID after, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM sentry_connect_grant WHERE tenant_id = ?");
        List<Object> args = new ArrayList<>(List.of(tenantId));
        if (userId != null) {
            sql.append(" AND user_id = ?");
            args.add(userId);
        }
        if (status != null) {
            sql.append(" AND status = ?");
            args.add(status);
        } else {
            // Disconnected grants are tombstones: listed only when asked for by status.
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
        return jdbc.prepareStatement(sql.toString(), ps -> {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            List<Grant> grants = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    grants.add(grant(rs));
                }
            }
            return grants;
        });
    }

    /**
     * Records a completed link: a new grant, or the same (tenant, user, org)'s grant updated in place with the new
     * tokens and scopes. Two concurrent links of the same org by the same user meet at the unique constraint
     * {@code sentry_connect_grant_owner_org_uq}: the loser's insert does nothing, and it then updates the winner's row.
     */
    @Transactional
    public Grant upsertLinked(LinkedAuthorization link) {
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<UUID> existing = lockOwnerOrg(link);
            if (existing.isPresent()) {
                return reconnected(existing.get(), link);
            }
            Optional<Grant> inserted = insertLinked(UUID.randomUUID(), link);
            if (inserted.isPresent()) {
                return emit(EventOutbox.Type.CONNECTED, inserted.get());
            }
        }
        throw new IllegalStateException("grant upsert did not settle after 3 attempts");
    }

    /**
     * Records a completed reconnect of one grant: same organization → reactivated in place (scopes may grow);
     * another organization → {@link OrgMismatchException} and nothing changes.
     */
    @Transactional
    public Grant reconnect(UUID grantId, LinkedAuthorization link) {
        String orgId = jdbc.prepareStatement("SELECT org_id FROM sentry_connect_grant WHERE id = ? AND tenant_id = ? FOR UPDATE", ps -> {
            ps.setObject(1, grantId);
            ps.setString(2, link.tenantId());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        });
        if (orgId == null) {
            throw new GrantGoneException();
        }
        if (!orgId.equals(link.organization().id())) {
            throw new OrgMismatchException();
        }
        return reconnected(grantId, link);
    }

    /** A reconnect's update and its events: {@code grant.reconnected}, and {@code grant.scopes_changed} if the set differs. */
    private Grant reconnected(UUID id, LinkedAuthorization link) {
        List<String> before = jdbc.prepareStatement("SELECT scopes FROM sentry_connect_grant WHERE id = ?", ps -> {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return ScopeChange.parse(rs.getString(1));
            }
        });
        Grant grant = emit(EventOutbox.Type.RECONNECTED, updateLinked(id, link));
        ScopeChange.between(before, grant.scopes()).ifPresent(change -> outbox.append(EventOutbox.Type.SCOPES_CHANGED,
                grant.tenantId(), grant.userId(), grant.id(), GrantJson.of(grant), change.details()));
        return grant;
    }

    /** Disconnect: the tokens are destroyed (the columns set to null), the row stays as a tombstone. */
    @Transactional
    public boolean disconnect(String tenantId, UUID id) {
        Instant now = clock.instant();
        Optional<Grant> disconnected = jdbc.prepareStatement("UPDATE sentry_connect_grant SET status = 'disconnected', "
                + "status_reason = 'disconnected', access_token = NULL, refresh_token = NULL, key_id = NULL, refresh_due_at = NULL, "
                + "token_version = token_version + 1, updated_at = ? "
                + "WHERE id = ? AND tenant_id = ? AND status <> 'disconnected' RETURNING " + COLUMNS, ps -> {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setObject(2, id);
            ps.setString(3, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(grant(rs)) : Optional.empty();
            }
        });
        disconnected.ifPresent(grant -> emit(EventOutbox.Type.DISCONNECTED, grant));
        return disconnected.isPresent();
    }

    @Override
    public Optional<StoredTokens> lockForRefresh(UUID grantId) {
        return jdbc.prepareStatement("SELECT " + COLUMNS + ", " + TOKEN_COLUMNS + " FROM sentry_connect_grant WHERE id = ? FOR UPDATE", ps -> {
            ps.setObject(1, grantId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(tokens(rs, grant(rs), true)) : Optional.empty();
            }
        });
    }

    @Override
    public Optional<Long> unfinishedRefresh(UUID grantId) {
        return jdbc.prepareStatement("SELECT token_version FROM sentry_connect_refresh_attempt WHERE grant_id = ?", ps -> {
            ps.setObject(1, grantId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        });
    }

    @Override
    public void recordRefreshAttempt(UUID grantId, long version) {
        jdbc.prepareStatement("INSERT INTO sentry_connect_refresh_attempt (grant_id, token_version, started_at) VALUES (?, ?, ?) "
                + "ON CONFLICT (grant_id) DO UPDATE SET token_version = EXCLUDED.token_version, started_at = EXCLUDED.started_at", ps -> {
            ps.setObject(1, grantId);
            ps.setLong(2, version);
            ps.setTimestamp(3, Timestamp.from(clock.instant()));
            return ps.executeUpdate();
        });
    }

    @Override
    public StoredTokens saveRefreshed(StoredTokens before, SentryTokens fresh) {
        jdbc.prepareStatement("DELETE FROM sentry_connect_refresh_attempt WHERE grant_id = ?", ps -> {
            ps.setObject(1, before.grantId());
            return ps.executeUpdate();
        });
        Secret refresh = fresh.refreshToken() != null ? fresh.refreshToken() : before.refreshToken();
        Instant now = clock.instant();
        jdbc.prepareStatement("UPDATE sentry_connect_grant SET access_token = ?, refresh_token = ?, token_issued_at = ?, "
                + "expires_at = ?, last_refreshed_at = ?, updated_at = ?, token_version = token_version + 1, key_id = ?, "
                + "refresh_due_at = ?, refresh_claimed_until = NULL WHERE id = ?", ps -> {
            ps.setBytes(1, cipher.encrypt(fresh.accessToken(), ad(before.tenantId(), before.grantId(), "access")));
            ps.setBytes(2, refresh == null ? null : cipher.encrypt(refresh, ad(before.tenantId(), before.grantId(), "refresh")));
            ps.setTimestamp(3, Timestamp.from(fresh.issuedAt()));
            ps.setTimestamp(4, Timestamp.from(fresh.expiresAt()));
            ps.setTimestamp(5, Timestamp.from(now));
            ps.setTimestamp(6, Timestamp.from(now));
            ps.setInt(7, cipher.primaryKeyId());
            ps.setTimestamp(8, refresh == null ? null : timestamp(refreshPolicy.dueAt(fresh.issuedAt(), fresh.expiresAt())));
            ps.setObject(9, before.grantId());
            return ps.executeUpdate();
        });
        return new StoredTokens(before.grantId(), before.tenantId(), "active", null, before.version() + 1,
                fresh.accessToken(), refresh, fresh.issuedAt(), fresh.expiresAt());
    }

    @Override
    public StoredTokens markRevoked(StoredTokens before, String reason) {
        Grant revoked = jdbc.prepareStatement("UPDATE sentry_connect_grant SET status = 'revoked', status_reason = ?, updated_at = ?, "
                + "refresh_due_at = NULL, refresh_claimed_until = NULL WHERE id = ? RETURNING " + COLUMNS, ps -> {
            ps.setString(1, reason);
            ps.setTimestamp(2, Timestamp.from(clock.instant()));
            ps.setObject(3, before.grantId());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return grant(rs);
            }
        });
        emit(EventOutbox.Type.REVOKED, revoked);
        return new StoredTokens(before.grantId(), before.tenantId(), "revoked", reason, before.version(),
                before.accessToken(), before.refreshToken(), before.issuedAt(), before.expiresAt());
    }

    @Override
    public List<DueGrant> claimDueForRefresh(int limit, Duration lease) {
        Instant now = clock.instant();
        // SKIP LOCKED: rows another instance is claiming right now are passed over, not waited for; the lease then
        // keeps them out of every instance's claims until the refresh is done (or the lease runs out after a crash).
        List<DueGrant> due = jdbc.prepareStatement("SELECT id, token_version FROM sentry_connect_grant WHERE status = 'active' "
                + "AND refresh_due_at <= ? AND (refresh_claimed_until IS NULL OR refresh_claimed_until < ?) "
                + "ORDER BY refresh_due_at LIMIT ? FOR UPDATE SKIP LOCKED", ps -> {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setInt(3, limit);
            List<DueGrant> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new DueGrant(rs.getObject(1, UUID.class), rs.getLong(2)));
                }
            }
            return rows;
        });
        if (!due.isEmpty()) {
            jdbc.prepareStatement("UPDATE sentry_connect_grant SET refresh_claimed_until = ? WHERE id = ANY (?)", ps -> {
                ps.setTimestamp(1, Timestamp.from(now.plus(lease)));
                ps.setArray(2, ps.getConnection().createArrayOf("uuid", due.stream().map(DueGrant::grantId).toArray()));
                return ps.executeUpdate();
            });
        }
        return due;
    }

    /**
     * Key rotation: re-encrypts up to {@code limit} grants whose tokens are not under the primary key, in one
     * transaction. Rows are taken {@code FOR UPDATE SKIP LOCKED}, so a refresh in progress is passed over (it writes
     * with the primary key anyway) and the service keeps serving; the token version is not bumped, since the
     * tokens themselves do not change. Returns how many rows it re-encrypted: 0 means done.
     */
    @Transactional
    public int reencryptBatch(int limit) {
        int primary = cipher.primaryKeyId();
        List<Object[]> rows = jdbc.prepareStatement("SELECT id, tenant_id, access_token, refresh_token FROM sentry_connect_grant "
                + "WHERE access_token IS NOT NULL AND (key_id IS NULL OR key_id <> ?) ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED", ps -> {
            ps.setInt(1, primary);
            ps.setInt(2, limit);
            List<Object[]> found = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new Object[]{rs.getObject(1, UUID.class), rs.getString(2), rs.getBytes(3), rs.getBytes(4)});
                }
            }
            return found;
        });
        for (Object[] row : rows) {
            UUID id = (UUID) row[0];
            String tenant = (String) row[1];
            Secret access = cipher.decrypt((byte[]) row[2], ad(tenant, id, "access"));
            Secret refresh = row[3] == null ? null : cipher.decrypt((byte[]) row[3], ad(tenant, id, "refresh"));
            jdbc.prepareStatement("UPDATE sentry_connect_grant SET access_token = ?, refresh_token = ?, key_id = ? WHERE id = ?", ps -> {
                ps.setBytes(1, cipher.encrypt(access, ad(tenant, id, "access")));
                ps.setBytes(2, refresh == null ? null : cipher.encrypt(refresh, ad(tenant, id, "refresh")));
                ps.setInt(3, primary);
                ps.setObject(4, id);
                return ps.executeUpdate();
            });
        }
        return rows.size();
    }

    private Grant emit(EventOutbox.Type type, Grant grant) {
        outbox.append(type, grant.tenantId(), grant.userId(), grant.id(), GrantJson.of(grant));
        return grant;
    }

    private static Timestamp timestamp(@Nullable Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private Optional<UUID> lockOwnerOrg(LinkedAuthorization link) {
        return jdbc.prepareStatement("SELECT id FROM sentry_connect_grant WHERE tenant_id = ? AND user_id = ? AND org_id = ? FOR UPDATE", ps -> {
            ps.setString(1, link.tenantId());
            ps.setString(2, link.userId());
            ps.setString(3, link.organization().id());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getObject(1, UUID.class)) : Optional.empty();
            }
        });
    }

    private Optional<Grant> insertLinked(UUID id, LinkedAuthorization link) {
        Instant now = clock.instant();
        SentryTokens tokens = link.tokens();
        return jdbc.prepareStatement("INSERT INTO sentry_connect_grant (id, tenant_id, user_id, kind, status, org_id, org_slug, org_name, "
                + "region_url, sentry_user_id, sentry_user_name, sentry_user_email, scopes, access_token, refresh_token, "
                + "token_issued_at, expires_at, last_refreshed_at, token_version, created_at, updated_at, key_id, refresh_due_at) "
                + "VALUES (?, ?, ?, 'oauth', 'active', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 1, ?, ?, ?, ?) "
                + "ON CONFLICT ON CONSTRAINT sentry_connect_grant_owner_org_uq DO NOTHING RETURNING " + COLUMNS, ps -> {
            int i = 0;
            ps.setObject(++i, id);
            ps.setString(++i, link.tenantId());
            ps.setString(++i, link.userId());
            i = setLinkColumns(ps, i, link);
            ps.setBytes(++i, cipher.encrypt(tokens.accessToken(), ad(link.tenantId(), id, "access")));
            ps.setBytes(++i, tokens.refreshToken() == null ? null
                    : cipher.encrypt(tokens.refreshToken(), ad(link.tenantId(), id, "refresh")));
            ps.setTimestamp(++i, Timestamp.from(tokens.issuedAt()));
            ps.setTimestamp(++i, Timestamp.from(tokens.expiresAt()));
            ps.setTimestamp(++i, Timestamp.from(now));
            ps.setTimestamp(++i, Timestamp.from(now));
            ps.setInt(++i, cipher.primaryKeyId());
            ps.setTimestamp(++i, tokens.refreshToken() == null ? null : timestamp(refreshPolicy.dueAt(tokens.issuedAt(), tokens.expiresAt())));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(grant(rs)) : Optional.empty();
            }
        });
    }

    private Grant updateLinked(UUID id, LinkedAuthorization link) {
        Instant now = clock.instant();
        SentryTokens tokens = link.tokens();
        return jdbc.prepareStatement("UPDATE sentry_connect_grant SET status = 'active', status_reason = NULL, org_id = ?, org_slug = ?, "
                + "org_name = ?, region_url = ?, sentry_user_id = ?, sentry_user_name = ?, sentry_user_email = ?, scopes = ?, "
                + "access_token = ?, refresh_token = ?, token_issued_at = ?, expires_at = ?, key_id = ?, "
                + "refresh_due_at = ?, refresh_claimed_until = NULL, "
                + "token_version = token_version + 1, updated_at = ? WHERE id = ? RETURNING " + COLUMNS, ps -> {
            int i = setLinkColumns(ps, 0, link);
            ps.setBytes(++i, cipher.encrypt(tokens.accessToken(), ad(link.tenantId(), id, "access")));
            ps.setBytes(++i, tokens.refreshToken() == null ? null
                    : cipher.encrypt(tokens.refreshToken(), ad(link.tenantId(), id, "refresh")));
            ps.setTimestamp(++i, Timestamp.from(tokens.issuedAt()));
            ps.setTimestamp(++i, Timestamp.from(tokens.expiresAt()));
            ps.setInt(++i, cipher.primaryKeyId());
            ps.setTimestamp(++i, tokens.refreshToken() == null ? null : timestamp(refreshPolicy.dueAt(tokens.issuedAt(), tokens.expiresAt())));
            ps.setTimestamp(++i, Timestamp.from(now));
            ps.setObject(++i, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return grant(rs);
            }
        });
    }

    private static int setLinkColumns(PreparedStatement ps, int i, LinkedAuthorization link) throws SQLException {
        ps.setString(++i, link.organization().id());
        ps.setString(++i, link.organization().slug());
        ps.setString(++i, link.organization().name());
        ps.setString(++i, link.organization().regionUrl());
        ps.setString(++i, link.sentryUser() == null ? null : link.sentryUser().id());
        ps.setString(++i, link.sentryUser() == null ? null : link.sentryUser().name());
        ps.setString(++i, link.sentryUser() == null ? null : link.sentryUser().email());
        ps.setString(++i, String.join(" ", link.tokens().scopes()));
        return i;
    }

    /** Associated data of a token ciphertext: it decrypts only in the row and column it was written for. */
    static String ad(String tenantId, UUID grantId, String column) {
        return "sentry-connect:grant:" + tenantId.length() + ":" + tenantId + ":" + grantId + ":" + column;
    }

    private static Grant grant(ResultSet rs) throws SQLException {
        String sentryUserId = rs.getString("sentry_user_id");
        String scopes = rs.getString("scopes");
        return new Grant(rs.getObject("id", UUID.class), rs.getString("tenant_id"), rs.getString("user_id"),
                rs.getString("kind"), rs.getString("status"), rs.getString("status_reason"),
                new Grant.Organization(rs.getString("org_id"), rs.getString("org_slug"), rs.getString("org_name"),
                        rs.getString("region_url")),
                sentryUserId == null ? null : new Grant.SentryUserRef(sentryUserId, rs.getString("sentry_user_name"),
                        rs.getString("sentry_user_email")),
                scopes.isBlank() ? List.of() : Arrays.asList(scopes.split(" ")),
                instant(rs, "expires_at"), instant(rs, "created_at"), instant(rs, "updated_at"),
                instant(rs, "last_refreshed_at"), instant(rs, "last_failure_at"), rs.getString("last_failure_reason"));
    }

    private StoredTokens tokens(ResultSet rs, Grant grant, boolean withRefresh) throws SQLException {
        byte[] access = rs.getBytes("access_token");
        byte[] refresh = withRefresh ? rs.getBytes("refresh_token") : null;
        return new StoredTokens(grant.id(), grant.tenantId(), grant.status(), grant.statusReason(), rs.getLong("token_version"),
                access == null ? null : cipher.decrypt(access, ad(grant.tenantId(), grant.id(), "access")),
                refresh == null ? null : cipher.decrypt(refresh, ad(grant.tenantId(), grant.id(), "refresh")),
                instant(rs, "token_issued_at"), grant.expiresAt());
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }

    // --- Provisioned grants (Account Provisioning API): at most one per tenant ------------------------------------

    /** The tenant's provisioned grant, whatever its status. */
    @ReadOnly
    public Optional<Grant> findProvisioned(String tenantId) {
        return jdbc.prepareStatement("SELECT " + COLUMNS + " FROM sentry_connect_grant WHERE tenant_id = ? AND kind = 'provisioned'", ps -> {
            ps.setString(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(grant(rs)) : Optional.empty();
            }
        });
    }

    /**
     * Records a provisioning: the tenant's provisioned grant is created, or the existing one is updated in place
     * (never a second grant). Updating stores the integration token and makes the grant active again (a repeat after
     * a revocation or a disconnect brings it back), except when the grant is active with an OAuth refresh token
     * (it was reconnected through OAuth linking): then the user's authorization is kept. Two concurrent calls
     * for one tenant meet at the partial unique index {@code sentry_connect_grant_provisioned_tenant_uq}; the row lock
     * ({@code SELECT … FOR UPDATE}) serialises the updates. A grant of the same user for the same organization
     * linked through OAuth becomes the provisioned grant rather than colliding with it.
     */
    @Transactional
    public Grant upsertProvisioned(ProvisionedAuthorization account) {
        boolean[] wasActive = {false};
        for (int attempt = 0; attempt < 3; attempt++) {
            // id and whether the grant holds a live OAuth authorization (active, with a refresh token) to keep
            Optional<java.util.Map.Entry<UUID, Boolean>> existing = jdbc.prepareStatement("SELECT id, status, status = 'active' AND "
                    + "refresh_token IS NOT NULL AS keep_oauth FROM sentry_connect_grant WHERE tenant_id = ? AND (kind = 'provisioned' "
                    + "OR (user_id = ? AND org_id = ?)) ORDER BY (kind = 'provisioned') DESC LIMIT 1 FOR UPDATE", ps -> {
                ps.setString(1, account.tenantId());
                ps.setString(2, account.userId());
                ps.setString(3, account.organization().id());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    wasActive[0] = "active".equals(rs.getString("status"));
                    return Optional.of(java.util.Map.entry(rs.getObject("id", UUID.class), rs.getBoolean("keep_oauth")));
                }
            });
            if (existing.isPresent()) {
                UUID id = existing.get().getKey();
                Grant grant = existing.get().getValue() ? markProvisioned(id) : updateProvisioned(id, account);
                // A provisioning that brings a revoked or disconnected grant back is a reconnect for the platform.
                return wasActive[0] ? grant : emit(EventOutbox.Type.RECONNECTED, grant);
            }
            Optional<Grant> inserted = insertProvisioned(UUID.randomUUID(), account);
            if (inserted.isPresent()) {
                return emit(EventOutbox.Type.CONNECTED, inserted.get());
            }
        }
        throw new IllegalStateException("provisioned grant upsert did not settle after 3 attempts");
    }

    private Optional<Grant> insertProvisioned(UUID id, ProvisionedAuthorization account) {
        Instant now = clock.instant();
        return jdbc.prepareStatement("INSERT INTO sentry_connect_grant (id, tenant_id, user_id, kind, status, org_id, org_slug, org_name, "
                + "region_url, scopes, access_token, refresh_token, token_issued_at, expires_at, last_refreshed_at, token_version, "
                + "created_at, updated_at, key_id) VALUES (?, ?, ?, 'provisioned', 'active', ?, ?, ?, ?, ?, ?, NULL, ?, NULL, NULL, 1, ?, ?, ?) "
                + "ON CONFLICT DO NOTHING RETURNING " + COLUMNS, ps -> {
            int i = 0;
            ps.setObject(++i, id);
            ps.setString(++i, account.tenantId());
            ps.setString(++i, account.userId());
            i = setProvisionedColumns(ps, i, account);
            ps.setBytes(++i, cipher.encrypt(account.integrationToken(), ad(account.tenantId(), id, "access")));
            ps.setTimestamp(++i, Timestamp.from(now));
            ps.setTimestamp(++i, Timestamp.from(now));
            ps.setTimestamp(++i, Timestamp.from(now));
            ps.setInt(++i, cipher.primaryKeyId());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(grant(rs)) : Optional.empty();
            }
        });
    }

    private Grant updateProvisioned(UUID id, ProvisionedAuthorization account) {
        Instant now = clock.instant();
        return jdbc.prepareStatement("UPDATE sentry_connect_grant SET kind = 'provisioned', status = 'active', status_reason = NULL, "
                + "org_id = ?, org_slug = ?, org_name = ?, region_url = ?, scopes = ?, access_token = ?, refresh_token = NULL, "
                + "sentry_user_id = NULL, sentry_user_name = NULL, sentry_user_email = NULL, token_issued_at = ?, "
                + "expires_at = NULL, token_version = token_version + 1, updated_at = ?, key_id = ?, refresh_due_at = NULL, "
                + "refresh_claimed_until = NULL WHERE id = ? RETURNING " + COLUMNS, ps -> {
            int i = setProvisionedColumns(ps, 0, account);
            ps.setBytes(++i, cipher.encrypt(account.integrationToken(), ad(account.tenantId(), id, "access")));
            ps.setTimestamp(++i, Timestamp.from(now));
            ps.setTimestamp(++i, Timestamp.from(now));
            ps.setInt(++i, cipher.primaryKeyId());
            ps.setObject(++i, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return grant(rs);
            }
        });
    }

    private Grant markProvisioned(UUID id) {
        return jdbc.prepareStatement("UPDATE sentry_connect_grant SET kind = 'provisioned', updated_at = ? WHERE id = ? RETURNING " + COLUMNS, ps -> {
            ps.setTimestamp(1, Timestamp.from(clock.instant()));
            ps.setObject(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return grant(rs);
            }
        });
    }

    private static int setProvisionedColumns(PreparedStatement ps, int i, ProvisionedAuthorization account) throws SQLException {
        ps.setString(++i, account.organization().id());
        ps.setString(++i, account.organization().slug());
        ps.setString(++i, account.organization().name());
        ps.setString(++i, account.organization().regionUrl());
        ps.setString(++i, String.join(" ", account.scopes()));
        return i;
    }

    /** The grant disappeared while a flow was bound to it. */
    public static final class GrantGoneException extends RuntimeException {
        GrantGoneException() {
            super("the grant no longer exists", null, false, false);
        }
    }
}
