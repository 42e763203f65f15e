package io.sentryconnect.sentry;

import io.sentryconnect.SentryConnectException;

/**
 * Sentry refused the URL for the grant's org-scoped token ("Unauthorized organization access.", "This token access is
 * limited to organization endpoints."). That says nothing about the token: the grant is unchanged; call a URL of the
 * grant's organization.
 */
public final class OrganizationScopeRefused extends SentryConnectException {
    private final String organization;
    private final String sentryMessage;

    public OrganizationScopeRefused(String organization, String sentryMessage) {
        super("organization_scope_refused", "Sentry refused this URL for the token of organization '" + organization
                + "' (\"" + sentryMessage + "\"); the grant is unchanged. Call a URL of that organization.");
        this.organization = organization;
        this.sentryMessage = sentryMessage;
    }

    /** The slug of the grant's organization. */
    public String organization() {
        return organization;
    }

    /** Sentry's own 401 message. */
    public String sentryMessage() {
        return sentryMessage;
    }
}
