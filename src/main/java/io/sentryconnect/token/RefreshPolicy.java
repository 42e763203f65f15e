package io.sentryconnect.token;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.time.Instant;

/**
 * When an access token is due for refresh: less than 10% of its lifetime left, or less than
 * {@code sentry-connect.refresh.margin} (like the clock skew of Spring's authorized-client providers).
 */
@Singleton
public final class RefreshPolicy {
    private static final Duration LONGEST_IN_NANOS = Duration.ofNanos(Long.MAX_VALUE);
    private final Duration margin;

    public RefreshPolicy(@Value("${sentry-connect.refresh.margin:5m}") Duration margin) {
        this.margin = margin;
    }

    public boolean due(StoredTokens tokens, Instant now) {
        Instant dueAt = dueAt(tokens.issuedAt(), tokens.expiresAt());
        return dueAt != null && !now.isBefore(dueAt);
    }

    /** When a token received at {@code issuedAt} and expiring at {@code expiresAt} falls due; null if it never expires. */
    @Nullable
    public Instant dueAt(@Nullable Instant issuedAt, @Nullable Instant expiresAt) {
        if (expiresAt == null) {
            return null;
        }
        Duration lifetime = issuedAt == null ? Duration.ZERO : Duration.between(issuedAt, expiresAt);
        Duration tenth = tenth(lifetime);
        return expiresAt.minus(tenth.compareTo(margin) > 0 ? tenth : margin);
    }

    /** {@code lifetime.dividedBy(10)} in long arithmetic when it fits (it goes through BigDecimal, on every proxied call). */
    private static Duration tenth(Duration lifetime) {
        if (lifetime.abs().compareTo(LONGEST_IN_NANOS) > 0) {
            return lifetime.dividedBy(10);
        }
        return Duration.ofNanos(lifetime.toNanos() / 10);
    }
}
