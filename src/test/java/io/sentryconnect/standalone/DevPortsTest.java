package io.sentryconnect.standalone;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The local demo's URLs follow its ports ({@code application-dev.yml}): a second copy started on other ports links
 * against its own stand-in and answers its own links, instead of the first copy's.
 */
class DevPortsTest {

    @Test
    void theDevEnvironmentsUrlsFollowTheServiceAndStandInPorts() {
        assertEquals(List.of("http://localhost:8080", "http://localhost:8090", "http://localhost:8091", "http://localhost:8092"),
                urls(Map.of()), "the defaults");
        assertEquals(List.of("http://localhost:8180", "http://localhost:8190", "http://localhost:8191", "http://localhost:8192"),
                urls(Map.of("micronaut.server.port", 8180, "sentry-connect.standin.port", 8190,
                        "sentry-connect.standin.us-port", 8191, "sentry-connect.standin.de-port", 8192)));
    }

    private static List<String> urls(Map<String, Object> ports) {
        try (ApplicationContext context = ApplicationContext.builder().environments(Environment.DEVELOPMENT)
                .deduceEnvironment(false).properties(ports).build()) {
            Environment environment = context.getEnvironment();
            environment.start();
            List<String> regions = environment.getProperty("sentry-connect.sentry.region-urls", List.class).orElseThrow();
            assertEquals(List.of(environment.getRequiredProperty("sentry-connect.public-url", String.class)),
                    environment.getProperty("sentry-connect.link.allowed-return-origins", List.class).orElseThrow(),
                    "return_to may come back to this copy's own origin");
            return List.of(environment.getRequiredProperty("sentry-connect.public-url", String.class),
                    environment.getRequiredProperty("sentry-connect.sentry.base-url", String.class),
                    String.valueOf(regions.get(0)), String.valueOf(regions.get(1)));
        }
    }
}
