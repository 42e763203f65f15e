package io.sentryconnect.token;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.PropertySource;
import io.sentryconnect.support.PluginProperties;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A start stopped for a missing setting names the environment variable that sets it, as well as the key: the one
 * Micronaut maps to the key in a host, the standalone service's own in the standalone service, and each named variable
 * does set its key.
 */
class SettingsFromTheEnvironmentTest {

    private static String failure(Map<String, Object> properties) {
        RuntimeException failure = assertThrows(RuntimeException.class, () -> {
            try (ApplicationContext ignored = ApplicationContext.builder().deduceEnvironment(false)
                    .enableDefaultPropertySources(false).properties(properties).start()) {
                throw new AssertionError("started without a required setting");
            }
        });
        return String.valueOf(failure.getMessage()).lines().findFirst().orElse("");
    }

    @Test
    void aMissingSettingNamesTheVariableThatSetsIt() {
        Map<String, Object> host = PluginProperties.complete(2);
        host.remove("sentry-connect.sentry.client-id");
        String line = failure(host);
        assertTrue(line.startsWith("sentry-connect.sentry.client-id is not set"), line);
        assertTrue(line.contains("or the environment variable SENTRY_CONNECT_SENTRY_CLIENT_ID"), line);

        Map<String, Object> standalone = PluginProperties.complete(2);
        standalone.remove("sentry-connect.sentry.client-id");
        standalone.put("sentry-connect.standalone", true);
        line = failure(standalone);
        assertTrue(line.contains("the standalone service reads it from the environment variable SENTRY_CLIENT_ID"), line);
        assertFalse(line.contains("SENTRY_CONNECT_SENTRY_CLIENT_ID"), line);

        Map<String, Object> noKeys = PluginProperties.complete(2);
        noKeys.remove("sentry-connect.encryption.keys.1");
        noKeys.put("sentry-connect.standalone", true);
        assertTrue(failure(noKeys).contains("environment variable SENTRY_CONNECT_KEY_1"), failure(noKeys));
    }

    @Test
    void inAHostTheNamedVariablesSetTheirKeys() {
        Map<String, Object> properties = PluginProperties.complete(2);
        properties.remove("sentry-connect.sentry.client-id");
        properties.remove("sentry-connect.sentry.client-secret");
        // Read the way Micronaut reads the process environment (its environment variable convention).
        PropertySource environment = PropertySource.of("env", Map.of(
                RequiredSettings.variable(false, "sentry-connect.sentry.client-id").replace("or the environment variable ", ""), "from-env",
                RequiredSettings.variable(false, "sentry-connect.sentry.client-secret").replace("or the environment variable ", ""), "secret-from-env"),
                PropertySource.PropertyConvention.ENVIRONMENT_VARIABLE);
        try (ApplicationContext context = ApplicationContext.builder().deduceEnvironment(false)
                .enableDefaultPropertySources(false).properties(properties).propertySources(environment).start()) {
            assertEquals("from-env", context.getBean(SentryProperties.class).clientId());
            assertEquals("secret-from-env", context.getBean(SentryProperties.class).clientSecret().reveal());
        }
    }

    @Test
    void theStandaloneServiceReadsTheVariablesItsMessagesName() throws IOException {
        String yml = Files.readString(Path.of("src/main/resources/application.yml"));
        for (String key : new String[]{"sentry-connect.sentry.client-id", "sentry-connect.sentry.client-secret",
                "sentry-connect.encryption.keys", "sentry-connect.encryption.primary-key-id"}) {
            String variable = RequiredSettings.variable(true, key).replace("the standalone service reads it from the environment variable ", "");
            assertTrue(yml.contains("${" + variable + ":"), key + " is read from " + variable + " in the standalone application.yml");
        }
    }
}
