package io.sentryconnect.grant;

import io.sentryconnect.SentryConnectException;

import java.util.UUID;

/** The grant was disconnected: its tokens are gone; linking the organization again makes a usable grant. */
public final class GrantDisconnected extends SentryConnectException {
    private final UUID grantId;

    public GrantDisconnected(UUID grantId) {
        super("grant_disconnected", "This grant was disconnected; reconnect it or link the organization again.");
        this.grantId = grantId;
    }

    public UUID grantId() {
        return grantId;
    }
}
