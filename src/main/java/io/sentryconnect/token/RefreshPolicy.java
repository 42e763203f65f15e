package io.sentryconnect.token;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.time.Instant;

/**
 * When an access token is due for refresh: less than 10% of its lifetime left, or less than
 * {@code sentry-connect.refresh.margin} (like the clock skew of Spring's authorized-client providers).
 */
@Singleton
public final class RefreshPolicy {
    private final Duration margin;

    public RefreshPolicy(@Value("${sentry-connect.refresh.margin:5m}") Duration margin) {
        this.margin = margin;
    }

    public boolean due(StoredTokens tokens, Instant now) {
        if (tokens.expiresAt() == null) {
            return false;
        }
        Duration left = Duration.between(now, tokens.expiresAt());
        Duration lifetime = tokens.issuedAt() == null ? Duration.ZERO : Duration.between(tokens.issuedAt(), tokens.expiresAt());
        return left.compareTo(margin) < 0 || left.compareTo(lifetime.dividedBy(10)) < 0;
    }
}
