package io.sentryconnect.database;

import io.micronaut.context.BeanContext;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.context.env.Environment;
import io.micronaut.inject.qualifiers.Qualifiers;

import javax.sql.DataSource;
import java.util.TreeSet;

/**
 * Fails start-up when {@code sentry-connect.datasource} names no datasource, which would otherwise leave the schema
 * unmigrated without a word; and creates that datasource eagerly, so {@link SchemaMigration} runs during start-up.
 */
@Context
final class DataSourceCheck {
    DataSourceCheck(BeanContext context, Environment environment, DatabaseProperties properties) {
        String name = properties.datasource();
        if (!context.containsBean(DataSource.class, Qualifiers.byName(name))) {
            String known = String.join(", ", new TreeSet<>(environment.getPropertyEntries("datasources")));
            throw new ConfigurationException(DatabaseProperties.DATASOURCE_PROPERTY + " is \"" + name
                    + "\", but no datasource of that name is configured (datasources." + name + ".url); configured: ["
                    + known + "]");
        }
        context.getBean(DataSource.class, Qualifiers.byName(name));
    }
}
