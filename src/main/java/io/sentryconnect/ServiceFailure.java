package io.sentryconnect;

/** Something broke on our side ({@code internal_error}); the message says what, without internals. */
public final class ServiceFailure extends SentryConnectException {
    public ServiceFailure(String message) {
        super("internal_error", message);
    }
}
