package io.sentryconnect.sentry;

import io.sentryconnect.RetryLater;
import io.sentryconnect.SentryConnectException;

/** Sentry's token endpoint rate-limited a refresh the call needed; the grant is unchanged. Retry after the given seconds. */
public final class SentryRateLimited extends SentryConnectException implements RetryLater {
    private final long retryAfterSeconds;

    public SentryRateLimited(long retryAfterSeconds) {
        super("sentry_rate_limited", "Sentry's token endpoint asked us to slow down; the grant is unchanged. Retry after "
                + "the given seconds.");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    @Override
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
