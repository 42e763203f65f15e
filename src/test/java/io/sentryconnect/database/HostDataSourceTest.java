package io.sentryconnect.database;

import io.micronaut.context.ApplicationContext;
import io.micronaut.transaction.TransactionOperations;
import io.sentryconnect.support.TestDatabase;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A host's own {@code dataSource.getConnection()} works with the plugin as without it: outside a transaction a pooled
 * connection (Micronaut Data alone would throw), inside one the transaction's connection (as Micronaut Data gives it).
 */
class HostDataSourceTest {

    private static Map<String, Object> host() {
        return io.sentryconnect.support.PluginProperties.complete(3);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aHostsPlainJdbcWorksOutsideTransactionsAndJoinsThemInside() throws SQLException {
        try (ApplicationContext context = ApplicationContext.builder().deduceEnvironment(false)
                .enableDefaultPropertySources(false).properties(host()).start()) {
            DataSource dataSource = context.getBean(DataSource.class);
            try (Connection c = dataSource.getConnection()) {
                assertEquals(1, intOf(c, "SELECT 1"));
            }
            TransactionOperations<Connection> transactions = context.getBean(TransactionOperations.class);
            transactions.executeWrite(status -> {
                try (Connection host = dataSource.getConnection()) {
                    assertEquals(intOf(status.getConnection(), "SELECT txid_current()::int"),
                            intOf(host, "SELECT txid_current()::int"), "inside a transaction, the transaction's connection");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
                return null;
            });
        }
    }

    @Test
    void withThePluginSwitchedOffTheHostsPlainJdbcStillWorksOutsideTransactions() throws SQLException {
        Map<String, Object> properties = new HashMap<>(host());
        properties.put("sentry-connect.enabled", false);
        try (ApplicationContext context = ApplicationContext.builder().deduceEnvironment(false)
                .enableDefaultPropertySources(false).properties(properties).start()) {
            org.junit.jupiter.api.Assertions.assertFalse(context.containsBean(Sql.class), "the plugin is off");
            DataSource dataSource = context.getBean(DataSource.class);
            try (Connection c = dataSource.getConnection()) {
                assertEquals(1, intOf(c, "SELECT 1"), "micronaut-data-connection-jdbc's wrapper alone would throw here");
            }
        }
    }

    private static int intOf(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
