package io.sentryconnect.token;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("unit")
class RefreshPolicyTest {
    private static final Instant ISSUED = Instant.parse("2026-01-01T00:00:00Z");
    private final RefreshPolicy policy = new RefreshPolicy(Duration.ofMinutes(5));

    @Test
    void aLongLivedTokenFallsDueWithATenthOfItsLifetimeLeft() {
        // Sentry's tokens live 30 days: due 3 days before expiry.
        Instant expires = ISSUED.plus(Duration.ofDays(30));
        assertEquals(expires.minus(Duration.ofDays(3)), policy.dueAt(ISSUED, expires));
    }

    @Test
    void aShortLivedTokenFallsDueAtTheMarginBeforeExpiry() {
        Instant expires = ISSUED.plus(Duration.ofMinutes(30));
        assertEquals(expires.minus(Duration.ofMinutes(5)), policy.dueAt(ISSUED, expires), "a tenth (3 min) is under the margin");
    }

    @Test
    void aTokenOfUnknownAgeFallsDueAtTheMargin() {
        Instant expires = ISSUED.plus(Duration.ofDays(30));
        assertEquals(expires.minus(Duration.ofMinutes(5)), policy.dueAt(null, expires));
    }

    @Test
    void aTokenThatNeverExpiresIsNeverDue() {
        assertNull(policy.dueAt(ISSUED, null));
        assertFalse(policy.due(tokens(ISSUED, null), ISSUED.plus(Duration.ofDays(3650))));
    }

    @Test
    void aTokenIsDueFromItsDueTimeOnIncludingAfterExpiry() {
        Instant expires = ISSUED.plus(Duration.ofHours(10));
        Instant dueAt = expires.minus(Duration.ofHours(1));
        StoredTokens tokens = tokens(ISSUED, expires);
        assertFalse(policy.due(tokens, dueAt.minusMillis(1)));
        assertTrue(policy.due(tokens, dueAt));
        assertTrue(policy.due(tokens, expires.plus(Duration.ofDays(1))));
    }

    @Test
    void theMarginIsConfigurable() {
        Instant expires = ISSUED.plus(Duration.ofHours(10));
        assertEquals(expires.minus(Duration.ofHours(2)), new RefreshPolicy(Duration.ofHours(2)).dueAt(ISSUED, expires));
    }

    @Test
    void aTenthIsTakenToTheNanosecondRoundedTowardsZeroForAnyLifetime() {
        RefreshPolicy none = new RefreshPolicy(Duration.ZERO);
        for (Duration lifetime : new Duration[]{Duration.ofNanos(123_456_789_017L), Duration.ofDays(30).plusNanos(7),
                Duration.ofSeconds(-3601, 9), Duration.ofDays(365L * 1000).plusNanos(3)}) {
            Instant expires = ISSUED.plus(lifetime);
            Duration tenth = lifetime.dividedBy(10);
            assertEquals(expires.minus(tenth.isNegative() ? Duration.ZERO : tenth), none.dueAt(ISSUED, expires), lifetime.toString());
        }
    }

    private static StoredTokens tokens(Instant issuedAt, Instant expiresAt) {
        return new StoredTokens(UUID.randomUUID(), "t1", GrantStatus.ACTIVE, null, 1, Secret.of("access"), Secret.of("refresh"),
                issuedAt, expiresAt);
    }
}
