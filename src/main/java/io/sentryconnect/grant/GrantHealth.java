package io.sentryconnect.grant;

import io.micronaut.context.annotation.Value;
import io.sentryconnect.database.Sql;
import io.sentryconnect.ClockFactory;
import io.sentryconnect.events.EventOutbox;
import io.sentryconnect.token.RefreshHealth;
import io.sentryconnect.token.StoredTokens;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A grant's health between its start and its end: records each refresh that failed without revoking
 * ({@code last_failure_at}, {@code last_failure_reason}, the streak's attempt count) and writes
 * {@code grant.refresh_failed} at most once per {@code sentry-connect.refresh.failure-event-interval} per grant, and
 * {@code grant.recovered} when a grant whose failure was reported refreshes again. It runs inside the refresh's
 * transaction, which holds the grant's row lock ({@code SELECT … FOR UPDATE} in {@link JdbcTokenStore#lockForRefresh}):
 * that lock serialises these read-then-write steps across instances, so two instances failing at once write one event.
 */
@Singleton
final class GrantHealth implements RefreshHealth {
    private static final String GRANT = "SELECT " + GrantRows.COLUMNS + " FROM sentry_connect_grant WHERE id = ?";

    private final Sql jdbc;
    private final GrantEvents events;
    private final Clock clock;
    private final Duration interval;

    GrantHealth(Sql jdbc, GrantEvents events, @Named(ClockFactory.NAME) Clock clock,
                @Value("${sentry-connect.refresh.failure-event-interval:1h}") Duration interval) {
        this.jdbc = jdbc;
        this.events = events;
        this.clock = clock;
        this.interval = interval;
    }

    private record Streak(int attempts, boolean reported, Instant lastEventAt, Instant lastFailureAt,
                          String lastFailureReason) {
    }

    @Override
    public void refreshFailed(StoredTokens tokens, String reason) {
        Instant now = clock.instant();
        Streak before = streak(tokens.grantId());
        if (before == null) {
            return;
        }
        int attempts = before.attempts() + 1;
        boolean report = before.lastEventAt() == null || !before.lastEventAt().isAfter(now.minus(interval));
        jdbc.prepareStatement("UPDATE sentry_connect_grant SET last_failure_at = ?, last_failure_reason = ?, failure_attempts = ?, "
                + "failure_reported = failure_reported OR ?, failure_event_at = CASE WHEN ? THEN ? ELSE failure_event_at END "
                + "WHERE id = ?", ps -> {
            int i = 0;
            ps.setTimestamp(++i, Timestamp.from(now));
            ps.setString(++i, reason);
            ps.setInt(++i, attempts);
            ps.setBoolean(++i, report);
            ps.setBoolean(++i, report);
            ps.setTimestamp(++i, Timestamp.from(now));
            ps.setObject(++i, tokens.grantId());
            return ps.executeUpdate();
        });
        if (report) {
            emit(EventOutbox.Type.REFRESH_FAILED, tokens.grantId(), failure(reason, attempts, now));
        }
    }

    @Override
    public void refreshSucceeded(StoredTokens tokens) {
        Streak before = streak(tokens.grantId());
        if (before == null || before.attempts() == 0) {
            return;
        }
        jdbc.prepareStatement("UPDATE sentry_connect_grant SET failure_attempts = 0, failure_reported = false WHERE id = ?", ps -> {
            ps.setObject(1, tokens.grantId());
            return ps.executeUpdate();
        });
        if (before.reported()) {
            emit(EventOutbox.Type.RECOVERED, tokens.grantId(),
                    failure(before.lastFailureReason(), before.attempts(), before.lastFailureAt()));
        }
    }

    /** The grant's failure streak; the refresh already holds its row lock, FOR UPDATE says so here too. */
    private Streak streak(UUID grantId) {
        return jdbc.prepareStatement("SELECT failure_attempts, failure_reported, failure_event_at, last_failure_at, "
                + "last_failure_reason FROM sentry_connect_grant WHERE id = ? FOR UPDATE", ps -> {
            ps.setObject(1, grantId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new Streak(rs.getInt(1), rs.getBoolean(2), instant(rs.getTimestamp(3)), instant(rs.getTimestamp(4)),
                        rs.getString(5));
            }
        });
    }

    private void emit(EventOutbox.Type type, UUID grantId, Map<String, Object> failure) {
        Grant grant = jdbc.prepareStatement(GRANT, ps -> GrantRows.single(GrantRows.bind(ps, grantId)));
        events.emit(type, grant, Map.of("failure", failure));
    }

    private static Map<String, Object> failure(String reason, int attempts, Instant at) {
        Map<String, Object> failure = new LinkedHashMap<>();
        failure.put("reason", reason);
        failure.put("attempts", attempts);
        failure.put("failed_at", at.toString());
        return failure;
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
