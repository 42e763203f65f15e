package io.sentryconnect.database;

import io.micronaut.data.connection.ConnectionOperations;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Runs one prepared statement on the connection of the current transaction or {@code @Connectable} scope, the way
 * micronaut-data-jdbc's {@code JdbcOperations.prepareStatement} did. That method was all the plugin used of
 * micronaut-data-jdbc, and the module (with micronaut-data-runtime and -model) put about 640 classes into every host's
 * start, most of them its introspected repository interceptors, read when the host's first bean condition reads
 * introspections. Transactions ({@code @Transactional}, {@code @ReadOnly}) and connection scopes stay Micronaut's
 * (micronaut-data-tx-jdbc, micronaut-data-connection-jdbc); outside a scope this fails as that method did.
 */
@Singleton
public final class Sql {
    private final ConnectionOperations<Connection> connections;

    Sql(ConnectionOperations<Connection> connections) {
        this.connections = connections;
    }

    /** What a statement is used for; the statement is closed afterwards. */
    @FunctionalInterface
    public interface StatementCallback<R> {
        R call(PreparedStatement statement) throws SQLException;
    }

    /** A statement that failed; the driver's exception is the cause (unchecked, so a transaction rolls back). */
    public static final class StatementFailed extends RuntimeException {
        StatementFailed(SQLException cause) {
            super("SQL statement failed: " + cause.getMessage(), cause);
        }
    }

    public <R> R prepareStatement(String sql, StatementCallback<R> callback) {
        // The scope's connection, never a new one: it is the transaction's, and the scope closes it.
        Connection connection = connections.getConnectionStatus().getConnection();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            return callback.call(statement);
        } catch (SQLException e) {
            throw new StatementFailed(e);
        }
    }
}
