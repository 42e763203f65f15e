package io.sentryconnect.database;

import io.micronaut.context.BeanLocator;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.annotation.Order;
import io.micronaut.core.naming.NameResolver;
import io.micronaut.core.order.Ordered;
import io.micronaut.inject.qualifiers.Qualifiers;
import io.micronaut.jdbc.DataSourceResolver;
import io.sentryconnect.StartCheck;
import jakarta.inject.Singleton;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Applies the plugin's migrations to the datasource named by {@code sentry-connect.datasource} on the start-up event,
 * first among its listeners after the settings' {@link StartCheck}s ({@link OnStart}): a start that is going to stop
 * (a missing setting, a route clash) leaves the host's schema as it found it, and the schema is there before the
 * scheduler starts the plugin's jobs or a host's start-up listener calls the plugin. The datasource is remembered when
 * it is created; one created only after the start is migrated then, before anything can use it, the checks asked
 * first. The migrations have a location and a history table of their own, so a host's Flyway on the same schema (on or
 * off) neither sees ours nor is seen by them; it migrates when the datasource is created, so before ours.
 */
@Singleton
@Requires(property = "sentry-connect.enabled", notEquals = "false")
@Requires(property = "sentry-connect.migrations.enabled", notEquals = "false")
// Last among the datasource listeners: a host's micronaut-flyway then migrates first (a host Flyway without
// baseline-on-migrate refuses a schema that already holds our tables, while ours accepts the host's).
@Order(Ordered.LOWEST_PRECEDENCE)
final class SchemaMigration implements BeanCreatedEventListener<DataSource> {
    static final String LOCATION = "classpath:io/sentryconnect/db/migration";
    static final String HISTORY_TABLE = "sentry_connect_schema_history";
    /** Where micronaut-flyway recorded our V1–V4 before the plugin had a history table of its own. */
    static final String OLD_HISTORY_TABLE = "flyway_schema_history";
    /** A table every old-layout deployment has (created by V1, renamed by V5). */
    private static final String OLD_LAYOUT_TABLE = "sentry_grant";
    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigration.class);

    private final String datasource;
    private final DataSourceResolver resolver;
    private final List<StartCheck> checks;
    private final BeanLocator beans;
    /** The plugin's datasource, created before the start-up event and not yet migrated. */
    @Nullable
    private volatile DataSource created;
    private volatile boolean started;

    SchemaMigration(DatabaseProperties properties, @Nullable DataSourceResolver resolver, List<StartCheck> checks,
                    BeanLocator beans) {
        this.datasource = properties.datasource();
        this.resolver = Objects.requireNonNullElse(resolver, DataSourceResolver.DEFAULT);
        this.checks = checks;
        this.beans = beans;
    }

    @Override
    public synchronized DataSource onCreated(BeanCreatedEvent<DataSource> event) {
        DataSource dataSource = event.getBean();
        Optional<String> name = event.getBeanDefinition() instanceof NameResolver named ? named.resolveName() : Optional.empty();
        if (name.orElse(event.getBeanIdentifier().getName()).equals(datasource)) {
            if (started) {
                migrateUnlessStopping(dataSource);
            } else {
                created = dataSource;
            }
        }
        return dataSource;
    }

    /** The start-up event: migrates the datasource created so far, or creates it (which migrates it, above). */
    void start() {
        DataSource dataSource;
        synchronized (this) {
            started = true;
            dataSource = created;
            created = null;
            if (dataSource != null) {
                migrateUnlessStopping(dataSource);
                return;
            }
        }
        // Outside the lock: creating the datasource calls onCreated, maybe on another thread of the bean context.
        beans.findBean(DataSource.class, Qualifiers.byName(datasource));
    }

    /**
     * Runs the migration on the start-up event before every other listener of the plugin's and the framework's (the
     * scheduler starts the jobs on the same event, at the default order), after the settings' checks only.
     */
    @Singleton
    @Requires(property = "sentry-connect.enabled", notEquals = "false")
    @Requires(property = "sentry-connect.migrations.enabled", notEquals = "false")
    @Order(Ordered.HIGHEST_PRECEDENCE + 1)
    static final class OnStart implements ApplicationEventListener<StartupEvent> {
        private final SchemaMigration migration;

        OnStart(SchemaMigration migration) {
            this.migration = migration;
        }

        @Override
        public void onApplicationEvent(StartupEvent event) {
            migration.start();
        }
    }

    private void migrateUnlessStopping(DataSource dataSource) {
        Optional<String> stop = failedCheck();
        if (stop.isPresent()) {
            // A start-up check stops the start with this message, key first; the host's schema stays untouched.
            LOG.info("Not migrating the sentry-connect schema: the start is going to stop ({})", stop.get());
            return;
        }
        // The transaction-aware wrapper would hand out connections only inside a transaction.
        migrate(resolver.resolve(dataSource));
    }

    /** The message of the first start check that fails, if one does. */
    private Optional<String> failedCheck() {
        for (StartCheck check : checks) {
            try {
                check.verify();
            } catch (RuntimeException e) {
                return Optional.of(String.valueOf(e.getMessage()));
            }
        }
        return Optional.empty();
    }

    private void migrate(DataSource dataSource) {
        String schema;
        boolean firstRun;
        Set<String> oldHistory;
        // Closed before Flyway starts, which needs two connections: a host pool of two is enough.
        try (Connection c = dataSource.getConnection()) {
            schema = currentSchema(c);
            firstRun = !tableExists(c, schema, HISTORY_TABLE);
            if (!firstRun && upToDate(c, schema)) {
                LOG.info("Schema {}: every sentry-connect migration is recorded in {}, unchanged; nothing to migrate.",
                        schema, HISTORY_TABLE);
                return;
            }
            oldHistory = firstRun ? oldLayoutHistory(c, schema) : Set.of();
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot migrate the sentry-connect schema on datasource " + datasource
                    + ": " + e.getMessage(), e);
        }
        FluentConfiguration configuration = Flyway.configure(SchemaMigration.class.getClassLoader())
                .dataSource(dataSource)
                .locations(LOCATION)
                .failOnMissingLocations(true)
                .table(HISTORY_TABLE);
        if (firstRun) {
            // Either the old layout's V1..landed become our baseline, or the host's tables (if any) are baselined away
            // at 0, below our V1. Flyway baselines only while our history table is missing.
            String landed = landedVersion(oldHistory, configuration.load());
            String baseline = landed == null ? "0" : landed;
            LOG.info("Schema {}: no {} yet; {}.", schema, HISTORY_TABLE, landed == null
                    ? "our migrations run from V1"
                    : "our V1 to V" + landed + " are recorded in " + OLD_HISTORY_TABLE + ", so they become our baseline");
            // Two instances starting together both baseline with the same version and description, which Flyway
            // takes as one; its lock on our history table then lets one of them migrate.
            configuration.baselineOnMigrate(true).baselineVersion(baseline)
                    .baselineDescription(landed == null ? "sentry-connect: schema before its first migration"
                            : "sentry-connect V1 to V" + landed + ", recorded in " + OLD_HISTORY_TABLE);
        }
        int applied = configuration.load().migrate().migrationsExecuted;
        LOG.info("Schema {}: {} sentry-connect migration(s) applied, history in {}.", schema, applied, HISTORY_TABLE);
    }

    /**
     * {@code version script} of each migration that {@code flyway_schema_history} records as applied, while our old
     * tables exist beside it; empty when either is missing.
     */
    private static Set<String> oldLayoutHistory(Connection c, String schema) throws SQLException {
        Set<String> recorded = new HashSet<>();
        if (tableExists(c, schema, OLD_HISTORY_TABLE) && tableExists(c, schema, OLD_LAYOUT_TABLE)) {
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT version, script FROM " + quote(schema) + "." + OLD_HISTORY_TABLE
                         + " WHERE success AND version IS NOT NULL")) {
                while (rs.next()) {
                    recorded.add(rs.getString(1) + " " + rs.getString(2));
                }
            }
        }
        return recorded;
    }

    /**
     * The highest version of the unbroken run of our migrations, from V1, found (same version, same script name) in
     * the old history; null when there is none, as when that table holds a host's migrations only.
     */
    private static String landedVersion(Set<String> oldHistory, Flyway ours) {
        String landed = null;
        for (MigrationInfo migration : ours.info().all()) {
            if (!oldHistory.contains(migration.getVersion().getVersion() + " " + migration.getScript())) {
                break;
            }
            landed = migration.getVersion().getVersion();
        }
        return landed;
    }

    /** Whether Flyway would find nothing to do (see {@link AppliedMigrations}); false whenever that is not certain. */
    private static boolean upToDate(Connection c, String schema) throws SQLException {
        Optional<List<AppliedMigrations.Migration>> shipped = AppliedMigrations.shipped(SchemaMigration.class.getClassLoader(),
                LOCATION.substring("classpath:".length()));
        return shipped.isPresent() && AppliedMigrations.allApplied(c, quote(schema) + "." + HISTORY_TABLE, shipped.get());
    }

    /**
     * The schema the connection writes to. {@code current_schema()} is null while the first schema of the search path
     * does not exist yet (Flyway creates it): then that first entry, as it will be named.
     */
    private static String currentSchema(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT coalesce(current_schema(), trim(both '\" ' from split_part(current_setting('search_path'), ',', 1)))")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static boolean tableExists(Connection c, String schema, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
