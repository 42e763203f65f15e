package com.example.platform;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.sentryconnect.standin.SentryStandIn;
import io.sentryconnect.testing.SentryStandInTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpResponse;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The platform's {@code dev} environment is the platform's: the plugin's demo page, dev token endpoint and Sentry
 * stand-in belong to sentry-connect's standalone service and stay off (the stand-in here is the test's own).
 */
@SentryStandInTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DevEnvironmentTest {
    private final TestSchema schema = TestSchema.create();
    private EmbeddedServer server;

    @BeforeAll
    void start() {
        server = ApplicationContext.builder().environments("dev")
                .properties(HostConfig.properties(schema, HostConfig.freePort())).run(EmbeddedServer.class);
    }

    @AfterAll
    void stop() {
        try {
            server.getApplicationContext().close();
        } finally {
            schema.close();
        }
    }

    @Test
    void devSwitchesOnNoDemoNoDevTokenAndNoStandIn() {
        ApplicationContext context = server.getApplicationContext();
        assertTrue(context.getEnvironment().getActiveNames().contains("dev"));
        assertTrue(context.findBean(SentryStandIn.class).isEmpty(), "no stand-in bean");
        assertTrue(context.getProperty("sentry-connect.standin.enabled", Boolean.class).isEmpty());
        assertTrue(context.getProperty("sentry-connect.demo.enabled", Boolean.class).isEmpty());
        assertEquals(List.of(), context.getBeanDefinitions(Object.class).stream().map(d -> d.getBeanType().getName())
                .filter(name -> name.startsWith("io.sentryconnect.demo.") || name.startsWith("io.sentryconnect.standin.SentryStandIn")
                        || name.contains("DevToken")).toList(), "no demo, stand-in or dev token bean");

        for (String path : List.of("/demo", "/", "/dev/token", "/swagger/sentry-connect-0.1.yml")) {
            assertEquals(unknown("/no/such/page").replace("/no/such/page", path), unknown(path), path + " is an unknown route");
        }
        assertTrue(new Browser().postJson(server.getURL() + "/dev/token", "{\"tenant\":\"t1\",\"user\":\"u1\"}").statusCode() >= 400);
    }

    private String unknown(String path) {
        HttpResponse<String> response = new Browser().get(server.getURL() + path);
        return response.statusCode() + " " + response.body();
    }
}
