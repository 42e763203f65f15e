package io.sentryconnect.platform;

import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.token.jwt.validator.ReactiveJsonWebTokenValidator;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * A JWT validator that remembers the tokens its delegate accepted, keyed by the SHA-256 of the token's exact text
 * (the token itself is not kept, and a look-up compares digests in constant time), and answers with the same
 * authentication while the delegate would still accept the token: not after its {@code exp} (the framework refuses a
 * token once {@code exp} is before now, so it is served up to and including {@code exp}), not before the time it was
 * verified (a clock set back could put it before {@code nbf} again), and not longer than
 * {@link VerifiedTokenCacheProperties#maxAge()}. Anything else, and every token it refused, goes to the delegate,
 * which decides as it always did. Only requests the {@code ours} test accepts (the plugin's own routes) are answered
 * from or remembered in the cache: a host's own routes keep the framework's verification exactly as it is.
 * A map rather than a cache library: an expiry check and a size cap are all it needs.
 */
final class VerifyingOnce<T, R> implements ReactiveJsonWebTokenValidator<T, R> {
    private final ReactiveJsonWebTokenValidator<T, R> delegate;
    private final VerifiedTokenCacheProperties properties;
    private final Clock clock;
    private final Predicate<? super R> ours;
    private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();

    private record Entry(Authentication authentication, long verifiedAtMillis, long servableUntilMillis) {
        boolean servableAt(long nowMillis) {
            return nowMillis >= verifiedAtMillis && nowMillis <= servableUntilMillis;
        }
    }

    VerifyingOnce(ReactiveJsonWebTokenValidator<T, R> delegate, VerifiedTokenCacheProperties properties, Clock clock,
                  Predicate<? super R> ours) {
        this.delegate = delegate;
        this.properties = properties;
        this.clock = clock;
        this.ours = ours;
    }

    @Override
    public Publisher<T> validate(String token, R request) {
        return delegate.validate(token, request);
    }

    @Override
    public Publisher<Authentication> validateToken(String token, R request) {
        if (!ours.test(request)) {
            return delegate.validateToken(token, request);
        }
        Key key = Key.of(token);
        Entry entry = entries.get(key);
        if (entry != null) {
            if (entry.servableAt(clock.millis())) {
                return Mono.just(entry.authentication());
            }
            entries.remove(key, entry);
        }
        return Mono.from(delegate.validateToken(token, request)).doOnNext(accepted -> remember(key, accepted));
    }

    /** How many tokens are remembered now (for tests). */
    int size() {
        return entries.size();
    }

    private void remember(Key key, Authentication accepted) {
        // After the delegate's checks: a later request at or after this instant passes nbf as this one did.
        long verifiedAt = clock.millis();
        long until = verifiedAt + properties.maxAge().toMillis();
        Long expires = VerifiedTokenCache.epochMillis(accepted, "exp");
        if (expires != null) {
            until = Math.min(until, expires);
        }
        if (until < verifiedAt) {
            return;
        }
        if (entries.size() >= properties.maximumEntries()) {
            entries.values().removeIf(e -> !e.servableAt(verifiedAt));
            if (entries.size() >= properties.maximumEntries()) {
                return;
            }
        }
        entries.put(key, new Entry(accepted, verifiedAt, until));
    }

    /** The SHA-256 of a token's text. */
    private record Key(byte[] digest, int hash) {
        /** One digest per thread: {@code MessageDigest.getInstance} looks the provider up each time. */
        private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
            }
        });

        static Key of(String token) {
            byte[] digest = SHA_256.get().digest(token.getBytes(StandardCharsets.UTF_8));
            return new Key(digest, Arrays.hashCode(digest));
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && MessageDigest.isEqual(digest, key.digest);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public String toString() {
            return "Key[redacted]";
        }
    }
}
