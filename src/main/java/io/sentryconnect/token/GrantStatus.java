package io.sentryconnect.token;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a grant stands. Its {@link #value()} is what the {@code status} column and the grant JSON hold; it lives in
 * this package because the token refresher reads and writes it, and the grant package builds on this one.
 */
public enum GrantStatus {
    /** Its tokens work, or a refresh may make them work. */
    ACTIVE,
    /** Sentry refused it for good: nothing is sent with it until the user reconnects. */
    REVOKED,
    /** Its tokens were destroyed on request; the row stays as a tombstone. */
    DISCONNECTED;

    /** {@code active}, {@code revoked} or {@code disconnected}. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status of a stored or requested {@link #value()}, if it is one. */
    public static Optional<GrantStatus> of(String value) {
        return Arrays.stream(values()).filter(status -> status.value().equals(value)).findFirst();
    }
}
