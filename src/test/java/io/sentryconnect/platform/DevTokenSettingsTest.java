package io.sentryconnect.platform;

import io.micronaut.context.ApplicationContext;
import io.sentryconnect.support.PluginProperties;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /dev/token} signs a platform token for any tenant: a stray {@code sentry-connect.dev.token-endpoint}
 * outside the dev and test environments stops the start instead of opening it in production.
 */
class DevTokenSettingsTest {

    private static ApplicationContext start(String... environments) {
        Map<String, Object> properties = PluginProperties.complete(2);
        properties.put("sentry-connect.dev.token-endpoint", true);
        return ApplicationContext.builder().deduceEnvironment(false).enableDefaultPropertySources(false)
                .environments(environments).properties(properties).start();
    }

    private static String refusal(String... environments) {
        RuntimeException failure = assertThrows(RuntimeException.class, () -> {
            try (ApplicationContext ignored = start(environments)) {
                throw new AssertionError("started with the dev token endpoint in " + String.join(",", environments));
            }
        });
        return String.valueOf(failure.getMessage()).lines().findFirst().orElse("");
    }

    @Test
    void outsideTheDevAndTestEnvironmentsTheSwitchStopsTheStart() {
        String line = refusal();
        assertTrue(line.startsWith("sentry-connect.dev.token-endpoint is true outside the dev and test environments (active: none)"), line);
        assertTrue(refusal("prod", "cloud").contains("(active: "), refusal("prod", "cloud"));
    }

    @Test
    void inTheDevAndTestEnvironmentsTheEndpointIsThere() {
        for (String environment : new String[]{"dev", "test"}) {
            try (ApplicationContext context = start(environment, "cloud")) {
                assertTrue(context.findBeanDefinition(DevTokenController.class).isPresent(), environment);
            }
        }
    }

    @Test
    void withoutTheSwitchNoEnvironmentHasTheEndpoint() {
        Map<String, Object> properties = PluginProperties.complete(2);
        try (ApplicationContext context = ApplicationContext.builder().deduceEnvironment(false)
                .enableDefaultPropertySources(false).environments("dev").properties(properties).start()) {
            assertFalse(context.findBeanDefinition(DevTokenController.class).isPresent());
            assertFalse(context.findBeanDefinition(DevTokenSettings.class).isPresent());
        }
    }
}
