package io.sentryconnect.standin;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sentry's fixed-window rate limit with its {@code X-Sentry-Rate-Limit-*} headers, as
 * {@code src/sentry/middleware/ratelimit.py} ({@code RatelimitMiddleware}) applies it; Sentry's tests:
 * {@code tests/sentry/middleware/test_ratelimit_middleware.py}. Buckets are keyed like
 * {@code get_rate_limit_key} in {@code src/sentry/ratelimits/utils.py}: {@code category:group:view:method:id}, where
 * the category is {@code user} (an OAuth token: its Sentry user, so all tokens of one user share a bucket, across
 * organizations), {@code org} (an integration token: its organization) or {@code ip} (anonymous, or a token that
 * failed authentication). A limit of 0 means unlimited; the headers then still appear, with a nominal limit that is
 * never reached in practice.
 */
final class RateLimiter {

    static final int NOMINAL_LIMIT = 1_000_000;
    static final int CONCURRENT_LIMIT = 25;
    /** Sentry's rate-limit group of endpoints without a group of their own ({@code RateLimitConfig.group}). */
    static final String GROUP = "default";

    /** What one request got: whether it is over the limit, and the headers to send either way. */
    record Window(boolean limited, int limit, int windowSeconds, Map<String, String> headers) {
    }

    private record Bucket(long window, int count) {
    }

    private final Map<String, Bucket> buckets = new HashMap<>();
    private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();

    /**
     * The bucket of one caller on one endpoint and method. Every endpoint of the stand-in counts as one with a
     * limit of its own, so its view name is part of the key, as Sentry does for such endpoints.
     */
    static String key(String callerCategory, String callerId, String view, String method) {
        return callerCategory + ":" + GROUP + ":" + view + ":" + method + ":" + callerId;
    }

    /** Counts one request for {@code key} and reports its window. Call {@link #finish} when it is answered. */
    Window hit(String key, int limit, int windowSeconds, Instant now) {
        long window = windowOf(now, windowSeconds);
        int count;
        synchronized (buckets) {
            buckets.values().removeIf(b -> b.window() < window);
            Bucket current = buckets.get(key);
            count = current == null || current.window() != window ? 1 : current.count() + 1;
            buckets.put(key, new Bucket(window, count));
        }
        int concurrent = inFlight.merge(key, 1, Integer::sum);
        int shown = limit == 0 ? NOMINAL_LIMIT : limit;
        boolean limited = limit > 0 && count > limit;
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Sentry-Rate-Limit-Limit", Integer.toString(shown));
        // ratelimits/utils.py above_rate_limit_check: remaining is limit - current, and 0 once limited.
        headers.put("X-Sentry-Rate-Limit-Remaining", Integer.toString(limited ? 0 : Math.max(0, shown - count)));
        headers.put("X-Sentry-Rate-Limit-Reset", Long.toString((window + 1) * windowSeconds));
        headers.put("X-Sentry-Rate-Limit-ConcurrentLimit", Integer.toString(CONCURRENT_LIMIT));
        headers.put("X-Sentry-Rate-Limit-ConcurrentRemaining", Integer.toString(Math.max(0, CONCURRENT_LIMIT - concurrent)));
        return new Window(limited, shown, windowSeconds, headers);
    }

    void finish(String key) {
        // Removing the key at zero keeps the map as small as the number of requests in flight.
        inFlight.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** Headers of an exhausted window, for a 429 that a fault plays. */
    static Map<String, String> exhaustedHeaders(int limit, int windowSeconds, Instant now) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Sentry-Rate-Limit-Limit", Integer.toString(limit));
        headers.put("X-Sentry-Rate-Limit-Remaining", "0");
        headers.put("X-Sentry-Rate-Limit-Reset", Long.toString((windowOf(now, windowSeconds) + 1) * windowSeconds));
        headers.put("X-Sentry-Rate-Limit-ConcurrentLimit", Integer.toString(CONCURRENT_LIMIT));
        headers.put("X-Sentry-Rate-Limit-ConcurrentRemaining", Integer.toString(CONCURRENT_LIMIT));
        return headers;
    }

    void clear() {
        synchronized (buckets) {
            buckets.clear();
        }
    }

    /** {@code DEFAULT_ERROR_MESSAGE} of {@code src/sentry/middleware/ratelimit.py}. */
    static String tooFrequentMessage(int limit, int windowSeconds) {
        return "You are attempting to use this endpoint too frequently. Limit is " + limit + " requests in "
                + windowSeconds + " seconds";
    }

    /**
     * The 429 body in the chosen shape: the current middleware's {@code {"detail": "…"}} (an {@code HttpResponse}
     * of {@code orjson.dumps({"detail": …})}) or older versions' bare JSON string.
     */
    static Object tooFrequentBody(Settings.RateLimitBody shape, int limit, int windowSeconds) {
        String message = tooFrequentMessage(limit, windowSeconds);
        return shape == Settings.RateLimitBody.DETAIL ? Map.of("detail", message) : message;
    }

    /**
     * The 429 itself. The current middleware (src/sentry/middleware/ratelimit.py, RatelimitMiddleware.process_view)
     * answers {@code HttpResponse(orjson.dumps({"detail": …}), status=429)}: Django's default content type,
     * {@code text/html; charset=utf-8}, on a JSON body. Older versions answered the bare string through Django REST
     * framework's {@code Response}, as {@code application/json}.
     */
    static StandInResponse tooFrequent(Settings.RateLimitBody shape, int limit, int windowSeconds, byte[] body) {
        StandInResponse response = StandInResponse.json(429, body);
        return shape == Settings.RateLimitBody.DETAIL ? response.withHeader("Content-Type", "text/html; charset=utf-8") : response;
    }

    private static long windowOf(Instant now, int windowSeconds) {
        return Math.floorDiv(now.toEpochMilli(), windowSeconds * 1000L);
    }
}
