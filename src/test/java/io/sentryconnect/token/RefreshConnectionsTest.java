package io.sentryconnect.token;

import com.zaxxer.hikari.HikariDataSource;
import io.micronaut.context.ApplicationContext;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.inject.qualifiers.Qualifiers;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.sentryconnect.standin.Fault;
import io.sentryconnect.support.LinkDriver.Linked;
import io.sentryconnect.support.ServiceTest;
import io.sentryconnect.support.TestDatabase;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A refresh holds one pooled connection at a time: its attempt record is committed before it takes the row lock, not
 * on a second connection while the lock's is held, so that {@code refresh.max-concurrent} refreshes cannot take a
 * pool of that size and wait on each other for the connection that would release one.
 */
@MicronautTest(environments = "test", transactional = false)
class RefreshConnectionsTest extends ServiceTest {
    private static final int POOL = 3;

    @Inject
    ApplicationContext context;
    @Inject
    TokenRefresher refresher;

    @Override
    protected Map<String, String> extraProperties() {
        // A refresh that needed a second connection would wait this long for it, then fail.
        return Map.of("datasources.default.maximum-pool-size", String.valueOf(POOL),
                "datasources.default.connection-timeout", "1000");
    }

    @Test
    void aRefreshCompletesWithASingleFreeConnectionInThePool() throws Exception {
        Linked grant = link("1", "acme");
        long version = (Long) grantRow(grant).get("token_version");
        int refreshesBefore = standIn.requests("/oauth/token/").size();
        HikariDataSource pool = (HikariDataSource) DelegatingDataSource.unwrapDataSource(
                context.getBean(DataSource.class, Qualifiers.byName("default")));
        List<Connection> taken = new ArrayList<>();
        try {
            // Every connection but one (less any the service holds already): the refresh must do with that one.
            while (pool.getHikariPoolMXBean().getActiveConnections() < POOL - 1) {
                taken.add(pool.getConnection());
            }
            // Sentry answers slowly: the refresh holds its row lock (and its connection) while it waits.
            standIn.addFault(Fault.delay("/oauth/token/", 300, 1));
            StoredTokens refreshed = refresher.refresh(UUID.fromString(grant.grantId()), version);
            assertEquals(version + 1, refreshed.version());
        } finally {
            for (Connection c : taken) {
                c.close();
            }
        }
        assertEquals(refreshesBefore + 1, standIn.requests("/oauth/token/").size(), "one token request");
        Map<String, Object> row = grantRow(grant);
        assertEquals("active", row.get("status"));
        assertEquals(version + 1, row.get("token_version"));
        assertTrue(TestDatabase.query("SELECT 1 FROM sentry_connect_refresh_attempt WHERE grant_id = ?::uuid",
                grant.grantId()).isEmpty(), "the attempt record is cleared with the result");
    }
}
