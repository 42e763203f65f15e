package io.sentryconnect.provisioning;

import io.sentryconnect.SentryConnectException;

/** Sentry refused a provisioning request for a reason the caller cannot fix; the message names what Sentry named. */
public final class ProvisioningRejected extends SentryConnectException {
    public ProvisioningRejected(String message) {
        super("provisioning_rejected", message);
    }
}
