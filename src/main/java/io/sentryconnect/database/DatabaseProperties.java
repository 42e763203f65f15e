package io.sentryconnect.database;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * {@code sentry-connect.datasource}: which of the host's datasources holds the plugin's tables.
 * ({@code sentry-connect.migrations.enabled} is a {@code @Requires} switch on {@link SchemaMigration}.)
 *
 * @param datasource the name under {@code datasources.*}
 */
@ConfigurationProperties("sentry-connect")
public record DatabaseProperties(@Bindable(defaultValue = "default") String datasource) {
    /** The property's name, for messages that tell an operator what to change. */
    public static final String DATASOURCE_PROPERTY = "sentry-connect.datasource";

    /**
     * The datasource's name as an annotation value ({@code @Transactional}, {@code @ReadOnly}, {@code @Connectable}),
     * resolved against the configuration when the interceptor first reads it, with this record's default.
     */
    public static final String DATASOURCE = "${" + DATASOURCE_PROPERTY + ":default}";
}
