package io.sentryconnect;

import io.micronaut.context.annotation.Factory;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import java.time.Clock;

/**
 * The plugin's one clock, injected everywhere time matters so that tests can move it. Named, so that it never clashes
 * with a host application's own {@link Clock} bean: a test replaces it with
 * {@code @Replaces(bean = Clock.class, named = ClockFactory.NAME)}.
 */
@Factory
public final class ClockFactory {
    /** The bean name of the plugin's clock. */
    public static final String NAME = "sentry-connect";

    @Singleton
    @Named(NAME)
    Clock clock() {
        return Clock.systemUTC();
    }
}
