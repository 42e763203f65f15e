package io.sentryconnect.provisioning;

import io.sentryconnect.SentryConnectException;

/** The tenant has no provisioned Sentry organization yet. */
public final class NotProvisioned extends SentryConnectException {
    public NotProvisioned() {
        super("not_provisioned", "No Sentry organization was provisioned for this tenant.");
    }
}
