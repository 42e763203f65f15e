package io.sentryconnect.database;

import io.micronaut.context.ApplicationContext;
import io.sentryconnect.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A start on a schema that already has every migration skips Flyway; whatever else is found (an edited, failed,
 * missing or unknown migration) still goes through Flyway, with its validation.
 */
class AppliedMigrationsTest {
    private static final String HISTORY = SchemaMigration.HISTORY_TABLE;
    private final List<DatabaseResolver.Database> schemas = new ArrayList<>();

    @BeforeAll
    static void captureLogs() {
        LogCapture.install();
    }

    @AfterEach
    void dropSchemas() {
        schemas.forEach(DatabaseResolver::dropSchema);
    }

    @Test
    void aStartOnACurrentSchemaSkipsFlywayAndLeavesTheHistoryAsItWas() throws Exception {
        DatabaseResolver.Database db = migratedSchema();
        List<String> before = history(db);

        start(db).close();

        assertEquals(1, LogCapture.linesContaining("Schema " + db.schema() + ": every sentry-connect migration is recorded").size(),
                "the second start took the quick path");
        assertEquals(1, LogCapture.linesContaining("Schema " + db.schema() + ": ").stream()
                .filter(line -> line.contains("sentry-connect migration(s) applied")).count(), "Flyway ran on the first start only");
        assertEquals(before, history(db));
    }

    @Test
    void theShippedMigrationsAndTheirChecksumsAreExactlyWhatFlywayRecorded() throws Exception {
        DatabaseResolver.Database db = migratedSchema();
        List<String> recorded = history(db).stream().map(row -> row.substring(0, row.lastIndexOf(' '))).toList();
        List<String> ours = shipped().stream().map(m -> m.version() + " SQL " + m.script() + " " + m.checksum()).sorted().toList();
        assertEquals(ours, recorded.stream().sorted().toList());
        try (Connection c = connect(db)) {
            assertTrue(AppliedMigrations.allApplied(c, HISTORY, shipped()));
        }
    }

    @Test
    void anEditedMigrationStillStopsTheStartWithFlywaysChecksumMismatch() throws Exception {
        DatabaseResolver.Database db = migratedSchema();
        execute(db, "UPDATE " + HISTORY + " SET checksum = checksum + 1 WHERE version = '3'");

        Exception failure = assertThrows(Exception.class, () -> start(db).close());

        StringBuilder messages = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        assertTrue(messages.toString().contains("checksum mismatch for migration version 3"), messages.toString());
    }

    @Test
    void aMissingFailedOrUnknownMigrationIsNotTakenAsApplied() throws Exception {
        DatabaseResolver.Database db = migratedSchema();
        try (Connection c = connect(db)) {
            c.setAutoCommit(false);
            execute(c, "DELETE FROM " + HISTORY + " WHERE version = '7'");
            assertFalse(AppliedMigrations.allApplied(c, HISTORY, shipped()), "missing");
            c.rollback();
            execute(c, "UPDATE " + HISTORY + " SET success = false WHERE version = '7'");
            assertFalse(AppliedMigrations.allApplied(c, HISTORY, shipped()), "failed");
            c.rollback();
            execute(c, "INSERT INTO " + HISTORY + " (installed_rank, version, description, type, script, checksum, installed_by,"
                    + " execution_time, success) VALUES (99, '99', 'newer', 'SQL', 'V99__newer.sql', 1, 'x', 1, true)");
            assertFalse(AppliedMigrations.allApplied(c, HISTORY, shipped()), "recorded by a newer version of the plugin");
            c.rollback();
            assertTrue(AppliedMigrations.allApplied(c, HISTORY, shipped()), "as Flyway left it");
        }
    }

    @Test
    void migrationsCoveredByTheBaselineNeedNoRowOfTheirOwn() throws Exception {
        DatabaseResolver.Database db = migratedSchema();
        try (Connection c = connect(db)) {
            c.setAutoCommit(false);
            execute(c, "DELETE FROM " + HISTORY + " WHERE version IN ('1', '2', '3', '4')");
            execute(c, "INSERT INTO " + HISTORY + " (installed_rank, version, description, type, script, installed_by,"
                    + " execution_time, success) VALUES (0, '4', 'old layout', 'BASELINE', 'old layout', 'x', 0, true)");
            assertTrue(AppliedMigrations.allApplied(c, HISTORY, shipped()), "V1 to V4 baselined, the rest applied");
            execute(c, "DELETE FROM " + HISTORY + " WHERE version = '5'");
            assertFalse(AppliedMigrations.allApplied(c, HISTORY, shipped()), "V5 is above the baseline and missing");
            c.rollback();
        }
    }

    @Test
    void migrationsPackagedInAJarAreListedWithTheSameChecksumsAsFromADirectory(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("plugin.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            // With its directory entries, as Maven packs a jar (the class loader finds a directory by its entry).
            for (String directory : List.of("io/", "io/sentryconnect/", "io/sentryconnect/db/", "io/sentryconnect/db/migration/")) {
                out.putNextEntry(new JarEntry(directory));
                out.closeEntry();
            }
            for (AppliedMigrations.Migration migration : shipped()) {
                out.putNextEntry(new JarEntry("io/sentryconnect/db/migration/" + migration.script()));
                out.write(Files.readAllBytes(Path.of("migrations", migration.script())));
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("io/sentryconnect/db/migration/nested/V99__not_ours.sql"));
            out.closeEntry();
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            List<AppliedMigrations.Migration> fromJar = AppliedMigrations.shipped(loader, "io/sentryconnect/db/migration").orElseThrow();
            assertEquals(new HashSet<>(shipped()), new HashSet<>(fromJar));
            assertEquals(shipped().size(), fromJar.size());
        }
    }

    private static List<AppliedMigrations.Migration> shipped() {
        return AppliedMigrations.shipped(AppliedMigrationsTest.class.getClassLoader(), "io/sentryconnect/db/migration").orElseThrow();
    }

    /** A fresh schema that one start (through Flyway) has migrated. */
    private DatabaseResolver.Database migratedSchema() {
        DatabaseResolver.Database db = DatabaseResolver.resolve("test_applied_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12),
                System::getenv, io.sentryconnect.support.ContainerDatabase::startIfDockerAnswers);
        schemas.add(db);
        start(db).close();
        return db;
    }

    /** The plugin's context without its HTTP server, the stand-in or background jobs: the datasource and migrations. */
    private static ApplicationContext start(DatabaseResolver.Database db) {
        Map<String, Object> properties = new HashMap<>(db.properties());
        properties.put("sentry-connect.standin.enabled", false);
        properties.put("sentry-connect.refresh.background.enabled", false);
        properties.put("sentry-connect.webhook.delivery.enabled", false);
        return ApplicationContext.builder().environments("test").properties(properties).start();
    }

    /** Each history row as "version type script checksum success". */
    private static List<String> history(DatabaseResolver.Database db) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = connect(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT version, type, script, checksum, success FROM " + HISTORY + " ORDER BY installed_rank")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getInt(4) + " " + rs.getBoolean(5));
            }
        }
        return rows;
    }

    private static Connection connect(DatabaseResolver.Database db) throws SQLException {
        Connection c = DriverManager.getConnection(db.url(), db.username(), db.password());
        c.setSchema(db.schema());
        return c;
    }

    private static void execute(DatabaseResolver.Database db, String sql) throws SQLException {
        try (Connection c = connect(db)) {
            execute(c, sql);
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
