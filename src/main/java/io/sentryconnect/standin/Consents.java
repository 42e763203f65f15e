package io.sentryconnect.standin;

import io.micronaut.core.annotation.Nullable;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.LongSupplier;

/**
 * The consent side of {@code /oauth/authorize/}: decisions queued for browser-less users, and consent pages in
 * progress (each answered once).
 */
final class Consents {
    private static final Duration PENDING_LIFETIME = Duration.ofHours(1);
    /**
     * How long a queued decision waits for its authorize request: one left behind (a script that stopped half-way)
     * would otherwise answer the next person's consent, in the demo a stranger's browser. Real elapsed time, not the
     * stand-in's clock, which tests hold still or move by hours between queuing and following the redirects.
     */
    static final Duration DECISION_LIFETIME = Duration.ofMinutes(2);

    /** A consent decision queued by {@code /_standin/next-authorization}, for a browser-less user. */
    record QueuedDecision(boolean approve, @Nullable String userId, @Nullable String orgSlug,
                          @Nullable List<String> grantedScopes) {
    }

    /** An authorize request whose consent page is open; {@code userId} is set once someone picked a user. */
    record PendingAuthorization(String id, String clientId, String redirectUri, List<String> scopes,
                                @Nullable String state, @Nullable String codeChallenge, @Nullable String userId,
                                Instant createdAt) {
        PendingAuthorization withUser(String user) {
            return new PendingAuthorization(id, clientId, redirectUri, scopes, state, codeChallenge, user, createdAt);
        }
    }

    private record Queued(QueuedDecision decision, long queuedAtNanos) {
    }

    private final Clock clock;
    private final LongSupplier nanoTime;
    private final Deque<Queued> decisions = new ConcurrentLinkedDeque<>();
    private final Map<String, PendingAuthorization> pending = new ConcurrentHashMap<>();

    Consents(Clock clock) {
        this(clock, System::nanoTime);
    }

    /** With {@code nanoTime} as the source of elapsed time for queued decisions (a test's own). */
    Consents(Clock clock, LongSupplier nanoTime) {
        this.clock = clock;
        this.nanoTime = nanoTime;
    }

    void clear() {
        decisions.clear();
        pending.clear();
    }

    void enqueue(QueuedDecision decision) {
        decisions.addLast(new Queued(decision, nanoTime.getAsLong()));
    }

    /** The decisions still waiting, expired ones not counted. */
    int queuedDecisions() {
        dropExpired();
        return decisions.size();
    }

    /** The oldest decision queued less than {@link #DECISION_LIFETIME} ago; older ones are dropped unused. */
    Optional<QueuedDecision> nextDecision() {
        dropExpired();
        return Optional.ofNullable(decisions.pollFirst()).map(Queued::decision);
    }

    private void dropExpired() {
        long now = nanoTime.getAsLong();
        // Oldest first, so the expired ones are at the head; a concurrent taker may have taken the head already.
        for (Queued head = decisions.peekFirst(); head != null && now - head.queuedAtNanos() > DECISION_LIFETIME.toNanos();
             head = decisions.peekFirst()) {
            decisions.remove(head);
        }
    }

    PendingAuthorization beginConsent(String clientId, String redirectUri, List<String> scopes,
                                      @Nullable String state, @Nullable String codeChallenge) {
        Instant now = clock.instant();
        pending.values().removeIf(p -> p.createdAt().plus(PENDING_LIFETIME).isBefore(now));
        PendingAuthorization p = new PendingAuthorization(Secrets.token(), clientId, redirectUri, List.copyOf(scopes),
                state, codeChallenge, null, now);
        pending.put(p.id(), p);
        return p;
    }

    Optional<PendingAuthorization> pendingConsent(@Nullable String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(pending.get(id));
    }

    void updateConsent(PendingAuthorization p) {
        pending.replace(p.id(), p);
    }

    /** Removes the page's request: each consent page can be answered once. */
    Optional<PendingAuthorization> finishConsent(@Nullable String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(pending.remove(id));
    }
}
