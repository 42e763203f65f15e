package io.sentryconnect.platform;

import io.sentryconnect.SentryConnectException;

/** The caller is authenticated, but its identity names no tenant or user this plugin accepts. */
public final class IdentityRejected extends SentryConnectException {
    public IdentityRejected() {
        super("unauthenticated", "The caller's platform credential breaks a rule of this service (a platform JWT "
                + "needs the tenant, user and expiry claims, an age and expiry within the configured maximum token age, "
                + "and the configured issuer and audience; the service's log names the rule a token broke).");
    }

    private IdentityRejected(String detail) {
        super("unauthenticated", detail);
    }

    /**
     * Authenticated without the bearer token header ({@code Authorization} unless the host renamed it): by a cookie
     * or a session of the host's, which a browser also sends with a request another site makes it send.
     */
    static IdentityRejected withoutTokenHeader(String header) {
        return new IdentityRejected("The plugin's API takes its caller from the " + header + " header only (a bearer "
                + "token), not from a cookie or a session, which another site's page could make a browser send.");
    }
}
