package io.sentryconnect.grant;

import io.sentryconnect.SentryConnectException;

/** No grant with this id is visible to the caller: it does not exist, or the caller may not see it (on purpose alike). */
public final class GrantNotFound extends SentryConnectException {
    public GrantNotFound() {
        super("grant_not_found", "No grant with this id is visible to the caller.");
    }
}
