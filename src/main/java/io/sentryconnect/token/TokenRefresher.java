package io.sentryconnect.token;

import io.sentryconnect.database.Sql;
import io.sentryconnect.PluginMetrics;
import io.micronaut.transaction.TransactionOperations;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Value;
import io.micronaut.transaction.TransactionDefinition;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Refreshes a grant's access token, at most once at a time per grant:
 * <ul>
 *   <li>within an instance, concurrent callers for one grant share one refresh and wait for its result;</li>
 *   <li>across instances, the refresh runs in a transaction holding the grant's row lock
 *       ({@code SELECT … FOR UPDATE}) and re-checks the token version after acquiring it, so a caller that queued
 *       behind another instance's refresh uses that result instead of calling Sentry again;</li>
 *   <li>Sentry's answer is written in that same transaction: with rotation, the old refresh token is dead the moment
 *       Sentry answers, so the new one must never be held only in memory.</li>
 * </ul>
 */
@Singleton
public final class TokenRefresher {
    private static final Logger LOG = LoggerFactory.getLogger(TokenRefresher.class);
    private static final Duration SLOT_WAIT = Duration.ofSeconds(10);
    private final ConcurrentHashMap<UUID, CompletableFuture<StoredTokens>> inFlight = new ConcurrentHashMap<>();
    private final TokenStore store;
    private final SentryTokenClient sentry;
    private final RefreshHealth health;
    /**
     * Its own transaction, whatever the caller is in: a host application calling {@code SentryApi} from inside a
     * transaction of its own must not be able to roll back a rotated refresh token, or hold the row lock for long.
     */
    private static final TransactionDefinition OWN_TRANSACTION = TransactionDefinition.of(TransactionDefinition.Propagation.REQUIRES_NEW);
    private final TransactionOperations<Connection> transactions;
    private final MeterRegistry metrics;
    /**
     * Each refresh holds a pooled connection and a row lock while Sentry answers: bound how many run at once, so that
     * a slow token endpoint cannot take every connection from calls whose tokens are still good.
     */
    private final Semaphore slots;

    TokenRefresher(TokenStore store, SentryTokenClient sentry, RefreshHealth health, Sql database,
                   PluginMetrics metrics, @Value("${sentry-connect.refresh.max-concurrent:8}") int maxConcurrent) {
        this.store = store;
        this.sentry = sentry;
        this.health = health;
        this.transactions = database.transactions();
        this.metrics = metrics.registry();
        this.slots = new Semaphore(maxConcurrent);
    }

    /**
     * Fresh tokens for the grant, refreshing unless someone already has since the caller read {@code seenVersion}.
     *
     * @throws GrantRejectedException the grant is (or just became) revoked or disconnected
     * @throws TokenRequestFailed     Sentry could not be asked (5xx, timeout, malformed): nothing changed
     */
    public StoredTokens refresh(UUID grantId, long seenVersion) {
        CompletableFuture<StoredTokens> mine = new CompletableFuture<>();
        CompletableFuture<StoredTokens> running = inFlight.putIfAbsent(grantId, mine);
        if (running != null) {
            return await(running);
        }
        try {
            StoredTokens result = withSlot(() -> refreshLocked(grantId, seenVersion));
            mine.complete(result);
            return result;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(grantId, mine);
        }
    }

    private StoredTokens withSlot(java.util.function.Supplier<StoredTokens> refresh) {
        boolean acquired;
        try {
            acquired = slots.tryAcquire(SLOT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acquired = false;
        }
        if (!acquired) {
            refreshes("failed_busy").increment();
            throw new TokenRequestFailed(TokenRequestFailed.Kind.UNAVAILABLE, null, "too many refreshes in progress");
        }
        try {
            return refresh.get();
        } finally {
            slots.release();
        }
    }

    private StoredTokens refreshLocked(UUID grantId, long seenVersion) {
        // The attempt is committed in a short transaction of its own before the row lock is taken, so that a refresh
        // holds one pooled connection at a time: recorded under the lock, it needed a second one while the lock's
        // was held, and max-concurrent refreshes could hold the whole pool waiting for it. A record that turns out
        // needless under the lock (another refresh came first, the grant has no refresh token) is harmless: it names
        // an older version than any later refresh sees, so the check below ignores it, and saveRefreshed clears it.
        // A refresh of this very token that never came back may have been served by Sentry: its answer, and the only
        // copy of the rotated refresh token, were lost. Then a rejection now is no revocation by the user. Read before
        // our own record, so that only an earlier attempt counts. Two instances refreshing the same version at the same
        // moment cannot tell the other's queued attempt from a lost one: a revocation may then read refresh_lost for
        // refresh_rejected, or the other way round (README, Known limitations).
        boolean earlierAnswerLost = transactions.execute(OWN_TRANSACTION, status -> {
            boolean lost = store.unfinishedRefresh(grantId).filter(v -> v == seenVersion).isPresent();
            store.recordRefreshAttempt(grantId, seenVersion);
            return lost;
        });
        // A failure that does not revoke is recorded (RefreshHealth) and committed with the row lock still held, then thrown.
        TokenRequestFailed[] failed = new TokenRequestFailed[1];
        StoredTokens result = transactions.execute(OWN_TRANSACTION, status -> {
            StoredTokens current = store.lockForRefresh(grantId).orElseThrow(() -> gone(grantId));
            if (!current.active() || current.version() != seenVersion) {
                return current;
            }
            if (current.refreshToken() == null) {
                LOG.info("Grant {} revoked: its token was refused and it has no refresh token", grantId);
                return revoke(current, StatusReason.UNAUTHORIZED);
            }
            try {
                SentryTokens fresh = sentry.refresh(current.refreshToken());
                LOG.debug("Grant {} refreshed, token version {}", grantId, current.version() + 1);
                refreshes("refreshed").increment();
                StoredTokens saved = store.saveRefreshed(current, fresh);
                health.refreshSucceeded(saved);
                return saved;
            } catch (TokenRequestFailed e) {
                if (e.grantRejected()) {
                    LOG.info("Grant {} revoked: Sentry rejected its refresh token", grantId);
                    refreshes("rejected").increment();
                    return revoke(current, earlierAnswerLost ? StatusReason.REFRESH_LOST : StatusReason.REFRESH_REJECTED);
                }
                LOG.warn("Refresh of grant {} failed ({}), grant unchanged", grantId, e.kind());
                refreshes("failed_" + e.kind().name().toLowerCase(java.util.Locale.ROOT)).increment();
                health.refreshFailed(current, failureReason(e));
                failed[0] = e;
                return current;
            }
        });
        if (failed[0] != null) {
            throw failed[0];
        }
        return requireActive(result);
    }

    private static String failureReason(TokenRequestFailed e) {
        return switch (e.kind()) {
            case UNAVAILABLE -> "sentry_unavailable";
            case TIMEOUT -> "timeout";
            case RATE_LIMITED -> "rate_limited";
            case MALFORMED -> "malformed_response";
            case REJECTED -> "token_request_rejected";
        };
    }

    private StoredTokens revoke(StoredTokens current, StatusReason reason) {
        Counter.builder("sentry_connect.revocations").description("Grants marked revoked, by reason")
                .tag("reason", reason.value()).register(metrics).increment();
        return store.markRevoked(current, reason);
    }

    private Counter refreshes(String outcome) {
        return Counter.builder("sentry_connect.refreshes").description("Refreshes of grants' access tokens at Sentry, by outcome")
                .tag("outcome", outcome).register(metrics);
    }

    private static StoredTokens requireActive(StoredTokens tokens) {
        if (!tokens.active()) {
            throw new GrantRejectedException(tokens.grantId(), tokens.status(), tokens.statusReason());
        }
        return tokens;
    }

    private static GrantRejectedException gone(UUID grantId) {
        return new GrantRejectedException(grantId, GrantStatus.DISCONNECTED, StatusReason.DELETED);
    }

    private static StoredTokens await(CompletableFuture<StoredTokens> running) {
        try {
            return running.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }
}
