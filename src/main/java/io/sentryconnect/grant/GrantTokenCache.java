package io.sentryconnect.grant;

import io.micronaut.core.annotation.Nullable;
import io.sentryconnect.platform.PlatformCaller;
import io.sentryconnect.token.GrantStatus;
import jakarta.inject.Singleton;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The grants (with their decrypted access tokens) that calls to Sentry read, held in this instance's memory only, so
 * that a call on a grant this instance has seen makes no database round trip. Correct across instances because every
 * write to a grant notifies every instance in its own transaction ({@link GrantChangeListener}); a cached grant is
 * served only while the listener confirms, at most {@link TokenCacheProperties#maxStaleness()} ago, that it has heard
 * every notification, and never longer than {@link TokenCacheProperties#expireAfter()} after it was read. Only active
 * grants are cached: a revoked or disconnected one is read each time. The visibility rule applies to every caller as
 * on a database read. A map rather than a cache library: a TTL check and a size cap are all it needs, and the plugin
 * adds no dependency to its hosts for them.
 */
@Singleton
public final class GrantTokenCache implements GrantChangeListener.Changes {
    private final GrantQueries grants;
    private final TokenCacheProperties properties;
    private final GrantChangeListener listener;
    private final ConcurrentHashMap<UUID, Entry> entries = new ConcurrentHashMap<>();
    /** Bumped by every invalidation: a read that started before one is not cached (it may hold the old row). */
    private final AtomicLong generation = new AtomicLong();

    private record Entry(GrantWithTokens grant, long readAtNanos) {
    }

    GrantTokenCache(GrantQueries grants, TokenCacheProperties properties, GrantChangeListener listener) {
        this.grants = grants;
        this.properties = properties;
        this.listener = listener;
        listener.onChange(this);
    }

    /** {@link GrantQueries#findVisibleWithTokens}, from memory when this instance holds the grant and is caught up. */
    public Optional<GrantWithTokens> findVisibleWithTokens(PlatformCaller caller, UUID id) {
        if (!properties.enabled()) {
            return grants.findVisibleWithTokens(caller, id);
        }
        long now = System.nanoTime();
        Entry entry = servable(id, now);
        if (entry != null) {
            return visible(caller, entry);
        }
        boolean caughtUp = caughtUp(now);
        long seen = generation.get();
        Optional<GrantWithTokens> read = grants.findVisibleWithTokens(caller, id);
        if (caughtUp && read.isPresent() && cacheable(read.get()) && entries.size() < properties.maximumEntries()) {
            Entry fresh = new Entry(read.get(), now);
            entries.put(id, fresh);
            // An invalidation between the read and the put may concern exactly this row: then it must not stay.
            if (generation.get() != seen) {
                entries.remove(id, fresh);
            }
        }
        return read;
    }

    /**
     * The grant from memory only, if this instance holds it and may serve it now; empty says nothing about the grant
     * (then {@link #findVisibleWithTokens} reads it). Never blocks.
     */
    public Optional<GrantWithTokens> cachedVisible(PlatformCaller caller, UUID id) {
        Entry entry = properties.enabled() ? servable(id, System.nanoTime()) : null;
        return entry == null ? Optional.empty() : visible(caller, entry);
    }

    /** The visibility rule of the query (tenant, then owner or tenant admin), for every caller. */
    private static Optional<GrantWithTokens> visible(PlatformCaller caller, Entry entry) {
        Grant grant = entry.grant().grant();
        return GrantQueries.visible(caller, grant) ? Optional.of(entry.grant()) : Optional.empty();
    }

    @Override
    public void changed(UUID grantId) {
        invalidate(grantId);
    }

    /** This instance changed the grant or saw it change: the next call reads it again. */
    public void invalidate(UUID id) {
        generation.incrementAndGet();
        entries.remove(id);
    }

    /** Notifications may have been missed (the listener reconnected): nothing cached can be trusted. */
    @Override
    public void maybeMissed() {
        generation.incrementAndGet();
        entries.clear();
    }

    /** Drops entries past their expiry (run by the listener now and then, so that expired grants do not pile up). */
    @Override
    public void sweep() {
        long oldest = System.nanoTime() - properties.expireAfter().toNanos();
        entries.values().removeIf(entry -> entry.readAtNanos() - oldest < 0);
    }

    private @Nullable Entry servable(UUID id, long now) {
        Entry entry = entries.get(id);
        return entry != null && now - entry.readAtNanos() < properties.expireAfter().toNanos() && caughtUp(now) ? entry : null;
    }

    /** Monotonic time, not the injected clock: staleness is about real elapsed time, which tests' clocks offset. */
    private boolean caughtUp(long now) {
        return listener.caughtUpSince(now - properties.maxStaleness().toNanos());
    }

    private static boolean cacheable(GrantWithTokens found) {
        return found.grant().status() == GrantStatus.ACTIVE && found.tokens().active() && found.tokens().accessToken() != null;
    }
}
