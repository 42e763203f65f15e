package io.sentryconnect;

import io.micronaut.runtime.Micronaut;
import io.sentryconnect.database.DatabaseResolver;

/** Starts the service; the database is chosen first (see {@link DatabaseResolver}). */
public final class Application {
    private Application() {
    }

    public static void main(String[] args) {
        Micronaut.build(args)
                .mainClass(Application.class)
                .properties(DatabaseResolver.resolve("sentry_connect").properties())
                .start();
    }
}
