package io.sentryconnect.standin;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sentry's fixed-window rate limit with its {@code X-Sentry-Rate-Limit-*} headers, as
 * {@code src/sentry/middleware/ratelimit.py} ({@code RatelimitMiddleware}) applies it; Sentry's tests:
 * {@code tests/sentry/middleware/test_ratelimit_middleware.py} and
 * {@code tests/sentry/ratelimits/utils/test_get_ratelimit_key.py} ({@code TestDefaultToGroup}:
 * {@code user:default:GET:<user id>}). Buckets are keyed like {@code get_rate_limit_key} in
 * {@code src/sentry/ratelimits/utils.py}: {@code category:group:method:id}, with the endpoint's class name before the
 * method only for endpoints that declare limits of their own. So every endpoint without {@code rate_limits} draws
 * from one bucket per caller and method (the group {@code default}). The category is {@code user} (an OAuth token:
 * the token's {@code user_id}, so all tokens of one user share a bucket, across organizations), {@code org} (an
 * integration token: its installation's organization) or {@code ip} (anonymous, or a token that failed
 * authentication). A limit of 0 means unlimited; the headers then still appear, with a nominal limit that is never
 * reached in practice.
 */
final class RateLimiter {

    static final int NOMINAL_LIMIT = 1_000_000;
    /**
     * Every limit's concurrent limit unless it names one: {@code SENTRY_CONCURRENT_RATE_LIMIT_DEFAULT} in
     * {@code src/sentry/conf/server.py}. Sentry only reports it: with {@code ENFORCE_CONCURRENT_RATE_LIMITS = False}
     * (the same file) the middleware answers 429 for the fixed window alone, so the stand-in enforces none either.
     */
    static final int CONCURRENT_LIMIT = 999;

    /** What one request got: whether it is over the limit, and the headers to send either way. */
    record Window(boolean limited, int limit, int windowSeconds, Map<String, String> headers) {
    }

    private record Bucket(long window, int count) {
    }

    private record Limit(int limit, int windowSeconds) {
    }

    private final Map<String, Bucket> buckets = new HashMap<>();
    private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();
    /** The limit the counts in {@link #buckets} were taken under, and its settings version; guarded by {@code buckets}. */
    private Limit countedUnder;
    private long countedVersion = -1;

    /**
     * The bucket of one caller on one endpoint and method, as {@code get_rate_limit_key} builds it: the endpoint's
     * name is in the key only when it declares limits of its own ({@code RateLimitConfig.has_custom_limit}); the
     * others of its group share one bucket.
     */
    static String key(String callerCategory, String callerId, ApiRoutes.View view, String method) {
        return view.ownLimits()
                ? callerCategory + ":" + view.group() + ":" + view.name() + ":" + method + ":" + callerId
                : callerCategory + ":" + view.group() + ":" + method + ":" + callerId;
    }

    /**
     * Counts one request for {@code key} and reports its window. Call {@link #finish} when it is answered.
     *
     * @param settingsVersion the version of the settings {@code limit} and {@code windowSeconds} were read from
     */
    Window hit(String key, int limit, int windowSeconds, long settingsVersion, Instant now) {
        long window = windowOf(now, windowSeconds);
        int count;
        synchronized (buckets) {
            // A test that sets a limit counts from then on, and window numbers of another length do not compare.
            // Only newer settings start the count afresh: a request that read the settings before they changed,
            // counted after one that read them after, must not clear the new counts again.
            Limit under = new Limit(limit, windowSeconds);
            if (settingsVersion > countedVersion && !under.equals(countedUnder)) {
                buckets.clear();
                countedUnder = under;
            }
            countedVersion = Math.max(countedVersion, settingsVersion);
            buckets.values().removeIf(b -> b.window() < window);
            Bucket current = buckets.get(key);
            count = current == null || current.window() != window ? 1 : current.count() + 1;
            buckets.put(key, new Bucket(window, count));
        }
        int shown = limit == 0 ? NOMINAL_LIMIT : limit;
        boolean limited = limit > 0 && count > limit;
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Sentry-Rate-Limit-Limit", Integer.toString(shown));
        // ratelimits/utils.py above_rate_limit_check: remaining is limit - current, and 0 once limited.
        headers.put("X-Sentry-Rate-Limit-Remaining", Integer.toString(limited ? 0 : Math.max(0, shown - count)));
        headers.put("X-Sentry-Rate-Limit-Reset", Long.toString((window + 1) * windowSeconds));
        headers.put("X-Sentry-Rate-Limit-ConcurrentLimit", Integer.toString(CONCURRENT_LIMIT));
        // above_rate_limit_check starts a concurrent request only within the window, and the middleware's
        // process_response sends ConcurrentRemaining only when there is one: never on the fixed window's 429.
        if (!limited) {
            int concurrent = inFlight.merge(key, 1, Integer::sum);
            headers.put("X-Sentry-Rate-Limit-ConcurrentRemaining", Integer.toString(CONCURRENT_LIMIT - concurrent));
        }
        return new Window(limited, shown, windowSeconds, headers);
    }

    /** Ends the concurrent request {@link #hit} started, if it started one. */
    void finish(String key, Window window) {
        if (window.limited()) {
            return;
        }
        // Removing the key at zero keeps the map as small as the number of requests in flight.
        inFlight.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** Headers of an exhausted window, for a 429 that a fault plays: like {@link #hit}'s, no ConcurrentRemaining. */
    static Map<String, String> exhaustedHeaders(int limit, int windowSeconds, Instant now) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Sentry-Rate-Limit-Limit", Integer.toString(limit));
        headers.put("X-Sentry-Rate-Limit-Remaining", "0");
        headers.put("X-Sentry-Rate-Limit-Reset", Long.toString((windowOf(now, windowSeconds) + 1) * windowSeconds));
        headers.put("X-Sentry-Rate-Limit-ConcurrentLimit", Integer.toString(CONCURRENT_LIMIT));
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
     * answers {@code HttpResponse(orjson.dumps({"detail": …}), status=429)}, and older versions
     * {@code HttpResponse(json.dumps("…"), status=429)}: both a plain Django {@code HttpResponse}, so both carry its
     * default content type, {@code text/html; charset=utf-8}, on a JSON body.
     */
    static StandInResponse tooFrequent(Settings.RateLimitBody shape, int limit, int windowSeconds, byte[] body) {
        return StandInResponse.json(429, body).withHeader("Content-Type", "text/html; charset=utf-8");
    }

    private static long windowOf(Instant now, int windowSeconds) {
        return Math.floorDiv(now.toEpochMilli(), windowSeconds * 1000L);
    }
}
