package io.sentryconnect.grant;

import java.util.Arrays;

/** How a grant came to be. Its {@link #value()} is what the {@code kind} column and the grant JSON hold. */
public enum GrantKind {
    /** Linked by a user through Sentry's OAuth consent: access and refresh token. */
    LINKED("oauth"),
    /** Created through Sentry's Account Provisioning API: an integration token, no refresh token, no expiry. */
    PROVISIONED("provisioned");

    private final String value;

    GrantKind(String value) {
        this.value = value;
    }

    /** {@code oauth} or {@code provisioned}. */
    public String value() {
        return value;
    }

    static GrantKind of(String value) {
        return Arrays.stream(values()).filter(kind -> kind.value.equals(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown grant kind " + value));
    }
}
