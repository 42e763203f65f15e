package com.example.platform;

import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.ZoneId;

/** The platform's clock: its business runs on Berlin time. */
@Factory
final class HostClockFactory {
    static final ZoneId ZONE = ZoneId.of("Europe/Berlin");

    @Singleton
    Clock clock() {
        return Clock.system(ZONE);
    }
}
