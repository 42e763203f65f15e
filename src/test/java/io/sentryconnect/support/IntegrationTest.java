package io.sentryconnect.support;

import io.micronaut.test.support.TestPropertyProvider;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

/**
 * Base of the integration tests: the real service on a real port, on the test schema, with the Sentry stand-in
 * on its own port. Subclasses carry {@code @MicronautTest}; {@link #extraProperties()} adds their own settings.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class IntegrationTest implements TestPropertyProvider {
    protected final int servicePort = freePort();
    protected final int standInPort = freePort();
    private final int usPort = freePort();
    private final int dePort = freePort();

    {
        Contract.service(servicePort);
    }

    @Override
    public final Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>();
        TestDatabase.properties().forEach((k, v) -> properties.put(k, String.valueOf(v)));
        properties.put("micronaut.server.port", String.valueOf(servicePort));
        properties.put("sentry-connect.public-url", "http://localhost:" + servicePort);
        properties.put("sentry-connect.standin.port", String.valueOf(standInPort));
        properties.put("sentry-connect.standin.us-port", String.valueOf(usPort));
        properties.put("sentry-connect.standin.de-port", String.valueOf(dePort));
        properties.put("sentry-connect.sentry.base-url", "http://localhost:" + standInPort);
        properties.put("sentry-connect.sentry.region-urls", "http://localhost:" + usPort + ",http://localhost:" + dePort);
        properties.putAll(extraProperties());
        return properties;
    }

    protected Map<String, String> extraProperties() {
        return Map.of();
    }

    protected String serviceUrl() {
        return "http://localhost:" + servicePort;
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
