package io.sentryconnect.token;

import io.micronaut.core.annotation.Nullable;

import java.util.UUID;

/** The grant is revoked or disconnected: nothing may be sent to Sentry with it until the user reconnects. */
public final class GrantRejectedException extends RuntimeException {
    private final UUID grantId;
    private final String status;
    private final String reason;

    public GrantRejectedException(UUID grantId, String status, @Nullable String reason) {
        super("grant " + grantId + " is " + status + (reason == null ? "" : " (" + reason + ")"), null, false, false);
        this.grantId = grantId;
        this.status = status;
        this.reason = reason;
    }

    public UUID grantId() {
        return grantId;
    }

    /** {@code revoked} or {@code disconnected}. */
    public String status() {
        return status;
    }

    @Nullable
    public String reason() {
        return reason;
    }
}
