package io.sentryconnect.platform;

import io.sentryconnect.SentryConnectException;

/** The request needs the tenant-admin role, which the caller lacks; the message names what it was for. */
public final class TenantAdminRequired extends SentryConnectException {
    public TenantAdminRequired(String message) {
        super("forbidden", message);
    }
}
