package io.sentryconnect.provisioning;

import io.sentryconnect.SentryConnectException;

/**
 * Sentry refused a provisioning request for a reason the caller cannot fix (the message names what Sentry named), or
 * would refuse it: an {@code organizationID} past Sentry's bound is refused before anything is sent.
 */
public final class ProvisioningRejected extends SentryConnectException {
    public ProvisioningRejected(String message) {
        super("provisioning_rejected", message);
    }
}
