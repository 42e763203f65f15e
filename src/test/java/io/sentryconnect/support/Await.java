package io.sentryconnect.support;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/** Bounded polling for a condition another process or thread makes true; fails with what it waited for. */
public final class Await {
    private Await() {
    }

    public static void until(BooleanSupplier condition, String what, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
