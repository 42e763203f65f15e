package io.sentryconnect.database;

import io.micronaut.context.ApplicationContext;
import io.micronaut.data.connection.exceptions.NoConnectionException;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A host that uses Micronaut Data JDBC itself (run by surefire's {@code data-jdbc-host} execution, whose classpath has
 * it): its datasource keeps Micronaut Data's rule with the plugin as without it, no connection outside a transaction,
 * so a missing {@code @Transactional} still shows; inside one, the transaction's connection. The plugin still works.
 */
class DataJdbcHostTest {

    private static Map<String, Object> host() {
        return io.sentryconnect.support.PluginProperties.complete(3);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aMicronautDataHostKeepsItsNoConnectionOutsideTransactionsRule() throws SQLException {
        // Run by the data-jdbc-host execution only (a -Dtest selection elsewhere skips it); there, the module must be on
        // the classpath, or the test would prove nothing.
        org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("sentry-connect.test.data-jdbc-host"));
        assertTrue(io.micronaut.core.reflect.ClassUtils.isPresent("io.micronaut.data.jdbc.runtime.JdbcOperations", null),
                "the data-jdbc-host execution has Micronaut Data JDBC on its classpath");
        try (ApplicationContext context = ApplicationContext.builder().deduceEnvironment(false)
                .enableDefaultPropertySources(false).properties(host()).start()) {
            DataSource dataSource = context.getBean(DataSource.class);
            // Micronaut Data hands out a contextual connection that fails on first use outside a scope.
            assertThrows(NoConnectionException.class, () -> {
                Connection outside = dataSource.getConnection();
                outside.createStatement();
            }, "Micronaut Data's rule, as the host had it before the plugin");
            TransactionOperations<Connection> transactions = context.getBean(TransactionOperations.class);
            int tables = transactions.executeRead(status -> {
                try (Connection host = dataSource.getConnection();
                     Statement st = host.createStatement();
                     ResultSet rs = st.executeQuery("SELECT count(*) FROM sentry_connect_grant")) {
                    rs.next();
                    return rs.getInt(1) >= 0 ? 1 : 0;
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals(1, tables, "inside a transaction the host's connection works, and the plugin migrated its tables");
        }
    }
}
