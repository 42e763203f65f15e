package io.sentryconnect.grant;

import io.micronaut.context.BeanLocator;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.inject.qualifiers.Qualifiers;
import io.micronaut.jdbc.DataSourceResolver;
import io.sentryconnect.database.DatabaseProperties;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.UUID;

/**
 * Hears every write to {@code sentry_connect_grant} of our schema, on any instance: the table's trigger (migration V9)
 * sends {@code NOTIFY sentry_connect_grant, '<schema> <id>'} in the writing transaction, which PostgreSQL delivers
 * when it commits. One connection of the pool is held for {@code LISTEN}, on a thread of its own, started by the first
 * call that would use the cache.
 * <p>Caught up: every {@code heartbeat} the thread sends {@code SELECT 1} and drains the notifications that arrived
 * before its answer; PostgreSQL delivers to an idle listener at once and before any later answer, so every change
 * committed before the heartbeat was sent has been applied. {@link #caughtUpSince} says whether that holds for a
 * heartbeat sent after a given time. A lost connection flushes the cache (notifications may have been missed) and is
 * reopened with a growing pause.
 */
@Singleton
final class GrantChangeListener {
    static final String CHANNEL = "sentry_connect_grant";
    private static final Logger LOG = LoggerFactory.getLogger(GrantChangeListener.class);
    private static final long FIRST_PAUSE_MS = 100;
    private static final long MAX_PAUSE_MS = 5_000;
    /** A heartbeat or wait that hangs this long ends the connection (and so flushes the cache), rather than waiting on. */
    private static final int NETWORK_TIMEOUT_MS = 10_000;

    private final BeanLocator beans;
    private final String datasource;
    private final DataSourceResolver resolver;
    private final TokenCacheProperties properties;
    private volatile Changes changes = new Changes() {
    };
    /** {@link System#nanoTime()} when the last confirmed heartbeat was sent; meaningful only while {@link #confirmed}. */
    private volatile long confirmedAt;
    private volatile boolean confirmed;
    private volatile boolean running = true;
    /** Read without the lock on every cached call (double-checked in {@link #start}). */
    private volatile Thread thread;
    /** The pause before the next reconnect (the listener thread's own): above the first one during an outage. */
    private long pauseMs = FIRST_PAUSE_MS;

    GrantChangeListener(BeanLocator beans, DatabaseProperties database, @Nullable DataSourceResolver resolver,
                        TokenCacheProperties properties) {
        this.beans = beans;
        this.datasource = database.datasource();
        this.resolver = Objects.requireNonNullElse(resolver, DataSourceResolver.DEFAULT);
        this.properties = properties;
    }

    /** What the listener tells the cache. */
    interface Changes {
        /** The grant changed (or was deleted). */
        default void changed(UUID grantId) {
        }

        /** Any grant may have changed unheard (the listener was not listening). */
        default void maybeMissed() {
        }

        /** Now and then, for housekeeping. */
        default void sweep() {
        }
    }

    void onChange(Changes changes) {
        this.changes = changes;
    }

    /** Whether every change committed before {@code nanoTime} has been applied; starts listening on first use. */
    boolean caughtUpSince(long nanoTime) {
        if (thread == null) {
            start();
        }
        return confirmed && confirmedAt - nanoTime >= 0;
    }

    private synchronized void start() {
        if (thread == null && running) {
            thread = new Thread(this::run, "sentry-connect-grant-changes");
            thread.setDaemon(true);
            thread.start();
        }
    }

    private void run() {
        while (running) {
            try (Connection c = pool().getConnection()) {
                c.setAutoCommit(true);
                c.setNetworkTimeout(Runnable::run, NETWORK_TIMEOUT_MS);
                listen(c);
            } catch (SQLException | RuntimeException e) {
                confirmed = false;
                changes.maybeMissed();
                if (!running) {
                    return;
                }
                // At WARN once per outage, the retries after it at DEBUG.
                if (pauseMs > FIRST_PAUSE_MS) {
                    LOG.debug("Grant change listener: {}", e.getMessage());
                } else {
                    LOG.warn("Grant change listener lost its connection ({}); grants are read from the database until it is back", e.getMessage());
                }
                pause(pauseMs);
                pauseMs = Math.min(MAX_PAUSE_MS, pauseMs * 2);
            }
        }
    }

    private void listen(Connection c) throws SQLException {
        PGConnection pg = c.unwrap(PGConnection.class);
        try (Statement st = c.createStatement()) {
            String schema;
            try (ResultSet rs = st.executeQuery("SELECT current_schema()")) {
                rs.next();
                schema = rs.getString(1);
            }
            st.execute("LISTEN " + CHANNEL);
            // Whatever changed before LISTEN was not heard: start from an empty cache.
            changes.maybeMissed();
            if (pauseMs > FIRST_PAUSE_MS) {
                LOG.info("Grant change listener is back; the token cache starts empty");
                pauseMs = FIRST_PAUSE_MS;
            }
            try {
                heartbeats(st, pg, schema);
            } finally {
                confirmed = false;
                // The connection goes back to the pool, which does not reset LISTEN.
                st.execute("UNLISTEN *");
            }
        }
    }

    private void heartbeats(Statement st, PGConnection pg, String schema) throws SQLException {
        long lastSweep = System.nanoTime();
        int heartbeatMs = (int) Math.max(1, properties.heartbeat().toMillis());
        while (running) {
            long sent = System.nanoTime();
            try (ResultSet rs = st.executeQuery("SELECT 1")) {
                rs.next();
            }
            // pgjdbc queued the notifications that came before the answer: apply them before confirming.
            apply(schema, pg.getNotifications());
            confirmedAt = sent;
            confirmed = true;
            apply(schema, pg.getNotifications(heartbeatMs));
            if (sent - lastSweep > properties.expireAfter().toNanos()) {
                changes.sweep();
                lastSweep = sent;
            }
        }
    }

    private void apply(String schema, PGNotification @Nullable [] notifications) {
        if (notifications == null) {
            return;
        }
        for (PGNotification notification : notifications) {
            String payload = notification.getParameter();
            int space = payload.lastIndexOf(' ');
            if (space < 0 || !payload.substring(0, space).equals(schema)) {
                continue;
            }
            try {
                changes.changed(UUID.fromString(payload.substring(space + 1)));
            } catch (IllegalArgumentException e) {
                changes.maybeMissed();
            }
        }
    }

    private DataSource pool() {
        DataSource bean = beans.getBean(DataSource.class, Qualifiers.byName(datasource));
        // The pool itself: the transaction-aware wrapper hands out connections only inside a transaction.
        return DelegatingDataSource.unwrapDataSource(resolver.resolve(bean));
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The thread ends within a heartbeat (its waits are that long). */
    @PreDestroy
    void stop() {
        running = false;
        confirmed = false;
        Thread t = thread;
        if (t != null) {
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
