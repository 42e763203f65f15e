package io.sentryconnect.grant;

import io.sentryconnect.database.DatabaseProperties;
import io.sentryconnect.database.Sql;
import io.sentryconnect.ClockFactory;
import io.sentryconnect.events.EventOutbox;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import io.micronaut.transaction.annotation.Transactional;

import java.time.Clock;
import java.util.Optional;
import java.util.UUID;

/**
 * Disconnect: the tokens are destroyed (the columns set to null), and so are the Sentry user's name and e-mail (the
 * personal data the grant held: a tombstone needs neither, and a reconnect writes them afresh); the row stays as a
 * tombstone, with the organization a reconnect is checked against, and the Sentry user's id.
 */
@Singleton
public class GrantDisconnection {
    /**
     * One conditional UPDATE: of two concurrent disconnects (on any instances) exactly one changes the row and emits the
     * event; the version bump makes a refresh that read the tokens before find them gone under its row lock.
     */
    private static final String DISCONNECT = "UPDATE sentry_connect_grant SET status = 'disconnected', "
            + "status_reason = 'disconnected', access_token = NULL, refresh_token = NULL, key_id = NULL, refresh_due_at = NULL, "
            + "sentry_user_name = NULL, sentry_user_email = NULL, "
            + "token_version = token_version + 1, updated_at = ? "
            + "WHERE id = ? AND tenant_id = ? AND status <> 'disconnected' RETURNING " + GrantRows.COLUMNS;

    private final Sql jdbc;
    private final GrantEvents events;
    private final Clock clock;

    GrantDisconnection(Sql jdbc, GrantEvents events, @Named(ClockFactory.NAME) Clock clock) {
        this.jdbc = jdbc;
        this.events = events;
        this.clock = clock;
    }

    /** Whether this call disconnected the grant (false: it was disconnected already, or is not the tenant's). */
    @Transactional(DatabaseProperties.DATASOURCE)
    public boolean disconnect(String tenantId, UUID id) {
        Optional<Grant> disconnected = jdbc.prepareStatement(DISCONNECT,
                ps -> GrantRows.optional(GrantRows.bind(ps, clock.instant(), id, tenantId)));
        disconnected.ifPresent(grant -> events.emit(EventOutbox.Type.DISCONNECTED, grant));
        return disconnected.isPresent();
    }
}
