package io.sentryconnect.provisioning;

import io.sentryconnect.SentryConnectException;

/** Partner provisioning is not configured on this deployment (no channel or secret key). */
public final class ProvisioningNotConfigured extends SentryConnectException {
    public ProvisioningNotConfigured() {
        super("provisioning_not_configured", "This deployment has no Sentry partner channel and secret key (sentry-connect.partner.*).");
    }
}
