package io.sentryconnect.support;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.sentryconnect.standin.SentryStandIn;

import java.util.HashMap;
import java.util.Map;

/** A second instance of the service on the same database and the first one's stand-in, as a second replica would be. */
public final class SecondInstance {
    private SecondInstance() {
    }

    /** Starts it on a port of its own, with {@code extra} settings; the caller closes it. */
    public static ApplicationContext start(SentryStandIn standIn, Map<String, String> extra) {
        Map<String, Object> properties = new HashMap<>(TestDatabase.properties());
        int port = IntegrationTest.freePort();
        properties.put("micronaut.server.port", port);
        properties.put("sentry-connect.public-url", "http://localhost:" + port);
        properties.put("sentry-connect.standin.enabled", false);
        properties.putAll(standIn.pluginProperties());
        properties.putAll(extra);
        return ApplicationContext.run(EmbeddedServer.class, properties, "test").getApplicationContext();
    }
}
