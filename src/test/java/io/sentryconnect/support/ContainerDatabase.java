package io.sentryconnect.support;

import io.sentryconnect.database.DatabaseResolver;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * The tests' container database: a PostgreSQL 15 started with Testcontainers where a Docker engine answers (a
 * developer's laptop), none elsewhere ({@code SENTRY_CONNECT_TESTCONTAINERS=false} skips the probe), so that
 * {@link DatabaseResolver} falls back to the local PostgreSQL. Test code: Testcontainers never reaches the plugin's
 * or a host's runtime classpath.
 */
public final class ContainerDatabase {
    private static PostgreSQLContainer<?> container;

    private ContainerDatabase() {
    }

    public static synchronized DatabaseResolver.Started startIfDockerAnswers() {
        if (!dockerAvailable()) {
            return null;
        }
        if (container == null) {
            PostgreSQLContainer<?> pg = new PostgreSQLContainer<>("postgres:15-alpine");
            pg.start();
            container = pg;
        }
        return new DatabaseResolver.Started(container.getJdbcUrl(), container.getUsername(), container.getPassword());
    }

    private static boolean dockerAvailable() {
        if ("false".equalsIgnoreCase(System.getenv("SENTRY_CONNECT_TESTCONTAINERS"))) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
