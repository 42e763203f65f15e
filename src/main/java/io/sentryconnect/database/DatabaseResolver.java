package io.sentryconnect.database;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Chooses the PostgreSQL that {@code mn:run} and the tests use, in this order:
 * <ol>
 *   <li>the datasource named by {@code DATASOURCES_DEFAULT_URL} / {@code _USERNAME} / {@code _PASSWORD};</li>
 *   <li>a container database, when the caller offers one (the tests: a PostgreSQL 15 started with Testcontainers
 *       where a Docker engine answers; Testcontainers is a test dependency only);</li>
 *   <li>the local PostgreSQL at {@code 127.0.0.1:5432}, user {@code postgres}.</li>
 * </ol>
 * Micronaut would read the environment variables by itself; resolving them here as well lets the tests put an
 * isolated schema on top of whichever database was chosen.
 */
public final class DatabaseResolver {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseResolver.class);
    private static final Pattern SCHEMA_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final String LOCAL_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";

    private DatabaseResolver() {
    }

    /** Where the database came from, for the one-line message and for tests. */
    public enum Source { ENVIRONMENT, TESTCONTAINERS, LOCAL }

    /** A resolved database: its JDBC coordinates and the schema the service works in. */
    public record Database(Source source, String url, String username, String password, String schema) {
        /** Datasource properties for Micronaut, with the schema as the connection's search path. */
        public Map<String, Object> properties() {
            String separator = url.contains("?") ? "&" : "?";
            return Map.of(
                    "datasources.default.url", url + separator + "currentSchema=" + schema,
                    "datasources.default.username", username,
                    "datasources.default.password", password,
                    "datasources.default.driver-class-name", "org.postgresql.Driver",
                    "datasources.default.dialect", "POSTGRES");
        }

        @Override
        public String toString() {
            return "Database[" + source + ", " + withoutCredentials(url) + ", user " + username + ", schema " + schema + "]";
        }
    }

    /** A database the caller started (a container): its JDBC coordinates. */
    public record Started(String url, String username, String password) {
    }

    /** Resolves from the process environment, else the local PostgreSQL. */
    public static Database resolve(String schema) {
        return resolve(schema, System::getenv, () -> null);
    }

    /**
     * Resolves from {@code env}, else the database {@code container} starts (it answers null when it cannot, e.g. no
     * Docker engine), else the local PostgreSQL.
     */
    public static Database resolve(String schema, Function<String, String> env, Supplier<Started> container) {
        if (!SCHEMA_NAME.matcher(schema).matches()) {
            throw new IllegalArgumentException("schema name must match " + SCHEMA_NAME.pattern());
        }
        Database database;
        Started started;
        String url = env.apply("DATASOURCES_DEFAULT_URL");
        if (url != null && !url.isBlank()) {
            database = new Database(Source.ENVIRONMENT, url,
                    Objects.requireNonNullElse(env.apply("DATASOURCES_DEFAULT_USERNAME"), "postgres"),
                    Objects.requireNonNullElse(env.apply("DATASOURCES_DEFAULT_PASSWORD"), ""), schema);
            LOG.info("Database: {} from DATASOURCES_DEFAULT_URL, schema {}.", withoutCredentials(url), schema);
        } else if ((started = container.get()) != null) {
            database = new Database(Source.TESTCONTAINERS, started.url(), started.username(), started.password(), schema);
            LOG.info("Database: PostgreSQL 15 in a Testcontainers container at {}, schema {}. "
                    + "Set DATASOURCES_DEFAULT_URL (and _USERNAME, _PASSWORD) to use another.", withoutCredentials(started.url()),
                    schema);
        } else {
            database = new Database(Source.LOCAL, LOCAL_URL, "postgres", "", schema);
            LOG.info("Database: no DATASOURCES_DEFAULT_URL (and no container), so the local PostgreSQL at {} "
                    + "(user postgres), schema {}. Set DATASOURCES_DEFAULT_URL (and _USERNAME, _PASSWORD) to use another.",
                    LOCAL_URL, schema);
        }
        createSchema(database);
        return database;
    }

    /**
     * A JDBC URL fit for a log line: without the user info ({@code user:password@}) and with only the names of its
     * query parameters, since either may carry the password. Hand-written: {@link java.net.URI} refuses pgjdbc's
     * multi-host form ({@code //h1:5432,h2:5432/db}), and this needs no more than where the authority and query lie.
     */
    static String withoutCredentials(String url) {
        String base = url;
        String query = null;
        int authority = url.indexOf("//");
        if (authority >= 0) {
            // The user info ends at the last '@' of the URL: a password may hold '/', '?' or '@', a host none of them.
            // An '@' in the query (?user=me@x) then takes the query with it: more is hidden, never less.
            int at = url.lastIndexOf('@');
            String rest = url.substring(at > authority ? at + 1 : authority + 2);
            int queryStart = rest.indexOf('?');
            base = url.substring(0, authority + 2) + (queryStart < 0 ? rest : rest.substring(0, queryStart));
            query = queryStart < 0 ? null : rest.substring(queryStart + 1);
        } else {
            int queryStart = url.indexOf('?');
            if (queryStart >= 0) {
                base = url.substring(0, queryStart);
                query = url.substring(queryStart + 1);
            }
        }
        if (query == null) {
            return base;
        }
        StringBuilder out = new StringBuilder(base).append('?');
        String[] parameters = query.split("&");
        for (int i = 0; i < parameters.length; i++) {
            int equals = parameters[i].indexOf('=');
            out.append(i == 0 ? "" : "&").append(equals < 0 ? parameters[i] : parameters[i].substring(0, equals)).append("=…");
        }
        return out.toString();
    }

    /** Drops a schema with everything in it; the tests call this for their own throw-away schemas. */
    public static void dropSchema(Database database) {
        execute(database, "DROP SCHEMA IF EXISTS " + database.schema() + " CASCADE");
    }

    private static void createSchema(Database database) {
        execute(database, "CREATE SCHEMA IF NOT EXISTS " + database.schema());
    }

    private static void execute(Database database, String sql) {
        try (Connection connection = DriverManager.getConnection(database.url(), database.username(), database.password());
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot reach the database " + database
                    + ": " + e.getMessage() + ". Set DATASOURCES_DEFAULT_URL (and _USERNAME, _PASSWORD) to pick another.", e);
        }
    }
}
