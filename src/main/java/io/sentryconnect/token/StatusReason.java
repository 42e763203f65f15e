package io.sentryconnect.token;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Why a grant is not active: the {@code status_reason} column and the grant JSON's {@code status_reason}. */
public enum StatusReason {
    /** Sentry's token endpoint answered {@code invalid_grant} to the refresh token. */
    REFRESH_REJECTED,
    /**
     * Sentry rejected the refresh token after an earlier refresh of it never came back: its answer, with the rotated
     * refresh token, was lost; not a revocation by the user.
     */
    REFRESH_LOST,
    /** A token without a refresh token (a provisioned grant's) kept being refused by Sentry's API. */
    UNAUTHORIZED,
    /** Disconnected on request. */
    DISCONNECTED,
    /** The grant's row no longer exists; never stored, only reported to a caller that still held it. */
    DELETED;

    /** The snake_case value stored and sent, e.g. {@code refresh_rejected}. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The reason of a stored {@link #value()}; an unknown one is empty. */
    public static Optional<StatusReason> of(String value) {
        return Arrays.stream(values()).filter(reason -> reason.value().equals(value)).findFirst();
    }
}
