package io.sentryconnect.sentry;

import java.time.Duration;

/**
 * The pauses between attempts with a token that a Sentry region does not know yet: each region checks tokens against
 * an asynchronously replicated copy, so a token seconds old may be refused ({@code Invalid token}) for a moment.
 * Pauses start at 50 ms and double, and never end past the budget (at most {@code sentry-connect.sentry.replica-lag}).
 * Used by organization discovery (a token fresh from the exchange) and by every call on a grant (a token fresh from a
 * refresh). By hand rather than with micronaut-retry: the condition is one 401 message, and the budget is a time
 * bounded by the token's age, not a count of attempts. Real time ({@link System#nanoTime()}), not the injected clock,
 * which tests may offset.
 */
final class ReplicaLagWait {
    private static final long FIRST_PAUSE_NANOS = Duration.ofMillis(50).toNanos();

    private final long deadline;
    private long pause = FIRST_PAUSE_NANOS;

    private ReplicaLagWait(long budgetNanos) {
        this.deadline = System.nanoTime() + Math.max(0, budgetNanos);
    }

    /** Pauses that end within {@code budget} from now. */
    static ReplicaLagWait within(Duration budget) {
        return new ReplicaLagWait(budget.toNanos());
    }

    /**
     * Sleeps before the next attempt, as long as the next pause or what is left of the budget. False, without
     * sleeping, once the budget is spent; false when interrupted (the thread's interrupt flag is set again), so the
     * caller stops waiting and goes on with the answer it has.
     */
    boolean pause() {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        long nanos = Math.min(pause, left);
        pause *= 2;
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
