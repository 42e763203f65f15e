package io.sentryconnect.sentry;

import io.sentryconnect.SentryConnectException;

/** The proxy does not pass a body of this content type on to Sentry; nothing was sent. */
public final class UnsupportedMediaType extends SentryConnectException {
    public UnsupportedMediaType(String message) {
        super("unsupported_media_type", message);
    }
}
