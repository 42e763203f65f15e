package io.sentryconnect.web;

/** Copies an exception chain's types and stack frames, without messages, so that logging it cannot leak a secret. */
public final class Redaction {
    private Redaction() {
    }

    /** A stand-in throwable named after {@code error}'s class, with its stack and causes, and no messages. */
    public static Throwable withoutMessages(Throwable error) {
        Throwable cause = error.getCause() == null || error.getCause() == error ? null : withoutMessages(error.getCause());
        Throwable copy = new RedactedException(error.getClass().getName(), cause);
        copy.setStackTrace(error.getStackTrace());
        return copy;
    }

    private static final class RedactedException extends RuntimeException {
        RedactedException(String type, Throwable cause) {
            super(type + " (message redacted)", cause, false, true);
        }
    }
}
