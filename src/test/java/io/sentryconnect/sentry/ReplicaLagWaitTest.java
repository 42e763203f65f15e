package io.sentryconnect.sentry;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ReplicaLagWait}: doubling pauses that never outlast the budget, and an interrupt that ends them. */
class ReplicaLagWaitTest {
    @Test
    void aSpentBudgetDoesNotPause() {
        assertFalse(ReplicaLagWait.within(Duration.ZERO).pause());
        assertFalse(ReplicaLagWait.within(Duration.ofMillis(-5)).pause());
    }

    @Test
    void pausesDoubleFromFiftyMillisecondsAndEndWithTheBudget() {
        long start = System.nanoTime();
        ReplicaLagWait wait = ReplicaLagWait.within(Duration.ofMillis(300));
        int pauses = 0;
        while (wait.pause()) {
            pauses++;
        }
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        // 50 + 100 + the rest of the budget (about 150, not 200): three pauses; two if the sleeps overran badly.
        assertTrue(pauses == 3 || pauses == 2, "pauses: " + pauses);
        assertTrue(elapsedMillis >= 300, "ended before the budget: " + elapsedMillis + " ms");
    }

    @Test
    void anInterruptEndsTheWaitAndStaysSet() {
        ReplicaLagWait wait = ReplicaLagWait.within(Duration.ofSeconds(30));
        Thread.currentThread().interrupt();
        try {
            assertFalse(wait.pause());
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }
}
