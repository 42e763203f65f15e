package io.sentryconnect.link;

import io.sentryconnect.RetryLater;
import io.sentryconnect.SentryConnectException;

/** The user or the tenant created too many links in the current window; retry after the given seconds. */
public final class LinkRateLimited extends SentryConnectException implements RetryLater {
    private final long retryAfterSeconds;

    public LinkRateLimited(String message, long retryAfterSeconds) {
        super("rate_limited", message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    @Override
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
