package io.sentryconnect.grant;

import io.sentryconnect.events.EventOutbox;
import jakarta.inject.Singleton;

import java.util.Map;

/**
 * Every grant change the platform hears about, appended to the outbox in the writer's transaction (the change and its
 * event commit together), with the grant JSON of the API as its payload. A writer's first write is the grant's row
 * lock (or the grant's own INSERT or UPDATE): the transaction draws its id there, which keeps one grant's events in
 * the order of its changes in {@code GET /api/v1/events}, which pages by transaction id (migrations/V10).
 */
@Singleton
final class GrantEvents {
    private final EventOutbox outbox;

    GrantEvents(EventOutbox outbox) {
        this.outbox = outbox;
    }

    /** Appends the event and answers the grant, so that a writer can {@code return emit(…)}. */
    Grant emit(EventOutbox.Type type, Grant grant) {
        return emit(type, grant, Map.of());
    }

    /** @param details what the event says besides the grant (a failure, a scope change), beside it under {@code data} */
    Grant emit(EventOutbox.Type type, Grant grant, Map<String, Object> details) {
        outbox.append(type, grant.tenantId(), grant.userId(), grant.id(), GrantJson.of(grant), details);
        return grant;
    }
}
