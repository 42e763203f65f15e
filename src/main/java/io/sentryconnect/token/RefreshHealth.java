package io.sentryconnect.token;

/**
 * Hears how each refresh of a grant went (the grant package implements it: the grant's health columns and events).
 * Called inside the refresh's own transaction while it holds the grant's row lock, so what it writes is serialised
 * with every other refresh of that grant, on any instance, and commits with the refresh's outcome.
 */
public interface RefreshHealth {
    /**
     * A refresh failed for a reason that does not revoke the grant.
     *
     * @param reason {@code sentry_unavailable}, {@code timeout}, {@code rate_limited}, {@code malformed_response} or
     *               {@code token_request_rejected}
     */
    void refreshFailed(StoredTokens grant, String reason);

    /** A refresh succeeded. */
    void refreshSucceeded(StoredTokens grant);
}
