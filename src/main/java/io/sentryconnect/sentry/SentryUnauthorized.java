package io.sentryconnect.sentry;

import io.sentryconnect.SentryConnectException;

/**
 * Sentry kept refusing the grant's token after waiting for replication and refreshing, while its token endpoint still
 * accepts the grant: the grant is unchanged, and a later call may succeed.
 */
public final class SentryUnauthorized extends SentryConnectException {
    public SentryUnauthorized(String message) {
        super("sentry_unauthorized", message);
    }
}
