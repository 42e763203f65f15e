package io.sentryconnect.demo;

import io.sentryconnect.SentryConnectProperties;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;

/**
 * Prints the demo's URL once the server listens, so that {@code ./mvnw mn:run} ends with the one line a person
 * needs. It is the public URL, not the bound address: the return_to allow-list and the OAuth callback use that origin.
 */
@Singleton
@Requires(property = DemoController.ENABLED, value = "true")
class DemoAnnouncement implements ApplicationEventListener<ServerStartupEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(DemoAnnouncement.class);
    private final URI publicUrl;

    DemoAnnouncement(SentryConnectProperties plugin) {
        this.publicUrl = plugin.publicUrl();
    }

    @Override
    public void onApplicationEvent(ServerStartupEvent event) {
        LOG.info("Demo: {} (dev only; open it at exactly this origin)", demoUrl(publicUrl));
    }

    static String demoUrl(URI publicUrl) {
        String base = publicUrl.toString();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + DemoController.PATH;
    }
}
