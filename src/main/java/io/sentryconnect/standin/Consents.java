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

/**
 * The consent side of {@code /oauth/authorize/}: decisions queued for browser-less users, and consent pages in
 * progress (each answered once).
 */
final class Consents {
    private static final Duration PENDING_LIFETIME = Duration.ofHours(1);

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

    private final Clock clock;
    private final Deque<QueuedDecision> decisions = new ConcurrentLinkedDeque<>();
    private final Map<String, PendingAuthorization> pending = new ConcurrentHashMap<>();

    Consents(Clock clock) {
        this.clock = clock;
    }

    void clear() {
        decisions.clear();
        pending.clear();
    }

    void enqueue(QueuedDecision decision) {
        decisions.addLast(decision);
    }

    int queuedDecisions() {
        return decisions.size();
    }

    Optional<QueuedDecision> nextDecision() {
        return Optional.ofNullable(decisions.pollFirst());
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
