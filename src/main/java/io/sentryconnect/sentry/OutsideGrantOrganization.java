package io.sentryconnect.sentry;

import io.sentryconnect.SentryConnectException;

/**
 * The path names another organization than the grant's, or none: the grant's org-scoped token would only get a 401
 * there. Nothing was sent; the message says what to call instead.
 */
public final class OutsideGrantOrganization extends SentryConnectException {
    private final String organization;

    public OutsideGrantOrganization(String organization, String message) {
        super("outside_grant_organization", message);
        this.organization = organization;
    }

    /** The slug of the grant's organization. */
    public String organization() {
        return organization;
    }
}
