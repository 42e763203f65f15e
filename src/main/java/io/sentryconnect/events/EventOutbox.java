package io.sentryconnect.events;

import io.sentryconnect.ClockFactory;
import io.sentryconnect.database.Sql;
import io.sentryconnect.PlainJson;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Appends an event to the outbox in the caller's transaction: the change and its event commit or roll back
 * together. The payload is what the webhook receiver and the polling API get, never any token.
 */
@Singleton
public final class EventOutbox {
    /** The grant changes the host platform hears about: its start and end, and its health in between. */
    public enum Type {
        CONNECTED("grant.connected"), RECONNECTED("grant.reconnected"), REVOKED("grant.revoked"), DISCONNECTED("grant.disconnected"),
        REFRESH_FAILED("grant.refresh_failed"), RECOVERED("grant.recovered"), SCOPES_CHANGED("grant.scopes_changed");

        private final String wireName;

        Type(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    private final Sql jdbc;
    private final Clock clock;

    EventOutbox(Sql jdbc, @Named(ClockFactory.NAME) Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * @param grant the grant as the API shows it (a {@link io.sentryconnect.PluginJson} value without tokens)
     */
    public void append(Type type, String tenantId, String userId, UUID grantId, Object grant) {
        append(type, tenantId, userId, grantId, grant, Map.of());
    }

    /** @param details what the event says besides the grant (e.g. a failure's reason), next to it under {@code data} */
    public void append(Type type, String tenantId, String userId, UUID grantId, Object grant, Map<String, Object> details) {
        UUID eventId = UUID.randomUUID();
        Instant now = clock.instant();
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("id", eventId.toString());
        payload.put("type", type.wireName());
        payload.put("created_at", now.toString());
        payload.put("tenant_id", tenantId);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("grant", grant);
        data.putAll(details);
        payload.put("data", data);
        String body;
        try {
            // The plugin's own mapper: the payload is the webhook's body and the events page's, and no setting of the
            // host's (nulls or empty lists left out, say) may reshape it once it is stored.
            body = PlainJson.writeString(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        jdbc.prepareStatement("INSERT INTO sentry_connect_grant_event (event_id, tenant_id, user_id, grant_id, type, payload, created_at, "
                + "next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
            ps.setObject(1, eventId);
            ps.setString(2, tenantId);
            ps.setString(3, userId);
            ps.setObject(4, grantId);
            ps.setString(5, type.wireName());
            ps.setString(6, body);
            ps.setTimestamp(7, Timestamp.from(now));
            ps.setTimestamp(8, Timestamp.from(now));
            return ps.executeUpdate();
        });
    }
}
