package io.sentryconnect;

/** A failure that passes once a rate-limit window has passed: {@link #retryAfterSeconds()} says when to try again. */
public interface RetryLater {
    /** Seconds until a retry may succeed; also the HTTP API's {@code retry_after} and {@code Retry-After}. */
    long retryAfterSeconds();
}
