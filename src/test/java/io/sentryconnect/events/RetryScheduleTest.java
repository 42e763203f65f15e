package io.sentryconnect.events;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("unit")
class RetryScheduleTest {
    private static final Duration INITIAL = Duration.ofSeconds(5);
    private static final Duration MAX = Duration.ofHours(1);

    @Test
    void theWaitDoublesWithEachFailedAttempt() {
        RetrySchedule noJitter = new RetrySchedule(INITIAL, MAX, bound -> 0);
        assertEquals(Duration.ofSeconds(5), noJitter.after(1));
        assertEquals(Duration.ofSeconds(10), noJitter.after(2));
        assertEquals(Duration.ofSeconds(20), noJitter.after(3));
        assertEquals(Duration.ofSeconds(40), noJitter.after(4));
    }

    @Test
    void theWaitIsCappedAndDoesNotOverflowAfterManyAttempts() {
        RetrySchedule noJitter = new RetrySchedule(INITIAL, MAX, bound -> 0);
        assertEquals(MAX, noJitter.after(11));
        assertEquals(MAX, noJitter.after(64));
        assertEquals(MAX, noJitter.after(Integer.MAX_VALUE));
    }

    @Test
    void jitterAddsUpToAQuarterOfTheWait() {
        assertEquals(Duration.ofMillis(5000 + 1250), new RetrySchedule(INITIAL, MAX, bound -> bound - 1).after(1));
        assertEquals(MAX.plus(MAX.dividedBy(4)), new RetrySchedule(INITIAL, MAX, bound -> bound - 1).after(30));
        RetrySchedule random = new RetrySchedule(INITIAL, MAX);
        for (int i = 0; i < 1000; i++) {
            Duration wait = random.after(2);
            assertTrue(wait.compareTo(Duration.ofSeconds(10)) >= 0 && wait.compareTo(Duration.ofMillis(12_500)) <= 0, wait.toString());
        }
    }
}
