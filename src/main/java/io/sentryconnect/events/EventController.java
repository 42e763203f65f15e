package io.sentryconnect.events;

import io.sentryconnect.database.DatabaseProperties;
import io.micronaut.context.annotation.Requires;
import io.sentryconnect.Endpoints;
import io.micronaut.core.annotation.Nullable;
import io.sentryconnect.database.Sql;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.transaction.annotation.ReadOnly;
import io.sentryconnect.platform.PlatformCaller;
import io.sentryconnect.InvalidRequest;
import io.sentryconnect.Inputs;

import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /api/v1/events?after=<cursor>&limit=}: the caller's tenant's grant events in order, for platforms that
 * poll instead of (or besides) receiving webhooks. A platform user sees the events of their own grants; a tenant
 * admin sees all of the tenant's. The cursor is the {@code cursor} of the last event seen (opaque to the caller).
 */
@Controller(Endpoints.EVENTS_PATH)
@Requires(property = Endpoints.EVENTS_ENABLED, notEquals = "false")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
class EventController {
    /**
     * In transaction order, and only what can no longer change (migrations/V10): events of transactions older than every
     * transaction still running, by the inserting transaction's id, then the event's. An event therefore shows up once
     * every write transaction that began before it has ended, anywhere on the database server.
     */
    private static final String PAGE = "SELECT tx_id::text, id, payload FROM sentry_connect_grant_event WHERE tenant_id = ? "
            + "AND (tx_id, id) > (?::xid8, ?) AND tx_id < pg_snapshot_xmin(pg_current_snapshot()) %s ORDER BY tx_id, id LIMIT ?";
    private static final String TENANT_PAGE = PAGE.formatted("");
    /** A user's own events, less those of the tenant's provisioned grant, which only tenant admins see (PlatformCaller). */
    private static final String OWNER_PAGE = PAGE.formatted("AND user_id = ? AND grant_id NOT IN "
            + "(SELECT id FROM sentry_connect_grant WHERE tenant_id = ? AND kind = 'provisioned')");
    /** {@code <transaction id>.<event id>}; a plain event id is a cursor handed out before V10 (transaction 0). */
    private static final Pattern CURSOR = Pattern.compile("(?:([0-9]{1,20})\\.)?([0-9]{1,19})");

    private final Sql jdbc;

    EventController(Sql jdbc) {
        this.jdbc = jdbc;
    }

    @Get
    @ReadOnly(DatabaseProperties.DATASOURCE)
    MutableHttpResponse<String> list(PlatformCaller caller, @QueryValue @Nullable String after,
                                                        @QueryValue @Nullable String limit) {
        Matcher cursor = CURSOR.matcher(after == null ? "0.0" : after);
        if (!cursor.matches()) {
            throw new InvalidRequest("after", "after is the cursor of an event this service handed out.");
        }
        String afterTransaction;
        long afterEvent;
        try {
            // xid8 is an unsigned 64-bit number: what does not parse as one would fail in SQL instead.
            afterTransaction = Long.toUnsignedString(Long.parseUnsignedLong(cursor.group(1) == null ? "0" : cursor.group(1)));
            afterEvent = Long.parseLong(cursor.group(2));
        } catch (NumberFormatException e) {
            throw new InvalidRequest("after", "after is the cursor of an event this service handed out.");
        }
        int pageSize = Inputs.integer("limit", limit, 100, 1, 500);
        // PlatformCaller's visibility rule, as for grants: a tenant admin reads the tenant's events, anyone else its own.
        String owner = caller.ownerRestriction();
        String sql = owner == null ? TENANT_PAGE : OWNER_PAGE;
        List<String> events = jdbc.prepareStatement(sql, ps -> {
            int i = 0;
            ps.setString(++i, caller.tenantId());
            ps.setString(++i, afterTransaction);
            ps.setLong(++i, afterEvent);
            if (owner != null) {
                ps.setString(++i, owner);
                ps.setString(++i, caller.tenantId());
            }
            ps.setInt(++i, pageSize);
            List<String> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(withCursor(rs.getString(1) + "." + rs.getLong(2), rs.getString(3)));
                }
            }
            return rows;
        });
        return HttpResponse.ok("[" + String.join(",", events) + "]").contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    /**
     * The stored payload as it was written (the webhook's body too), with the cursor as its first member: spliced as
     * text rather than parsed and written again, so that the page is the payload byte for byte and the host's JSON
     * settings (nulls left out, say) cannot reshape it. The cursor is digits and a dot, and the payload a JSON object
     * that {@link EventOutbox} wrote.
     */
    static String withCursor(String cursor, String payload) {
        String object = payload.strip();
        if (!object.startsWith("{")) {
            throw new IllegalStateException("a stored event payload is not a JSON object");
        }
        String rest = object.substring(1).strip();
        return "{\"cursor\":\"" + cursor + "\"" + (rest.startsWith("}") ? "" : ",") + rest;
    }
}
