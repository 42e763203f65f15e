package io.sentryconnect.link;

import io.sentryconnect.ClockFactory;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.ReadOnly;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;

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
    private final JdbcOperations jdbc;
    private final Clock clock;

    LinkRepository(JdbcOperations jdbc, @Named(ClockFactory.NAME) Clock clock) {
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

    /** A ticket as the confirmation POST finds it, by its page's token. */
    record ConfirmationRow(byte[] ticketHash, LinkRequest request, String requestedBy, byte[] browserHash,
                           Instant expiresAt, @Nullable Instant confirmedAt) {
    }

    /** A state row as the callback finds it. */
    record StateRow(byte[] stateHash, LinkRequest request, byte[] codeVerifier, byte[] browserHash, Instant expiresAt,
                    @Nullable Instant usedAt) {
    }

    @Transactional
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

    /**
     * Consumes a ticket, whatever its state, under a row lock: of two concurrent starts with one ticket, the second
     * sees it used. Runs in the caller's transaction (the state is created in the same one).
     */
    Optional<TicketUse> consumeTicket(byte[] hash) {
        Instant now = clock.instant();
        Optional<TicketUse> found = jdbc.prepareStatement("SELECT tenant_id, user_id, scopes, return_to, grant_id, expires_at, used_at, "
                + "requested_by FROM sentry_connect_link_ticket WHERE ticket_hash = ? FOR UPDATE", ps -> {
            ps.setBytes(1, hash);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                TicketUse.Status status = rs.getTimestamp("used_at") != null ? TicketUse.Status.USED
                        : rs.getTimestamp("expires_at").toInstant().isAfter(now) ? TicketUse.Status.FRESH
                        : TicketUse.Status.EXPIRED;
                return Optional.of(new TicketUse(request(rs), status, requestedBy(rs)));
            }
        });
        if (found.isPresent() && found.get().status() != TicketUse.Status.USED) {
            jdbc.prepareStatement("UPDATE sentry_connect_link_ticket SET used_at = ? WHERE ticket_hash = ?", ps -> {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setBytes(2, hash);
                return ps.executeUpdate();
            });
        }
        return found;
    }

    /**
     * Records the confirmation page shown for a ticket just consumed: the hashes of its form token and of its
     * cookie. Runs in the caller's transaction, with the ticket's consumption (whose row lock it still holds).
     */
    void awaitConfirmation(byte[] ticketHash, byte[] confirmationHash, byte[] browserHash, Instant expiresAt) {
        jdbc.prepareStatement("UPDATE sentry_connect_link_ticket SET confirmation_hash = ?, confirmation_browser_hash = ?, "
                + "confirmation_expires_at = ? WHERE ticket_hash = ?", ps -> {
            ps.setBytes(1, confirmationHash);
            ps.setBytes(2, browserHash);
            ps.setTimestamp(3, Timestamp.from(expiresAt));
            ps.setBytes(4, ticketHash);
            return ps.executeUpdate();
        });
    }

    /**
     * The ticket a confirmation token belongs to, under a row lock: of two concurrent POSTs with one token, the
     * second waits and then sees it confirmed. Runs in the caller's transaction, with {@link #markConfirmed}.
     */
    Optional<ConfirmationRow> lockConfirmation(byte[] confirmationHash) {
        return jdbc.prepareStatement("SELECT ticket_hash, tenant_id, user_id, scopes, return_to, grant_id, requested_by, "
                + "confirmation_browser_hash, confirmation_expires_at, confirmed_at FROM sentry_connect_link_ticket "
                + "WHERE confirmation_hash = ? FOR UPDATE", ps -> {
            ps.setBytes(1, confirmationHash);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Timestamp confirmed = rs.getTimestamp("confirmed_at");
                return Optional.of(new ConfirmationRow(rs.getBytes("ticket_hash"), request(rs), requestedBy(rs),
                        rs.getBytes("confirmation_browser_hash"), rs.getTimestamp("confirmation_expires_at").toInstant(),
                        confirmed == null ? null : confirmed.toInstant()));
            }
        });
    }

    /** Runs in the caller's transaction, under {@link #lockConfirmation}'s lock. */
    void markConfirmed(byte[] ticketHash) {
        jdbc.prepareStatement("UPDATE sentry_connect_link_ticket SET confirmed_at = ? WHERE ticket_hash = ?", ps -> {
            ps.setTimestamp(1, Timestamp.from(clock.instant()));
            ps.setBytes(2, ticketHash);
            return ps.executeUpdate();
        });
    }

    /** Runs in the caller's transaction, with the ticket's consumption or confirmation. */
    void insertState(byte[] stateHash, LinkRequest request, byte[] codeVerifier, byte[] browserHash, Instant expiresAt) {
        jdbc.prepareStatement("INSERT INTO sentry_connect_link_state (state_hash, tenant_id, user_id, scopes, return_to, grant_id, code_verifier, "
                + "browser_hash, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
            ps.setBytes(1, stateHash);
            ps.setString(2, request.tenantId());
            ps.setString(3, request.userId());
            ps.setString(4, String.join(" ", request.scopes()));
            ps.setString(5, request.returnTo());
            ps.setObject(6, request.grantId());
            ps.setBytes(7, codeVerifier);
            ps.setBytes(8, browserHash);
            ps.setTimestamp(9, Timestamp.from(expiresAt));
            ps.setTimestamp(10, Timestamp.from(clock.instant()));
            return ps.executeUpdate();
        });
    }

    @ReadOnly
    Optional<StateRow> findState(byte[] stateHash) {
        return jdbc.prepareStatement("SELECT tenant_id, user_id, scopes, return_to, grant_id, code_verifier, browser_hash, "
                + "expires_at, used_at FROM sentry_connect_link_state WHERE state_hash = ?", ps -> {
            ps.setBytes(1, stateHash);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Timestamp used = rs.getTimestamp("used_at");
                return Optional.of(new StateRow(stateHash, request(rs), rs.getBytes("code_verifier"), rs.getBytes("browser_hash"),
                        rs.getTimestamp("expires_at").toInstant(), used == null ? null : used.toInstant()));
            }
        });
    }

    /**
     * Marks a state used if it is still unused and unexpired. The conditional UPDATE is the atomic step: of two
     * concurrent callbacks with one state (on any instances), exactly one sees 1 row updated.
     */
    @Transactional
    boolean consumeState(byte[] stateHash) {
        Instant now = clock.instant();
        return jdbc.prepareStatement("UPDATE sentry_connect_link_state SET used_at = ? WHERE state_hash = ? AND used_at IS NULL AND expires_at > ?", ps -> {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setBytes(2, stateHash);
            ps.setTimestamp(3, Timestamp.from(now));
            return ps.executeUpdate() == 1;
        });
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
