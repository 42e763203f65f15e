package io.sentryconnect_host;

import io.micronaut.context.BeanLocator;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.core.annotation.Order;
import io.micronaut.core.order.Ordered;
import io.micronaut.core.type.Argument;
import io.micronaut.data.connection.ConnectionOperations;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.inject.qualifiers.Qualifiers;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Keeps a host's {@link DataSource} as the host knew it. micronaut-data-connection-jdbc (under micronaut-data-tx-jdbc,
 * which the plugin needs for its transactions) wraps every datasource bean so that {@code getConnection()} answers the
 * current transaction's connection, and throws
 * {@code NoConnectionException} outside a transaction or {@code @Connectable} scope: a host that used plain JDBC before
 * would find its own {@code dataSource.getConnection()} failing once it adds the plugin. Ordered after Micronaut
 * Data's wrapper, this listener lets that wrapper answer inside such a scope and hands out a pooled connection outside
 * one, as the host's plain JDBC did. Not on a host that uses Micronaut Data JDBC itself: there the wrapper and its rule
 * (no connection outside a transaction or {@code @Connectable}) were the host's before the plugin came, and stay so.
 * On with the plugin switched off too ({@code sentry-connect.enabled: false}): the wrapper comes with the jars, not
 * with the switch.
 */
@Singleton
@Requires(missingClasses = "io.micronaut.data.jdbc.runtime.JdbcOperations")
@Order(Ordered.LOWEST_PRECEDENCE)
@SuppressWarnings({"unchecked", "rawtypes"})
final class PlainConnectionsOutsideTransactions implements BeanCreatedEventListener<DataSource> {
    private final BeanLocator beans;

    PlainConnectionsOutsideTransactions(BeanLocator beans) {
        this.beans = beans;
    }

    @Override
    public DataSource onCreated(BeanCreatedEvent<DataSource> event) {
        DataSource created = event.getBean();
        if (!(created instanceof DelegatingDataSource) || created instanceof OutsideTransactionsPlain) {
            return created;
        }
        return new OutsideTransactionsPlain(created, DelegatingDataSource.unwrapDataSource(created),
                event.getBeanIdentifier().getName(), beans);
    }

    /** The contextual wrapper inside a connection scope, the pool outside one. */
    static final class OutsideTransactionsPlain extends DelegatingDataSource {
        private final DataSource pool;
        private final String name;
        private final BeanLocator beans;
        private volatile ConnectionOperations<Connection> connections;

        OutsideTransactionsPlain(DataSource contextual, DataSource pool, String name, BeanLocator beans) {
            super(contextual);
            this.pool = pool;
            this.name = name;
            this.beans = beans;
        }

        @Override
        public Connection getConnection() throws SQLException {
            return inScope() ? super.getConnection() : pool.getConnection();
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return inScope() ? super.getConnection(username, password) : pool.getConnection(username, password);
        }

        private boolean inScope() {
            ConnectionOperations<Connection> operations = connections;
            if (operations == null) {
                // Looked up on first use: during the datasource's own creation its connection operations do not exist yet.
                Argument<ConnectionOperations<Connection>> type = (Argument) Argument.of(ConnectionOperations.class, Connection.class);
                Optional<ConnectionOperations<Connection>> found = beans.findBean(type, Qualifiers.byName(name));
                if (found.isEmpty()) {
                    return false;
                }
                operations = found.get();
                connections = operations;
            }
            return operations.findConnectionStatus().isPresent();
        }
    }
}
