package com.example.platform;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.sentryconnect.testing.SentryStandInTest;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The platform's Flyway and the plugin's migrations share one schema, each with its own history table. */
@SentryStandInTest
class MigrationsCoexistTest {

    @Test
    void onAnEmptySchemaBothApplyAndEachKeepsItsOwnHistory() {
        try (TestSchema schema = TestSchema.create()) {
            start(schema).close();
            assertEquals(List.of(Map.of("version", "1", "description", "host")), hostHistory(schema));
            assertPluginMigrated(schema);
            assertTrue(schema.tables().containsAll(List.of("host_account", "host_event")), schema.tables().toString());
            assertEquals(3L, schema.query("SELECT count(*) AS n FROM host_event").get(0).get("n"));

            start(schema).close();
            assertEquals(List.of(Map.of("version", "1", "description", "host")), hostHistory(schema), "a restart changes nothing");
        }
    }

    @Test
    void onASchemaWhereThePlatformIsAlreadyAtALaterVersionBothStillStart() {
        try (TestSchema schema = TestSchema.create()) {
            Flyway.configure().dataSource(schema.url(), "postgres", "").locations("classpath:db/migration", "classpath:db/later")
                    .load().migrate();
            List<Map<String, Object>> before = hostHistory(schema);
            assertEquals(List.of("1", "2"), before.stream().map(r -> r.get("version")).toList());

            try (ApplicationContext context = start(schema)) {
                assertEquals(before, hostHistory(schema), "the platform's history is untouched");
                assertPluginMigrated(schema);
                assertTrue(schema.tables().contains("host_invoice"), schema.tables().toString());
            }
        }
    }

    private static ApplicationContext start(TestSchema schema) {
        return ApplicationContext.run(EmbeddedServer.class, HostConfig.properties(schema, HostConfig.freePort()))
                .getApplicationContext();
    }

    private static List<Map<String, Object>> hostHistory(TestSchema schema) {
        return schema.query("SELECT version, description FROM flyway_schema_history WHERE success ORDER BY installed_rank");
    }

    private static void assertPluginMigrated(TestSchema schema) {
        List<Map<String, Object>> ours = schema.query(
                "SELECT version, description FROM sentry_connect_schema_history WHERE success AND version IS NOT NULL ORDER BY installed_rank");
        assertFalse(ours.isEmpty(), "the plugin's own history table has its migrations");
        assertTrue(ours.stream().noneMatch(r -> "host".equals(r.get("description"))), ours.toString());
        assertTrue(schema.tables().contains("sentry_connect_grant"), schema.tables().toString());
    }
}
