package io.sentryconnect.standin;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sentry's fixed-window rate limit, per token, with its {@code X-Sentry-Rate-Limit-*} headers. A limit of 0 means
 * unlimited; the headers then still appear, with a nominal limit that is never reached in practice.
 */
final class RateLimiter {

    static final int WINDOW_SECONDS = 60;
    static final int NOMINAL_LIMIT = 1_000_000;
    static final int CONCURRENT_LIMIT = 25;

    /** What one request got: whether it is over the limit, and the headers to send either way. */
    record Window(boolean limited, int limit, Map<String, String> headers) {
    }

    private record Bucket(long window, int count) {
    }

    private final Map<String, Bucket> buckets = new HashMap<>();
    private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();

    /** Counts one request for {@code key} and reports its window. Call {@link #finish} when it is answered. */
    Window hit(String key, int limitPerMinute, Instant now) {
        long window = now.getEpochSecond() / WINDOW_SECONDS;
        int count;
        synchronized (buckets) {
            buckets.values().removeIf(b -> b.window() < window);
            Bucket current = buckets.get(key);
            count = current == null ? 1 : current.count() + 1;
            buckets.put(key, new Bucket(window, count));
        }
        int concurrent = inFlight.merge(key, 1, Integer::sum);
        int limit = limitPerMinute == 0 ? NOMINAL_LIMIT : limitPerMinute;
        boolean limited = limitPerMinute > 0 && count > limitPerMinute;
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Sentry-Rate-Limit-Limit", Integer.toString(limit));
        headers.put("X-Sentry-Rate-Limit-Remaining", Integer.toString(Math.max(0, limit - count)));
        headers.put("X-Sentry-Rate-Limit-Reset", Long.toString((window + 1) * WINDOW_SECONDS));
        headers.put("X-Sentry-Rate-Limit-ConcurrentLimit", Integer.toString(CONCURRENT_LIMIT));
        headers.put("X-Sentry-Rate-Limit-ConcurrentRemaining", Integer.toString(Math.max(0, CONCURRENT_LIMIT - concurrent)));
        return new Window(limited, limit, headers);
    }

    void finish(String key) {
        // Removing the key at zero keeps the map as small as the number of requests in flight.
        inFlight.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** Headers of an exhausted window, for a 429 that a fault plays. */
    static Map<String, String> exhaustedHeaders(int limit, Instant now) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Sentry-Rate-Limit-Limit", Integer.toString(limit));
        headers.put("X-Sentry-Rate-Limit-Remaining", "0");
        headers.put("X-Sentry-Rate-Limit-Reset", Long.toString((now.getEpochSecond() / WINDOW_SECONDS + 1) * WINDOW_SECONDS));
        headers.put("X-Sentry-Rate-Limit-ConcurrentLimit", Integer.toString(CONCURRENT_LIMIT));
        headers.put("X-Sentry-Rate-Limit-ConcurrentRemaining", Integer.toString(CONCURRENT_LIMIT));
        return headers;
    }

    void clear() {
        synchronized (buckets) {
            buckets.clear();
        }
    }

    static String tooFrequentMessage(int limit) {
        return "You are attempting to use this endpoint too frequently. Limit is " + limit + " requests in "
                + WINDOW_SECONDS + " seconds";
    }
}
