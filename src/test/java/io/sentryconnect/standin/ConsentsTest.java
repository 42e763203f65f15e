package io.sentryconnect.standin;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Queued consent decisions: taken oldest first, and dropped unused once they waited too long. */
class ConsentsTest {
    private final AtomicLong nanos = new AtomicLong(1_000);
    private final Consents consents = new Consents(Clock.systemUTC(), nanos::get);

    private static Consents.QueuedDecision approve(String org) {
        return new Consents.QueuedDecision(true, "1", org, null);
    }

    @Test
    void aDecisionLeftQueuedForMoreThanTwoMinutesAnswersNoLaterConsent() {
        consents.enqueue(approve("acme"));
        nanos.addAndGet(Duration.ofMinutes(2).plusMillis(1).toNanos());
        assertEquals(0, consents.queuedDecisions());
        assertTrue(consents.nextDecision().isEmpty(), "the consent page is shown instead");
    }

    @Test
    void aDecisionWithinItsTwoMinutesIsTakenOnceAndOldestFirst() {
        consents.enqueue(approve("acme"));
        nanos.addAndGet(Duration.ofSeconds(90).toNanos());
        consents.enqueue(approve("globex"));
        nanos.addAndGet(Duration.ofSeconds(29).toNanos());
        assertEquals(2, consents.queuedDecisions());
        assertEquals("acme", consents.nextDecision().orElseThrow().orgSlug());
        nanos.addAndGet(Duration.ofSeconds(2).toNanos()); // acme's would be expired now; globex's is 31 s old
        assertEquals("globex", consents.nextDecision().orElseThrow().orgSlug());
        assertTrue(consents.nextDecision().isEmpty(), "each decision answers one authorize request");
    }

    @Test
    void onlyTheExpiredDecisionsGoTheYoungerOneStays() {
        consents.enqueue(approve("acme"));
        nanos.addAndGet(Duration.ofSeconds(100).toNanos());
        consents.enqueue(approve("globex"));
        nanos.addAndGet(Duration.ofSeconds(30).toNanos());
        assertEquals("globex", consents.nextDecision().orElseThrow().orgSlug());
    }
}
