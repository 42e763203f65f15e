package io.sentryconnect.grant;

/** A reconnect flow came back with another organization than the grant's: nothing was changed. */
public final class OrgMismatchException extends RuntimeException {
    public OrgMismatchException() {
        super("the authorized organization is not the grant's organization", null, false, false);
    }
}
