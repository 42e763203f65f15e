package io.sentryconnect.database;

import io.micronaut.context.ApplicationContext;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plugin's migrations beside a host's: each test gets empty schemas of its own and starts the plugin's context
 * on them (no HTTP server), with or without a host Flyway (micronaut-flyway, as a host would have it).
 */
class SchemaMigrationTest {
    private static final String OURS = "sentry_connect_schema_history";
    private static final String HOSTS = "flyway_schema_history";
    private static final List<String> HOST_SCRIPTS = List.of("V1__host.sql", "V2__host_orders.sql", "V3__host_purchase_note.sql");
    private final List<DatabaseResolver.Database> schemas = new ArrayList<>();

    @AfterEach
    void dropSchemas() {
        schemas.forEach(DatabaseResolver::dropSchema);
    }

    @Test
    void aHostFlywayAndOursMigrateOneEmptySchemaEachIntoItsOwnHistory() throws Exception {
        DatabaseResolver.Database db = schema();
        Map<String, Object> hostFlyway = Map.of(
                "flyway.datasources.default.enabled", true,
                "flyway.datasources.default.locations", "classpath:host/db/migration");
        try (ApplicationContext ignored = start(db, hostFlyway)) {
            assertEquals(HOST_SCRIPTS, scripts(db, HOSTS), "the host's history holds the host's migrations only");
            assertEquals(ourScripts(), scripts(db, OURS), "ours holds ours only, all of them");
            assertEquals(List.of(), rows(db, "SELECT version FROM " + OURS + " WHERE NOT success"));
            assertNotNull(rows(db, "SELECT to_regclass('account') AS t").get(0).get("t"), "the host's V1 ran");
            assertNotNull(rows(db, "SELECT to_regclass('sentry_connect_link_ticket') AS t").get(0).get("t"), "our V1 ran");
        }
    }

    @Test
    void aSchemaWhereTheHostIsAlreadyAtV3GetsOursFromV1AndTheHostsHistoryUntouched() throws Exception {
        DatabaseResolver.Database db = schema();
        Flyway.configure().dataSource(db.url(), db.username(), db.password()).defaultSchema(db.schema())
                .locations("classpath:host/db/migration").load().migrate();
        List<Map<String, Object>> hostBefore = rows(db, "SELECT * FROM " + HOSTS + " ORDER BY installed_rank");

        try (ApplicationContext ignored = start(db, Map.of())) {
            assertEquals(hostBefore, rows(db, "SELECT * FROM " + HOSTS + " ORDER BY installed_rank"));
            List<Map<String, Object>> ours = rows(db, "SELECT version, type FROM " + OURS + " ORDER BY installed_rank");
            assertEquals(Map.of("version", "0", "type", "BASELINE"), ours.get(0),
                    "the host's tables are baselined away at version 0, below our V1");
            assertEquals(ourScripts(), scripts(db, OURS));
        }
    }

    @Test
    void anOldLayoutDeploymentIsBaselinedAtV4AndKeepsEveryRowUnderTheNewNames() throws Exception {
        DatabaseResolver.Database db = schema();
        // As micronaut-flyway left it: our V1–V4 in the default history table, a row in each of our tables.
        Flyway.configure().dataSource(db.url(), db.username(), db.password()).defaultSchema(db.schema())
                .locations(SchemaMigration.LOCATION).target("4").load().migrate();
        UUID grant = UUID.randomUUID();
        execute(db, "INSERT INTO sentry_grant (id, tenant_id, user_id, kind, status, org_id, org_slug, org_name, region_url, "
                + "scopes, access_token, refresh_token, token_version, key_id, created_at, updated_at) VALUES ('" + grant
                + "', 't-old', 'u-old', 'provisioned', 'active', 'o1', 'acme', 'Acme', 'https://us.sentry.io', 'org:read', "
                + "'\\x0102'::bytea, '\\x0304'::bytea, 3, 2, now(), now())");
        execute(db, "INSERT INTO grant_event (event_id, tenant_id, user_id, grant_id, type, payload, created_at, next_attempt_at) "
                + "VALUES (gen_random_uuid(), 't-old', 'u-old', '" + grant + "', 'grant.connected', '{}', now(), now())");
        execute(db, "INSERT INTO provisioned_project (grant_id, project_id, org_id, slug, name, dsn, created_at, updated_at) "
                + "VALUES ('" + grant + "', 'p1', 'o1', 'web', 'Web', 'https://k@o1.ingest.sentry.io/1', now(), now())");
        execute(db, "INSERT INTO refresh_attempt (grant_id, token_version, started_at) VALUES ('" + grant + "', 3, now())");
        execute(db, "INSERT INTO link_ticket (ticket_hash, tenant_id, user_id, scopes, return_to, expires_at, created_at) "
                + "VALUES ('\\x01'::bytea, 't-old', 'u-old', 'org:read', 'https://platform.example/', now(), now())");
        execute(db, "INSERT INTO link_state (state_hash, tenant_id, user_id, scopes, return_to, code_verifier, browser_hash, "
                + "expires_at, created_at) VALUES ('\\x02'::bytea, 't-old', 'u-old', 'org:read', 'https://platform.example/', "
                + "'\\x03'::bytea, '\\x04'::bytea, now(), now())");
        Map<String, String> renamed = Map.of("sentry_grant", "sentry_connect_grant", "grant_event", "sentry_connect_grant_event",
                "provisioned_project", "sentry_connect_provisioned_project", "refresh_attempt", "sentry_connect_refresh_attempt",
                "link_ticket", "sentry_connect_link_ticket", "link_state", "sentry_connect_link_state");
        Map<String, List<Map<String, Object>>> before = new HashMap<>();
        renamed.keySet().forEach(old -> before.put(old, rows(db, "SELECT * FROM " + old)));
        List<Map<String, Object>> oldHistory = rows(db, "SELECT * FROM " + HOSTS + " ORDER BY installed_rank");

        try (ApplicationContext ignored = start(db, Map.of())) {
            List<Map<String, Object>> ours = rows(db, "SELECT version, type FROM " + OURS + " ORDER BY installed_rank");
            assertEquals(Map.of("version", "4", "type", "BASELINE"), ours.get(0), "V1–V4 recorded as one baseline");
            assertEquals(ourScripts().subList(4, ourScripts().size()), scripts(db, OURS), "only what came after V4 ran");
            assertEquals(oldHistory, rows(db, "SELECT * FROM " + HOSTS + " ORDER BY installed_rank"),
                    "the old history table is left as it was");
            renamed.forEach((old, now) -> {
                assertEquals(1, before.get(old).size(), old);
                // Later migrations (V6) add columns; every column the row had is kept as it was.
                List<Map<String, Object>> after = rows(db, "SELECT * FROM " + now).stream()
                        .map(row -> {
                            Map<String, Object> kept = new HashMap<>(row);
                            kept.keySet().retainAll(before.get(old).get(0).keySet());
                            return kept;
                        }).toList();
                assertEquals(before.get(old), after, old + " → " + now);
                assertNull(rows(db, "SELECT to_regclass('" + old + "') AS t").get(0).get("t"), old + " is gone");
            });
            execute(db, "INSERT INTO sentry_connect_grant_event (event_id, tenant_id, user_id, grant_id, type, payload, "
                    + "created_at, next_attempt_at) VALUES (gen_random_uuid(), 't-old', 'u-old', '" + grant
                    + "', 'grant.revoked', '{}', now(), now())");
            assertEquals(List.of(1L, 2L), rows(db, "SELECT id FROM sentry_connect_grant_event ORDER BY id").stream()
                    .map(r -> r.get("id")).toList(), "the event ids carry on from the renamed sequence");
            // V10: the events API's commit order. An event from before it sorts before every later one (transaction 0).
            assertEquals(List.of(true, false), rows(db, "SELECT tx_id = '0'::xid8 AS legacy FROM sentry_connect_grant_event "
                    + "ORDER BY id").stream().map(r -> r.get("legacy")).toList(), "old events get transaction 0, new ones their own");
        }
    }

    @Test
    void everyTableIndexSequenceAndConstraintOfOursCarriesThePrefix() throws Exception {
        DatabaseResolver.Database db = schema();
        try (ApplicationContext ignored = start(db, Map.of())) {
            List<Map<String, Object>> unprefixed = rows(db, "SELECT relname AS name FROM pg_class "
                    + "WHERE relnamespace = current_schema()::regnamespace AND relname NOT LIKE 'sentry\\_connect\\_%' "
                    + "UNION ALL SELECT conname FROM pg_constraint "
                    + "WHERE connamespace = current_schema()::regnamespace AND conname NOT LIKE 'sentry\\_connect\\_%'");
            assertEquals(List.of(), unprefixed);
            assertTrue(tables(db).contains("sentry_connect_grant"), "the schema is not empty: " + tables(db));
        }
    }

    @Test
    void theMigrationsRunOnTheDatasourceThatSentryConnectDatasourceNames() throws Exception {
        DatabaseResolver.Database hosts = schema();
        DatabaseResolver.Database plugins = schema();
        Map<String, Object> properties = new HashMap<>();
        plugins.properties().forEach((k, v) -> properties.put(k.replace("datasources.default.", "datasources.plugin."), v));
        properties.put("sentry-connect.datasource", "plugin");
        try (ApplicationContext ignored = start(hosts, properties)) {
            assertEquals(ourScripts(), scripts(plugins, OURS));
            assertEquals(List.of(), tables(hosts), "nothing written to the host's default datasource");
        }
    }

    @Test
    void aDatasourceNameThatNoDatasourceHasFailsStartUpNamingTheSetting() throws Exception {
        DatabaseResolver.Database db = schema();
        Exception failure = assertThrows(Exception.class, () -> start(db, Map.of("sentry-connect.datasource", "reporting")).close());
        String messages = messages(failure);
        assertTrue(messages.contains("sentry-connect.datasource is \"reporting\""), messages);
        assertTrue(messages.contains("[default]"), "the message lists the datasources there are: " + messages);
        assertEquals(List.of(), tables(db), "nothing migrated anywhere");
    }

    @Test
    void migrationsSwitchedOffLeaveTheSchemaAlone() throws Exception {
        DatabaseResolver.Database db = schema();
        try (ApplicationContext ignored = start(db, Map.of("sentry-connect.migrations.enabled", false))) {
            assertEquals(List.of(), tables(db));
        }
    }

    private DatabaseResolver.Database schema() {
        DatabaseResolver.Database db = DatabaseResolver.resolve("test_mig_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12),
                System::getenv, io.sentryconnect.support.ContainerDatabase::startIfDockerAnswers);
        schemas.add(db);
        return db;
    }

    /** The plugin's context without its HTTP server, the stand-in or background jobs: the datasource and migrations. */
    private static ApplicationContext start(DatabaseResolver.Database db, Map<String, Object> extra) {
        Map<String, Object> properties = new HashMap<>(db.properties());
        properties.put("sentry-connect.standin.enabled", false);
        properties.put("sentry-connect.refresh.background.enabled", false);
        properties.put("sentry-connect.webhook.delivery.enabled", false);
        properties.putAll(extra);
        return ApplicationContext.builder().environments("test").properties(properties).start();
    }

    /** Our migration files, in version order: what our history must record as applied. */
    private static List<String> ourScripts() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("migrations"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .sorted((a, b) -> Integer.compare(version(a), version(b))).toList();
        }
    }

    private static int version(String script) {
        return Integer.parseInt(script.substring(1, script.indexOf("__")));
    }

    private static List<String> scripts(DatabaseResolver.Database db, String history) {
        return rows(db, "SELECT script FROM " + history + " WHERE success AND type = 'SQL' ORDER BY installed_rank")
                .stream().map(r -> (String) r.get("script")).toList();
    }

    private static List<Object> tables(DatabaseResolver.Database db) {
        return rows(db, "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
                .stream().map(r -> r.get("table_name")).toList();
    }

    private static String messages(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }

    private static Connection connect(DatabaseResolver.Database db) throws SQLException {
        Connection c = DriverManager.getConnection(db.url(), db.username(), db.password());
        c.setSchema(db.schema());
        return c;
    }

    private static void execute(DatabaseResolver.Database db, String sql) throws SQLException {
        try (Connection c = connect(db)) {
            c.createStatement().execute(sql);
        }
    }

    private static List<Map<String, Object>> rows(DatabaseResolver.Database db, String sql) {
        try (Connection c = connect(db); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            List<Map<String, Object>> rows = new ArrayList<>();
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    Object value = rs.getObject(i);
                    row.put(meta.getColumnName(i), value instanceof byte[] bytes ? java.util.HexFormat.of().formatHex(bytes) : value);
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
