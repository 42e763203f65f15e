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
        Contract.notService(standInPort, usPort, dePort);
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

    /**
     * A port that is free now, for a server the context binds a moment later. It is picked below the kernel's
     * ephemeral range (32768–60999 on Linux), where no outgoing connection and no bind to port 0 (of this JVM or any
     * other process) can take it in between; only another caller of this method picking the same one at random could.
     */
    public static int freePort() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = random.nextInt(10_000, 32_000);
            try (ServerSocket socket = new ServerSocket(port)) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // in use: try another
            }
        }
        throw new UncheckedIOException(new IOException("no free port between 10000 and 32000 after 100 attempts"));
    }
}
