package io.sentryconnect.token;

import io.micronaut.core.annotation.Nullable;

import java.util.UUID;

/** The grant is revoked or disconnected: nothing may be sent to Sentry with it until the user reconnects. */
public final class GrantRejectedException extends RuntimeException {
    private final UUID grantId;
    private final GrantStatus status;
    private final StatusReason reason;

    public GrantRejectedException(UUID grantId, GrantStatus status, @Nullable StatusReason reason) {
        super("grant " + grantId + " is " + status.value() + (reason == null ? "" : " (" + reason.value() + ")"), null, false, false);
        this.grantId = grantId;
        this.status = status;
        this.reason = reason;
    }

    public UUID grantId() {
        return grantId;
    }

    /** {@link GrantStatus#REVOKED} or {@link GrantStatus#DISCONNECTED}. */
    public GrantStatus status() {
        return status;
    }

    @Nullable
    public StatusReason reason() {
        return reason;
    }
}
