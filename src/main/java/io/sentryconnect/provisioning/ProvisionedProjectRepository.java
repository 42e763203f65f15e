package io.sentryconnect.provisioning;

import io.sentryconnect.ClockFactory;
import io.sentryconnect.database.Sql;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The {@code sentry_connect_provisioned_project} table (plain SQL, like the grant repository). Runs in the caller's transaction.
 * The primary key (grant, project) makes recording the same project twice an update, even from two instances.
 */
@Singleton
class ProvisionedProjectRepository {
    private final Sql jdbc;
    private final Clock clock;

    ProvisionedProjectRepository(Sql jdbc, @Named(ClockFactory.NAME) Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    void upsert(UUID grantId, String orgId, List<ProvisionedProject> projects) {
        Instant now = clock.instant();
        for (ProvisionedProject project : projects) {
            jdbc.prepareStatement("INSERT INTO sentry_connect_provisioned_project (grant_id, project_id, org_id, slug, name, platform, dsn, "
                    + "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (grant_id, project_id) DO UPDATE "
                    + "SET org_id = EXCLUDED.org_id, slug = EXCLUDED.slug, name = EXCLUDED.name, platform = EXCLUDED.platform, "
                    + "dsn = EXCLUDED.dsn, updated_at = EXCLUDED.updated_at", ps -> {
                int i = 0;
                ps.setObject(++i, grantId);
                ps.setString(++i, project.id());
                ps.setString(++i, orgId);
                ps.setString(++i, project.slug());
                ps.setString(++i, project.name());
                ps.setString(++i, project.platform());
                ps.setString(++i, project.dsn());
                ps.setTimestamp(++i, Timestamp.from(now));
                ps.setTimestamp(++i, Timestamp.from(now));
                return ps.executeUpdate();
            });
        }
    }

    /** The grant's projects in its current organization, oldest first. */
    List<ProvisionedProject> list(UUID grantId, String orgId) {
        return jdbc.prepareStatement("SELECT project_id, slug, name, platform, dsn FROM sentry_connect_provisioned_project "
                + "WHERE grant_id = ? AND org_id = ? ORDER BY created_at, project_id", ps -> {
            ps.setObject(1, grantId);
            ps.setString(2, orgId);
            List<ProvisionedProject> projects = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    projects.add(new ProvisionedProject(rs.getString("project_id"), rs.getString("slug"), rs.getString("name"),
                            rs.getString("platform"), rs.getString("dsn")));
                }
            }
            return projects;
        });
    }
}
