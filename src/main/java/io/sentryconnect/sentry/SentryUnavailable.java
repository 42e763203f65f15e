package io.sentryconnect.sentry;

import io.sentryconnect.SentryConnectException;

/**
 * Sentry answered with a server error, could not be reached, or did not answer in time ({@link #timeout()}), after
 * the retries that were safe. Nothing changed on our side; trying again later is safe.
 */
public final class SentryUnavailable extends SentryConnectException {
    private final boolean timeout;

    public SentryUnavailable(boolean timeout, String message) {
        super(timeout ? "sentry_timeout" : "sentry_unavailable", message);
        this.timeout = timeout;
    }

    /** Whether Sentry did not answer in time (rather than failing). */
    public boolean timeout() {
        return timeout;
    }
}
