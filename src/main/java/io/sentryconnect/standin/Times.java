package io.sentryconnect.standin;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Sentry writes datetimes as UTC with microseconds and a {@code Z}: {@code 2024-11-27T23:20:21.054320Z}. */
final class Times {

    private static final DateTimeFormatter SENTRY = DateTimeFormatter
            .ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private Times() {
    }

    static String format(Instant instant) {
        return SENTRY.format(instant);
    }
}
