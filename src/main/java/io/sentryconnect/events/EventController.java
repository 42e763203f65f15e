package io.sentryconnect.events;

import io.micronaut.context.annotation.Requires;
import io.sentryconnect.Endpoints;
import io.micronaut.core.annotation.Nullable;
import io.sentryconnect.database.Sql;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.json.JsonMapper;
import io.micronaut.core.type.Argument;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.transaction.annotation.ReadOnly;
import io.sentryconnect.platform.PlatformCaller;
import io.sentryconnect.InvalidRequest;
import io.sentryconnect.Inputs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/events?after=<cursor>&limit=}: the caller's tenant's grant events in order, for platforms that
 * poll instead of (or besides) receiving webhooks. A platform user sees the events of their own grants; a tenant
 * admin sees all of the tenant's. The cursor is the {@code cursor} of the last event seen.
 */
@Controller(Endpoints.EVENTS_PATH)
@Requires(property = Endpoints.EVENTS_ENABLED, notEquals = "false")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
class EventController {
    private static final String TENANT_PAGE = "SELECT id, payload FROM sentry_connect_grant_event WHERE tenant_id = ? AND id > ? "
            + "ORDER BY id LIMIT ?";
    private static final String OWNER_PAGE = "SELECT id, payload FROM sentry_connect_grant_event WHERE tenant_id = ? AND id > ? "
            + "AND user_id = ? ORDER BY id LIMIT ?";
    private final Sql jdbc;
    private final JsonMapper json;

    EventController(Sql jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    @Get
    @ReadOnly
    MutableHttpResponse<List<Map<String, Object>>> list(PlatformCaller caller, @QueryValue @Nullable String after,
                                                        @QueryValue @Nullable String limit) {
        long cursor;
        try {
            cursor = after == null ? 0 : Long.parseLong(after);
        } catch (NumberFormatException e) {
            throw new InvalidRequest("after", "after is the cursor of an event this service handed out.");
        }
        int pageSize = Inputs.integer("limit", limit, 100, 1, 500);
        // PlatformCaller's visibility rule, as for grants: a tenant admin reads the tenant's events, anyone else its own.
        String owner = caller.ownerRestriction();
        String sql = owner == null ? TENANT_PAGE : OWNER_PAGE;
        List<Map<String, Object>> events = jdbc.prepareStatement(sql, ps -> {
            int i = 0;
            ps.setString(++i, caller.tenantId());
            ps.setLong(++i, cursor);
            if (owner != null) {
                ps.setString(++i, owner);
            }
            ps.setInt(++i, pageSize);
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> event = new LinkedHashMap<>();
                    event.put("cursor", String.valueOf(rs.getLong(1)));
                    event.putAll(parse(rs.getString(2)));
                    rows.add(event);
                }
            }
            return rows;
        });
        return HttpResponse.ok(events);
    }

    private Map<String, Object> parse(String payload) {
        try {
            return json.readValue(payload, Argument.mapOf(String.class, Object.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
