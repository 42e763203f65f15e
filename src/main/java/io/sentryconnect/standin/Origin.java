package io.sentryconnect.standin;

import io.micronaut.core.annotation.Nullable;

/**
 * One of the stand-in's HTTP origins: {@code main} (like sentry.io: OAuth, control-silo API, controls) or a data
 * region ({@code us}, {@code de}) that serves organization data.
 */
record Origin(String name, @Nullable String region) {

    static final Origin MAIN = new Origin("main", null);

    static Origin region(String region) {
        return new Origin(region, region);
    }

    boolean isMain() {
        return region == null;
    }
}
