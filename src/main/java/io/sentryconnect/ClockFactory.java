package io.sentryconnect;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Secondary;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import java.time.Clock;

/**
 * The plugin's one clock, injected everywhere time matters so that tests can move it. Named, so that the plugin's code
 * never gets a host application's own {@link Clock} bean; secondary, because a name alone does not keep it from a
 * host's unqualified {@code Clock} injection point, which would otherwise find two candidates. A test replaces it with
 * {@code @Replaces(bean = Clock.class, named = ClockFactory.NAME)}.
 */
@Factory
public final class ClockFactory {
    /** The bean name of the plugin's clock. */
    public static final String NAME = "sentry-connect";

    @Singleton
    @Named(NAME)
    @Secondary
    Clock clock() {
        return Clock.systemUTC();
    }
}
