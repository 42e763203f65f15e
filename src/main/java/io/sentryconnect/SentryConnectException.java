package io.sentryconnect;

/**
 * A failure the caller of the plugin can act on: one subtype per outcome, thrown by the feature packages and by
 * {@code SentryApi} for host code to catch, and mapped to problem+json in one place on the HTTP API (the web package).
 * The message says what happened and what to do, from identifiers only: never a token, code, secret or verifier.
 */
public abstract class SentryConnectException extends RuntimeException {
    private final String code;

    protected SentryConnectException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** The outcome's stable, machine-readable name, e.g. {@code grant_revoked}: the problem's {@code code} on the API. */
    public String code() {
        return code;
    }
}
