package io.sentryconnect.events;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * When a failed webhook delivery is tried again: {@code initial × 2^(attempts−1)}, capped at {@code max}, plus up to
 * 25% jitter so that many failed events do not retry in step. Computed here rather than by a retry library because
 * the schedule must survive restarts (it is a column, {@code next_attempt_at}, not a timer).
 */
record RetrySchedule(Duration initial, Duration max, LongUnaryOperator jitter) {

    /** With random jitter: {@code jitter.applyAsLong(bound)} is uniform in {@code [0, bound)}. */
    RetrySchedule(Duration initial, Duration max) {
        this(initial, max, bound -> ThreadLocalRandom.current().nextLong(bound));
    }

    /** The wait after the {@code attempts}-th failed attempt (1 for the first). */
    Duration after(int attempts) {
        long base = initial.toMillis() << Math.min(attempts - 1, 20);
        long capped = Math.min(base, max.toMillis());
        return Duration.ofMillis(capped + jitter.applyAsLong(capped / 4 + 1));
    }
}
