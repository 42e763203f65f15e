package io.sentryconnect.support;

import io.sentryconnect.database.DatabaseResolver;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * An empty schema of its own on the test database, for a service process that must migrate from nothing (the
 * per-JVM schema of {@link TestDatabase} is migrated by whichever test starts first). Dropped on close.
 */
public final class ScratchSchema implements AutoCloseable {
    private final DatabaseResolver.Database database;

    private ScratchSchema(DatabaseResolver.Database database) {
        this.database = database;
    }

    /** A new schema named {@code prefix} and a random suffix; {@code prefix} must be a lower-case SQL name. */
    public static ScratchSchema create(String prefix) {
        DatabaseResolver.Database test = TestDatabase.database();
        String name = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        TestDatabase.execute("CREATE SCHEMA " + name);
        return new ScratchSchema(new DatabaseResolver.Database(test.source(), test.url(), test.username(), test.password(), name));
    }

    public String name() {
        return database.schema();
    }

    /** The datasource settings of the test database with this schema as the search path, as system property values. */
    public Map<String, String> properties() {
        Map<String, String> properties = new TreeMap<>();
        database.properties().forEach((k, v) -> properties.put(k, String.valueOf(v)));
        return properties;
    }

    /** A plain JDBC connection to this schema. */
    public Connection connection() throws SQLException {
        Connection connection = java.sql.DriverManager.getConnection(database.url(), database.username(), database.password());
        connection.setSchema(name());
        return connection;
    }

    /** Rows of a query on this schema, as column → value maps. */
    public List<Map<String, Object>> query(String sql, Object... args) {
        try (Connection c = connection()) {
            return TestDatabase.rows(c, sql, args);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        DatabaseResolver.dropSchema(database);
    }
}
