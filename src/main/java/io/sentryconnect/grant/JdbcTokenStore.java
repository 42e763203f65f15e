package io.sentryconnect.grant;

import io.sentryconnect.database.Sql;
import io.sentryconnect.ClockFactory;
import io.sentryconnect.events.EventOutbox;
import io.sentryconnect.token.GrantStatus;
import io.sentryconnect.token.RefreshPolicy;
import io.sentryconnect.token.Secret;
import io.sentryconnect.token.SentryTokens;
import io.sentryconnect.token.StatusReason;
import io.sentryconnect.token.StoredTokens;
import io.sentryconnect.token.TokenStore;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@link TokenStore} of the token refresher, on the grant table and {@code sentry_connect_refresh_attempt}. Every
 * method runs in the caller's transaction; the refresher holds {@link #lockForRefresh}'s row lock until it commits.
 * An attempt row is written before that lock and so may name a version that is no longer current: the refresher
 * only counts one naming the version it holds locked, and {@link #saveRefreshed} deletes whatever row there is.
 */
@Singleton
final class JdbcTokenStore implements TokenStore {
    /** The row lock that serialises refreshes of one grant across instances; the version is re-checked under it. */
    private static final String LOCK = "SELECT " + GrantRows.COLUMNS + ", token_version, access_token, refresh_token, "
            + "token_issued_at FROM sentry_connect_grant WHERE id = ? FOR UPDATE";
    private static final String UNFINISHED = "SELECT token_version FROM sentry_connect_refresh_attempt WHERE grant_id = ?";
    /**
     * One attempt row per grant (its primary key): a newer attempt replaces an older one. Written before the row lock,
     * so a refresher that read a version already refreshed past may write late: the WHERE keeps its older version from
     * replacing the record of a refresh in flight (token versions only grow).
     */
    private static final String RECORD_ATTEMPT = "INSERT INTO sentry_connect_refresh_attempt (grant_id, token_version, "
            + "started_at) VALUES (?, ?, ?) ON CONFLICT (grant_id) DO UPDATE SET token_version = EXCLUDED.token_version, "
            + "started_at = EXCLUDED.started_at WHERE sentry_connect_refresh_attempt.token_version <= EXCLUDED.token_version";
    private static final String CLEAR_ATTEMPT = "DELETE FROM sentry_connect_refresh_attempt WHERE grant_id = ?";
    /** Runs under {@link #LOCK}'s row lock; the version bump tells every later reader that the tokens changed. */
    private static final String SAVE_REFRESHED = "UPDATE sentry_connect_grant SET access_token = ?, refresh_token = ?, "
            + "token_issued_at = ?, expires_at = ?, last_refreshed_at = ?, updated_at = ?, token_version = token_version + 1, "
            + "key_id = ?, refresh_due_at = ?, refresh_claimed_until = NULL WHERE id = ?";
    private static final String MARK_REVOKED = "UPDATE sentry_connect_grant SET status = 'revoked', status_reason = ?, "
            + "updated_at = ?, refresh_due_at = NULL, refresh_claimed_until = NULL WHERE id = ? RETURNING " + GrantRows.COLUMNS;
    /**
     * SKIP LOCKED: rows another instance is claiming right now are passed over, not waited for; the lease
     * ({@link #LEASE}) then keeps them out of every instance's claims until the refresh is done (or the lease runs out
     * after a crash). {@code status = 'active'} as a literal, so that the partial index on refresh_due_at serves it.
     */
    private static final String CLAIM_DUE = "SELECT id, token_version FROM sentry_connect_grant WHERE status = 'active' "
            + "AND refresh_due_at <= ? AND (refresh_claimed_until IS NULL OR refresh_claimed_until < ?) "
            + "ORDER BY refresh_due_at LIMIT ? FOR UPDATE SKIP LOCKED";
    private static final String LEASE = "UPDATE sentry_connect_grant SET refresh_claimed_until = ? WHERE id = ANY (?)";

    private final Sql jdbc;
    private final TokenColumns tokens;
    private final RefreshPolicy refreshPolicy;
    private final GrantEvents events;
    private final Clock clock;

    JdbcTokenStore(Sql jdbc, TokenColumns tokens, RefreshPolicy refreshPolicy, GrantEvents events,
                   @Named(ClockFactory.NAME) Clock clock) {
        this.jdbc = jdbc;
        this.tokens = tokens;
        this.refreshPolicy = refreshPolicy;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public Optional<StoredTokens> lockForRefresh(UUID grantId) {
        return jdbc.prepareStatement(LOCK, ps -> {
            GrantRows.bind(ps, grantId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(tokens.read(rs, GrantRows.grant(rs), true)) : Optional.<StoredTokens>empty();
            }
        });
    }

    @Override
    public Optional<Long> unfinishedRefresh(UUID grantId) {
        return jdbc.prepareStatement(UNFINISHED, ps -> {
            GrantRows.bind(ps, grantId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.<Long>empty();
            }
        });
    }

    @Override
    public void recordRefreshAttempt(UUID grantId, long version) {
        jdbc.prepareStatement(RECORD_ATTEMPT, ps -> GrantRows.bind(ps, grantId, version, clock.instant()).executeUpdate());
    }

    @Override
    public StoredTokens saveRefreshed(StoredTokens before, SentryTokens fresh) {
        jdbc.prepareStatement(CLEAR_ATTEMPT, ps -> GrantRows.bind(ps, before.grantId()).executeUpdate());
        Secret refresh = fresh.refreshToken() != null ? fresh.refreshToken() : before.refreshToken();
        Instant now = clock.instant();
        TokenColumns.Sealed sealed = tokens.seal(before.tenantId(), before.grantId(), fresh.accessToken(), refresh);
        Instant dueAt = refresh == null ? null : refreshPolicy.dueAt(fresh.issuedAt(), fresh.expiresAt());
        jdbc.prepareStatement(SAVE_REFRESHED, ps -> GrantRows.bind(ps, sealed.accessToken(), sealed.refreshToken(),
                fresh.issuedAt(), fresh.expiresAt(), now, now, sealed.keyId(), dueAt, before.grantId()).executeUpdate());
        return new StoredTokens(before.grantId(), before.tenantId(), GrantStatus.ACTIVE, null, before.version() + 1,
                fresh.accessToken(), refresh, fresh.issuedAt(), fresh.expiresAt());
    }

    @Override
    public StoredTokens markRevoked(StoredTokens before, StatusReason reason) {
        Grant revoked = jdbc.prepareStatement(MARK_REVOKED,
                ps -> GrantRows.single(GrantRows.bind(ps, reason.value(), clock.instant(), before.grantId())));
        events.emit(EventOutbox.Type.REVOKED, revoked);
        return new StoredTokens(before.grantId(), before.tenantId(), GrantStatus.REVOKED, reason, before.version(),
                before.accessToken(), before.refreshToken(), before.issuedAt(), before.expiresAt());
    }

    @Override
    public List<DueGrant> claimDueForRefresh(int limit, Duration lease) {
        Instant now = clock.instant();
        List<DueGrant> due = jdbc.prepareStatement(CLAIM_DUE, ps -> {
            GrantRows.bind(ps, now, now, limit);
            List<DueGrant> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new DueGrant(rs.getObject(1, UUID.class), rs.getLong(2)));
                }
            }
            return rows;
        });
        if (!due.isEmpty()) {
            jdbc.prepareStatement(LEASE, ps -> GrantRows.bind(ps, now.plus(lease),
                    ps.getConnection().createArrayOf("uuid", due.stream().map(DueGrant::grantId).toArray())).executeUpdate());
        }
        return due;
    }
}
