package io.sentryconnect.grant;

import io.micronaut.core.annotation.Nullable;
import io.sentryconnect.SentryConnectException;
import io.sentryconnect.token.StatusReason;

import java.util.UUID;

/** Sentry no longer accepts the grant: nothing is sent with it until its user reconnects (a reconnect link). */
public final class GrantRevoked extends SentryConnectException {
    private final UUID grantId;
    private final StatusReason reason;

    public GrantRevoked(UUID grantId, @Nullable StatusReason reason) {
        super("grant_revoked", "Sentry no longer accepts this grant; the user must reconnect.");
        this.grantId = grantId;
        this.reason = reason;
    }

    public UUID grantId() {
        return grantId;
    }

    /** Why it was revoked, as its {@code status_reason} says. */
    @Nullable
    public StatusReason reason() {
        return reason;
    }
}
