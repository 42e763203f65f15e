package io.sentryconnect.grant;

/** The grant disappeared while a flow was bound to it. */
public final class GrantGoneException extends RuntimeException {
    GrantGoneException() {
        super("the grant no longer exists", null, false, false);
    }
}
