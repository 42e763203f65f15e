package io.sentryconnect.link;

import io.sentryconnect.database.DatabaseProperties;
import io.sentryconnect.ClockFactory;
import io.micronaut.core.annotation.Nullable;
import io.sentryconnect.database.Sql;
import io.micronaut.data.connection.annotation.Connectable;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The {@code sentry_connect_link_ticket} and {@code sentry_connect_link_state} tables: single-use, expiring, stored only as hashes. */
@Singleton
class LinkRepository {
    private static final String STATE_COLUMNS = "tenant_id, user_id, scopes, return_to, grant_id, code_verifier, browser_hash, "
            + "expires_at, used_at";
    private final Sql jdbc;
    private final Clock clock;

    LinkRepository(Sql jdbc, @Named(ClockFactory.NAME) Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** What a ticket or state carries from the API call to the callback. */
    record LinkRequest(String tenantId, String userId, List<String> scopes, String returnTo, @Nullable UUID grantId) {
    }

    /**
     * A consumed ticket: its request, whether it was fresh, expired, or already used, and the platform user who
     * minted it (the request's user, unless a tenant admin asked for a reconnect of another user's grant).
     */
    record TicketUse(LinkRequest request, Status status, String requestedBy) {
        enum Status { FRESH, EXPIRED, USED }
    }

    /** A state row as the callback finds it. */
    record StateRow(byte[] stateHash, LinkRequest request, byte[] codeVerifier, byte[] browserHash, Instant expiresAt,
                    @Nullable Instant usedAt) {
    }

    @Connectable(DatabaseProperties.DATASOURCE)
    void insertTicket(byte[] hash, LinkRequest request, String requestedBy, Instant expiresAt) {
        jdbc.prepareStatement("INSERT INTO sentry_connect_link_ticket (ticket_hash, tenant_id, user_id, scopes, return_to, grant_id, "
                + "expires_at, created_at, requested_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
            ps.setBytes(1, hash);
            ps.setString(2, request.tenantId());
            ps.setString(3, request.userId());
            ps.setString(4, String.join(" ", request.scopes()));
            ps.setString(5, request.returnTo());
            ps.setObject(6, request.grantId());
            ps.setTimestamp(7, Timestamp.from(expiresAt));
            ps.setTimestamp(8, Timestamp.from(clock.instant()));
            ps.setString(9, requestedBy);
            return ps.executeUpdate();
        });
    }

    /** A confirmation page to record with a fresh ticket's consumption: the hashes of its form token and of its cookie. */
    record AwaitedConfirmation(byte[] tokenHash, byte[] browserHash, Instant expiresAt) {
    }

    /**
     * Consumes a ticket, whatever its state, in one statement: the sub-select's row lock orders two concurrent starts
     * with one ticket, and the second then reads the first's {@code used_at} and sees the ticket used. With
     * {@code confirmation}, a fresh ticket also records its confirmation page in the same statement. Auto-commit on
     * its own, or the caller's transaction.
     */
    @Connectable(DatabaseProperties.DATASOURCE)
    Optional<TicketUse> consumeTicket(byte[] hash, @Nullable AwaitedConfirmation confirmation) {
        Instant now = clock.instant();
        String fresh = "old.used_at IS NULL AND t.expires_at > ?";
        String awaited = confirmation == null ? "" : ", confirmation_hash = CASE WHEN " + fresh + " THEN ? ELSE t.confirmation_hash END, "
                + "confirmation_browser_hash = CASE WHEN " + fresh + " THEN ? ELSE t.confirmation_browser_hash END, "
                + "confirmation_expires_at = CASE WHEN " + fresh + " THEN ? ELSE t.confirmation_expires_at END";
        return jdbc.prepareStatement("UPDATE sentry_connect_link_ticket t SET used_at = COALESCE(old.used_at, ?)" + awaited
                + " FROM (SELECT ticket_hash, used_at FROM sentry_connect_link_ticket WHERE ticket_hash = ? FOR UPDATE) old "
                + "WHERE t.ticket_hash = old.ticket_hash RETURNING t.tenant_id, t.user_id, t.scopes, t.return_to, t.grant_id, "
                + "t.expires_at, old.used_at AS was_used, t.requested_by", ps -> {
            int i = 1;
            ps.setTimestamp(i++, Timestamp.from(now));
            if (confirmation != null) {
                for (Object value : new Object[]{confirmation.tokenHash(), confirmation.browserHash(), Timestamp.from(confirmation.expiresAt())}) {
                    ps.setTimestamp(i++, Timestamp.from(now));
                    ps.setObject(i++, value);
                }
            }
            ps.setBytes(i, hash);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                TicketUse.Status status = rs.getTimestamp("was_used") != null ? TicketUse.Status.USED
                        : rs.getTimestamp("expires_at").toInstant().isAfter(now) ? TicketUse.Status.FRESH
                        : TicketUse.Status.EXPIRED;
                return Optional.of(new TicketUse(request(rs), status, requestedBy(rs)));
            }
        });
    }

    /**
     * Records the confirmation page shown for a ticket just consumed: the hashes of its form token and of its
     * cookie. Runs in the caller's transaction, with the ticket's consumption (whose row lock it still holds).
     */
    void awaitConfirmation(byte[] ticketHash, AwaitedConfirmation confirmation) {
        jdbc.prepareStatement("UPDATE sentry_connect_link_ticket SET confirmation_hash = ?, confirmation_browser_hash = ?, "
                + "confirmation_expires_at = ? WHERE ticket_hash = ?", ps -> {
            ps.setBytes(1, confirmation.tokenHash());
            ps.setBytes(2, confirmation.browserHash());
            ps.setTimestamp(3, Timestamp.from(confirmation.expiresAt()));
            ps.setBytes(4, ticketHash);
            return ps.executeUpdate();
        });
    }

    /** A state to create, with its encrypted PKCE verifier and the hash of its binding cookie. */
    record NewState(byte[] stateHash, byte[] codeVerifier, byte[] browserHash, Instant expiresAt) {
    }

    /** A confirmation POST's ticket: whether it was confirmed before this POST, and whether this POST created the state. */
    record Confirmation(byte[] ticketHash, LinkRequest request, String requestedBy, boolean expired,
                        boolean wasConfirmed, boolean stateCreated) {
    }

    /**
     * Marks the ticket of a confirmation token confirmed, if the POST comes from the browser that holds the page's
     * cookie ({@code browserHash}): empty otherwise (see {@link #findConfirmation}), and a foreign POST burns nothing.
     * The sub-select's row lock orders two concurrent POSTs with one token: the second reads the first's
     * {@code confirmed_at}. With {@code state}, a first confirmation within its expiry also creates the state, in the
     * same statement (a data-modifying CTE), so that the anonymous browser's POST is one round trip in auto-commit.
     */
    @Connectable(DatabaseProperties.DATASOURCE)
    Optional<Confirmation> confirm(byte[] confirmationHash, byte[] browserHash, @Nullable NewState state) {
        Instant now = clock.instant();
        String confirm = "UPDATE sentry_connect_link_ticket t SET confirmed_at = COALESCE(old.confirmed_at, ?) FROM (SELECT "
                + "ticket_hash, confirmed_at FROM sentry_connect_link_ticket WHERE confirmation_hash = ? AND "
                + "confirmation_browser_hash = ? FOR UPDATE) old WHERE t.ticket_hash = old.ticket_hash RETURNING t.ticket_hash, "
                + "t.tenant_id, t.user_id, t.scopes, t.return_to, t.grant_id, t.requested_by, t.confirmation_expires_at, "
                + "old.confirmed_at AS was_confirmed";
        String sql = state == null ? "WITH c AS (" + confirm + ") SELECT c.*, false AS state_created FROM c"
                : "WITH c AS (" + confirm + "), s AS (INSERT INTO sentry_connect_link_state (state_hash, tenant_id, user_id, "
                + "scopes, return_to, grant_id, code_verifier, browser_hash, expires_at, created_at) SELECT ?, tenant_id, user_id, "
                + "scopes, return_to, grant_id, ?, ?, ?, ? FROM c WHERE was_confirmed IS NULL AND confirmation_expires_at > ? "
                + "RETURNING state_hash) SELECT c.*, EXISTS (SELECT 1 FROM s) AS state_created FROM c";
        return jdbc.prepareStatement(sql, ps -> {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setBytes(2, confirmationHash);
            ps.setBytes(3, browserHash);
            if (state != null) {
                ps.setBytes(4, state.stateHash());
                ps.setBytes(5, state.codeVerifier());
                ps.setBytes(6, state.browserHash());
                ps.setTimestamp(7, Timestamp.from(state.expiresAt()));
                ps.setTimestamp(8, Timestamp.from(now));
                ps.setTimestamp(9, Timestamp.from(now));
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Confirmation(rs.getBytes("ticket_hash"), request(rs), requestedBy(rs),
                        !rs.getTimestamp("confirmation_expires_at").toInstant().isAfter(now), rs.getTimestamp("was_confirmed") != null,
                        rs.getBoolean("state_created")));
            }
        });
    }

    /** The request of the ticket a confirmation token names: tells an unknown token from another browser's POST (failure paths). */
    @Connectable(DatabaseProperties.DATASOURCE)
    Optional<LinkRequest> findConfirmation(byte[] confirmationHash) {
        return jdbc.prepareStatement("SELECT tenant_id, user_id, scopes, return_to, grant_id FROM sentry_connect_link_ticket "
                + "WHERE confirmation_hash = ?", ps -> {
            ps.setBytes(1, confirmationHash);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(request(rs)) : Optional.<LinkRequest>empty();
            }
        });
    }

    /** Creates a state for {@code request}: in the caller's transaction, or auto-commit on its own. */
    @Connectable(DatabaseProperties.DATASOURCE)
    void insertState(NewState state, LinkRequest request) {
        jdbc.prepareStatement("INSERT INTO sentry_connect_link_state (state_hash, tenant_id, user_id, scopes, return_to, grant_id, code_verifier, "
                + "browser_hash, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
            ps.setBytes(1, state.stateHash());
            ps.setString(2, request.tenantId());
            ps.setString(3, request.userId());
            ps.setString(4, String.join(" ", request.scopes()));
            ps.setString(5, request.returnTo());
            ps.setObject(6, request.grantId());
            ps.setBytes(7, state.codeVerifier());
            ps.setBytes(8, state.browserHash());
            ps.setTimestamp(9, Timestamp.from(state.expiresAt()));
            ps.setTimestamp(10, Timestamp.from(clock.instant()));
            return ps.executeUpdate();
        });
    }

    /**
     * Consumes a state if it is unused, unexpired and presented with its binding cookie ({@code browserHash}). The
     * conditional UPDATE is the atomic step: of two concurrent callbacks with one state (on any instances), exactly
     * one gets the row. The hashes are compared in SQL, not in constant time: what leaks is the SHA-256 of a random
     * cookie, which gives no way to a cookie that hashes to it. Empty: see {@link #findState} for why.
     */
    @Connectable(DatabaseProperties.DATASOURCE)
    Optional<StateRow> consumeState(byte[] stateHash, byte[] browserHash) {
        Instant now = clock.instant();
        return jdbc.prepareStatement("UPDATE sentry_connect_link_state SET used_at = ? WHERE state_hash = ? AND browser_hash = ? "
                + "AND used_at IS NULL AND expires_at > ? RETURNING " + STATE_COLUMNS, ps -> {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setBytes(2, stateHash);
            ps.setBytes(3, browserHash);
            ps.setTimestamp(4, Timestamp.from(now));
            return state(ps, stateHash);
        });
    }

    /** A state as it is, to tell why {@link #consumeState} found nothing to consume (failure paths only). */
    @Connectable(DatabaseProperties.DATASOURCE)
    Optional<StateRow> findState(byte[] stateHash) {
        return jdbc.prepareStatement("SELECT " + STATE_COLUMNS + " FROM sentry_connect_link_state WHERE state_hash = ?", ps -> {
            ps.setBytes(1, stateHash);
            return state(ps, stateHash);
        });
    }

    private static Optional<StateRow> state(PreparedStatement ps, byte[] stateHash) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            Timestamp used = rs.getTimestamp("used_at");
            return Optional.of(new StateRow(stateHash, request(rs), rs.getBytes("code_verifier"), rs.getBytes("browser_hash"),
                    rs.getTimestamp("expires_at").toInstant(), used == null ? null : used.toInstant()));
        }
    }

    /** Tickets minted before requested_by existed were asked for by their own user. */
    private static String requestedBy(ResultSet rs) throws SQLException {
        String requestedBy = rs.getString("requested_by");
        return requestedBy == null ? rs.getString("user_id") : requestedBy;
    }

    private static LinkRequest request(ResultSet rs) throws SQLException {
        String scopes = rs.getString("scopes");
        return new LinkRequest(rs.getString("tenant_id"), rs.getString("user_id"),
                scopes.isBlank() ? List.of() : Arrays.asList(scopes.split(" ")), rs.getString("return_to"),
                rs.getObject("grant_id", UUID.class));
    }
}
