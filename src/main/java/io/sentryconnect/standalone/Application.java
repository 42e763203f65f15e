package io.sentryconnect.standalone;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.Micronaut;
import io.sentryconnect.grant.TokenReencryption;
import io.sentryconnect.database.DatabaseResolver;

import java.util.HashMap;
import java.util.Map;

/** Starts the service; the database is chosen first (see {@link DatabaseResolver}). */
public final class Application {
    private Application() {
    }

    public static void main(String[] args) {
        // Only the dev environment (./mvnw mn:run) picks a database by itself; production names its own
        // (DATASOURCES_DEFAULT_URL or configuration), which nothing here may override.
        Map<String, Object> database = devEnvironment() ? DatabaseResolver.resolve("sentry_connect").properties() : Map.of();
        if (args.length > 0 && args[0].equals("reencrypt-tokens")) {
            reencryptTokens(database);
            return;
        }
        Micronaut.build(args)
                .mainClass(Application.class)
                .properties(database)
                // The banner is plain text on standard output: with JSON logs every line there is one JSON object.
                .banner(!jsonLogs())
                .start();
    }

    private static boolean jsonLogs() {
        return System.getProperty("logback.configurationFile", "").endsWith("logback-json.xml");
    }

    private static boolean devEnvironment() {
        String environments = System.getProperty("micronaut.environments", System.getenv().getOrDefault("MICRONAUT_ENVIRONMENTS", ""));
        return java.util.Arrays.asList(environments.split(",")).contains("dev");
    }

    /**
     * {@code reencrypt-tokens}: a one-off process beside the running service (no HTTP server, no scheduled jobs)
     * that re-encrypts every grant under the primary key, then exits.
     */
    private static void reencryptTokens(Map<String, Object> database) {
        Map<String, Object> properties = new HashMap<>(database);
        properties.put("sentry-connect.refresh.background.enabled", false);
        properties.put("sentry-connect.webhook.delivery.enabled", false);
        properties.put("sentry-connect.standin.enabled", false);
        TokenReencryption.Outcome outcome;
        try (ApplicationContext context = ApplicationContext.builder(Application.class).properties(properties).start()) {
            outcome = context.getBean(TokenReencryption.class).run(500, Integer.MAX_VALUE);
        }
        if (outcome.undecryptable() > 0) {
            // Grants are left under an old key: removing it now would lose them. A script or a job must see it.
            System.exit(3);
        }
    }
}
