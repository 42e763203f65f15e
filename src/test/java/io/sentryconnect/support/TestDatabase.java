package io.sentryconnect.support;

import io.sentryconnect.database.DatabaseResolver;

import java.util.Map;
import java.util.UUID;

/**
 * One throw-away schema per test JVM, on whichever PostgreSQL {@link DatabaseResolver} picks, so that two test
 * runs, or a test run and the demo, never see each other's rows. Dropped when the JVM exits.
 */
public final class TestDatabase {
    private static final DatabaseResolver.Database DATABASE = create();

    private TestDatabase() {
    }

    private static DatabaseResolver.Database create() {
        String schema = "test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        DatabaseResolver.Database database = DatabaseResolver.resolve(schema);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> DatabaseResolver.dropSchema(database)));
        return database;
    }

    public static DatabaseResolver.Database database() {
        return DATABASE;
    }

    /** A plain JDBC connection to the test schema, outside the service's transaction management. */
    public static java.sql.Connection connection() throws java.sql.SQLException {
        java.sql.Connection connection = java.sql.DriverManager.getConnection(
                DATABASE.url(), DATABASE.username(), DATABASE.password());
        connection.setSchema(DATABASE.schema());
        return connection;
    }

    public static Map<String, Object> properties() {
        return DATABASE.properties();
    }
}
