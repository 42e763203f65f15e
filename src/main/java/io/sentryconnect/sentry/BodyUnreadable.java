package io.sentryconnect.sentry;

import io.sentryconnect.SentryConnectException;

/** The request body could not be read; nothing was sent to Sentry. */
public final class BodyUnreadable extends SentryConnectException {
    public BodyUnreadable() {
        super("body_unreadable", "The request body could not be read.");
    }
}
