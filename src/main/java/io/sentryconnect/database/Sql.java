package io.sentryconnect.database;

import io.micronaut.context.BeanLocator;
import io.micronaut.core.type.Argument;
import io.micronaut.data.connection.ConnectionOperations;
import io.micronaut.inject.qualifiers.Qualifiers;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The plugin's way to its database, the datasource that {@code sentry-connect.datasource} names: runs one prepared
 * statement on the connection of that datasource's current transaction or {@code @Connectable} scope, the way
 * micronaut-data-jdbc's {@code JdbcOperations.prepareStatement} did, and hands out that datasource's
 * {@link #transactions() transactions}. That method was all the plugin used of micronaut-data-jdbc, and the module
 * (with micronaut-data-runtime and -model) put about 640 classes into every host's start, most of them its
 * introspected repository interceptors. Transactions and connection scopes stay Micronaut's (micronaut-data-tx-jdbc,
 * micronaut-data-connection-jdbc): the annotated ones name the datasource with {@link DatabaseProperties#DATASOURCE},
 * the programmatic ones come from here; outside a scope a statement fails as that method did.
 */
@Singleton
public final class Sql {
    private final BeanLocator beans;
    private final String datasource;
    // Looked up by name on first use: the datasource's beans are the host's (or Micronaut's), not ours to re-declare,
    // and an unqualified TransactionOperations bean of our own would clash with the host's injection points.
    private volatile ConnectionOperations<Connection> connections;
    private volatile TransactionOperations<Connection> transactions;

    Sql(BeanLocator beans, DatabaseProperties properties) {
        this.beans = beans;
        this.datasource = properties.datasource();
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
        Connection connection = connections().getConnectionStatus().getConnection();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            return callback.call(statement);
        } catch (SQLException e) {
            throw new StatementFailed(e);
        }
    }

    /** The transactions of the plugin's datasource, for the code that opens them without an annotation. */
    public TransactionOperations<Connection> transactions() {
        TransactionOperations<Connection> found = transactions;
        if (found == null) {
            found = named(TransactionOperations.class);
            transactions = found;
        }
        return found;
    }

    private ConnectionOperations<Connection> connections() {
        ConnectionOperations<Connection> found = connections;
        if (found == null) {
            found = named(ConnectionOperations.class);
            connections = found;
        }
        return found;
    }

    /** The datasource's bean of {@code type} over JDBC connections, by the datasource's name. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private <T> T named(Class<?> type) {
        return (T) beans.getBean((Argument) Argument.of(type, Connection.class), Qualifiers.byName(datasource));
    }
}
