package io.sentryconnect.platform;

import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.token.jwt.validator.ReactiveJsonWebTokenValidator;
import io.sentryconnect.support.MutableClock;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The verified-token cache answers only while its delegate (the framework's validator) would answer the same: the
 * delegate here accepts the tokens it holds, with their {@code exp}, and counts how often it is asked.
 */
@Tag("unit")
class VerifyingOnceTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final MutableClock clock = new MutableClock(T0);
    private final Delegate delegate = new Delegate();
    /** A request the cache's test calls not ours (a host's own route). */
    private static final Object HOST_ROUTE = new Object();

    @Test
    void aTokenVerifiedOnceIsAnsweredFromMemoryWithTheSameAuthentication() {
        VerifyingOnce<Object, Object> cache = cache(Duration.ofSeconds(60), 10);
        delegate.accept("token-a", T0.plusSeconds(600));
        Authentication first = validate(cache, "token-a").orElseThrow();
        Authentication second = validate(cache, "token-a").orElseThrow();
        assertSame(first, second);
        assertEquals(1, delegate.calls.get());
    }

    @Test
    void onAHostsOwnRouteEveryRequestGoesToTheDelegateAndNothingIsRemembered() {
        VerifyingOnce<Object, Object> cache = cache(Duration.ofSeconds(60), 10);
        delegate.accept("token-h", T0.plusSeconds(600));
        Mono.from(cache.validateToken("token-h", HOST_ROUTE)).block();
        Mono.from(cache.validateToken("token-h", HOST_ROUTE)).block();
        assertEquals(2, delegate.calls.get(), "a host route is verified by the framework every time");
        assertEquals(0, cache.size(), "a host route's token is not remembered");
        validate(cache, "token-h");
        Mono.from(cache.validateToken("token-h", HOST_ROUTE)).block();
        assertEquals(4, delegate.calls.get(), "remembered on our route, still verified on the host's");
    }

    @Test
    void atItsExpiryTheTokenIsStillServedAndOneMillisecondLaterTheDelegateDecides() {
        VerifyingOnce<Object, Object> cache = cache(Duration.ofSeconds(60), 10);
        Instant exp = T0.plusSeconds(30);
        delegate.accept("token-a", exp);
        validate(cache, "token-a").orElseThrow();
        clock.set(exp);
        assertTrue(validate(cache, "token-a").isPresent(), "the framework accepts a token whose exp is now");
        assertEquals(1, delegate.calls.get());
        clock.set(exp.plusMillis(1));
        delegate.refuse("token-a");
        assertTrue(validate(cache, "token-a").isEmpty(), "past exp the delegate decides, and refuses");
        assertEquals(2, delegate.calls.get());
        assertEquals(0, cache.size());
    }

    @Test
    void afterTheMaximumAgeTheTokenIsVerifiedAgain() {
        VerifyingOnce<Object, Object> cache = cache(Duration.ofSeconds(60), 10);
        delegate.accept("token-a", T0.plusSeconds(3600));
        validate(cache, "token-a").orElseThrow();
        clock.set(T0.plusSeconds(60));
        validate(cache, "token-a").orElseThrow();
        assertEquals(1, delegate.calls.get());
        clock.set(T0.plusSeconds(61));
        delegate.refuse("token-a");
        assertTrue(validate(cache, "token-a").isEmpty(), "a key withdrawn meanwhile counts from now on");
        assertEquals(2, delegate.calls.get());
    }

    @Test
    void aClockSetBackBeforeTheVerificationSendsTheTokenToTheDelegate() {
        VerifyingOnce<Object, Object> cache = cache(Duration.ofSeconds(60), 10);
        delegate.accept("token-a", T0.plusSeconds(600));
        validate(cache, "token-a").orElseThrow();
        clock.set(T0.minusMillis(1));
        delegate.refuse("token-a");
        assertTrue(validate(cache, "token-a").isEmpty(), "before the verification, nbf may not have been reached");
        assertEquals(2, delegate.calls.get());
    }

    @Test
    void aRefusedTokenIsNeverRememberedAndAskedAboutEachTime() {
        VerifyingOnce<Object, Object> cache = cache(Duration.ofSeconds(60), 10);
        assertTrue(validate(cache, "forged").isEmpty());
        assertTrue(validate(cache, "forged").isEmpty());
        assertEquals(2, delegate.calls.get());
        assertEquals(0, cache.size());
    }

    @Test
    void aTokenThatDiffersByOneCharacterIsNotAnsweredFromMemory() {
        VerifyingOnce<Object, Object> cache = cache(Duration.ofSeconds(60), 10);
        delegate.accept("header.payload.signature", T0.plusSeconds(600));
        validate(cache, "header.payload.signature").orElseThrow();
        assertTrue(validate(cache, "header.payload.signaturf").isEmpty());
        assertEquals(2, delegate.calls.get());
    }

    @Test
    void aTokenWithoutExpiryIsRememberedForTheMaximumAgeOnly() {
        VerifyingOnce<Object, Object> cache = cache(Duration.ofSeconds(60), 10);
        delegate.accept("no-exp", null);
        validate(cache, "no-exp").orElseThrow();
        clock.set(T0.plusSeconds(61));
        validate(cache, "no-exp").orElseThrow();
        assertEquals(2, delegate.calls.get());
    }

    @Test
    void beyondTheCapFurtherTokensAreVerifiedEachTimeUntilEntriesExpire() {
        VerifyingOnce<Object, Object> cache = cache(Duration.ofSeconds(60), 2);
        delegate.accept("a", T0.plusSeconds(10));
        delegate.accept("b", T0.plusSeconds(600));
        delegate.accept("c", T0.plusSeconds(600));
        validate(cache, "a");
        validate(cache, "b");
        validate(cache, "c");
        validate(cache, "c");
        assertEquals(4, delegate.calls.get(), "c is not remembered while the cache is full");
        clock.set(T0.plusSeconds(11));
        validate(cache, "c");
        validate(cache, "c");
        assertEquals(5, delegate.calls.get(), "a expired and made room for c");
        assertEquals(2, cache.size());
    }

    private VerifyingOnce<Object, Object> cache(Duration maxAge, int maximumEntries) {
        return new VerifyingOnce<>(delegate, new VerifiedTokenCacheProperties(true, maxAge, maximumEntries), clock,
                request -> !HOST_ROUTE.equals(request));
    }

    private static Optional<Authentication> validate(VerifyingOnce<Object, Object> cache, String token) {
        return Mono.from(cache.validateToken(token, null)).blockOptional();
    }

    /** Accepts the tokens it was told to accept, with their exp as the framework's claims hold it (a Date). */
    private static final class Delegate implements ReactiveJsonWebTokenValidator<Object, Object> {
        private final Map<String, Authentication> accepted = new HashMap<>();
        private final AtomicInteger calls = new AtomicInteger();

        void accept(String token, Instant exp) {
            Map<String, Object> claims = new HashMap<>();
            claims.put("tenant", "t1");
            if (exp != null) {
                claims.put("exp", Date.from(exp));
            }
            accepted.put(token, Authentication.build("u1", List.of(), claims));
        }

        void refuse(String token) {
            accepted.remove(token);
        }

        @Override
        public Publisher<Object> validate(String token, Object request) {
            return Mono.empty();
        }

        @Override
        public Publisher<Authentication> validateToken(String token, Object request) {
            calls.incrementAndGet();
            return Mono.justOrEmpty(accepted.get(token));
        }
    }
}
