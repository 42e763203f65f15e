package com.example.platform;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The platform's own activity feed of an account, from its own table. */
@Controller("/api/v1/events")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
class HostEventsController {
    private final DataSource dataSource;

    HostEventsController(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Serdeable
    record HostEvent(long eventId, String eventType, Instant occurredAt) {
    }

    @Serdeable
    record HostEvents(String accountId, List<HostEvent> events) {
    }

    @Get
    HostEvents events(Authentication user) throws SQLException {
        String account = (String) user.getAttributes().get(HostLogin.ACCOUNT_CLAIM);
        List<HostEvent> events = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT id, event_type, occurred_at FROM host_event WHERE account_id = ? ORDER BY id")) {
            ps.setString(1, account);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(new HostEvent(rs.getLong(1), rs.getString(2), rs.getTimestamp(3).toInstant()));
                }
            }
        }
        return new HostEvents(account, events);
    }
}
