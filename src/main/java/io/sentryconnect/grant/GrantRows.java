package io.sentryconnect.grant;

import io.micronaut.core.annotation.Nullable;
import io.sentryconnect.token.GrantStatus;
import io.sentryconnect.token.StatusReason;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code sentry_connect_grant} row as Java sees it: the column list, the row mapper, and the binding of
 * statement parameters. Every writer and reader of the table goes through these, so a column is mapped in one place
 * (statuses, kinds and reasons included: {@link GrantStatus#value()} and friends are the column values).
 */
final class GrantRows {
    /** The columns {@link #grant} reads: every {@code SELECT} and {@code RETURNING} of a whole grant names these. */
    static final String COLUMNS = "id, tenant_id, user_id, kind, status, status_reason, org_id, org_slug, org_name, "
            + "region_url, sentry_user_id, sentry_user_name, sentry_user_email, scopes, expires_at, created_at, updated_at, "
            + "last_refreshed_at, last_failure_at, last_failure_reason";

    private GrantRows() {
    }

    static Grant grant(ResultSet rs) throws SQLException {
        String sentryUserId = rs.getString("sentry_user_id");
        String scopes = rs.getString("scopes");
        String reason = rs.getString("status_reason");
        return new Grant(rs.getObject("id", UUID.class), rs.getString("tenant_id"), rs.getString("user_id"),
                GrantKind.of(rs.getString("kind")),
                GrantStatus.of(rs.getString("status")).orElseThrow(() -> new IllegalStateException("unknown grant status")),
                reason == null ? null : StatusReason.of(reason).orElse(null),
                new Grant.Organization(rs.getString("org_id"), rs.getString("org_slug"), rs.getString("org_name"),
                        rs.getString("region_url")),
                sentryUserId == null ? null : new Grant.SentryUserRef(sentryUserId, rs.getString("sentry_user_name"),
                        rs.getString("sentry_user_email")),
                scopes.isBlank() ? List.of() : Arrays.asList(scopes.split(" ")),
                instant(rs, "expires_at"), instant(rs, "created_at"), instant(rs, "updated_at"),
                instant(rs, "last_refreshed_at"), instant(rs, "last_failure_at"), rs.getString("last_failure_reason"));
    }

    /** Runs the query and maps its one row, if any. */
    static Optional<Grant> optional(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(grant(rs)) : Optional.empty();
        }
    }

    /** Runs a statement that returns exactly one grant (an UPDATE … RETURNING of a row the caller holds locked). */
    static Grant single(PreparedStatement ps) throws SQLException {
        return optional(ps).orElseThrow(() -> new IllegalStateException("the locked grant row is gone"));
    }

    static List<Grant> list(PreparedStatement ps) throws SQLException {
        List<Grant> grants = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                grants.add(grant(rs));
            }
        }
        return grants;
    }

    /**
     * Binds {@code values} to the statement's parameters in order: an {@link Instant} as a timestamp, bytes as
     * bytes, null as an untyped null. Hand-written: Sql hands us a PreparedStatement, and one ordered list of
     * values per statement reads and checks better than a numbered setter per parameter.
     */
    static PreparedStatement bind(PreparedStatement ps, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            Object value = values[i];
            if (value instanceof Instant instant) {
                ps.setTimestamp(i + 1, Timestamp.from(instant));
            } else if (value instanceof byte[] bytes) {
                ps.setBytes(i + 1, bytes);
            } else {
                ps.setObject(i + 1, value);
            }
        }
        return ps;
    }

    static String scopes(List<String> scopes) {
        return String.join(" ", scopes);
    }

    @Nullable
    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }
}
