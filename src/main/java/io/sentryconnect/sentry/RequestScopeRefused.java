package io.sentryconnect.sentry;

/** Sentry refused the request's URL for the grant's org-scoped token: nothing is wrong with the token or the grant. */
final class RequestScopeRefused extends RuntimeException {
    private final String sentryMessage;

    RequestScopeRefused(String sentryMessage) {
        super(sentryMessage, null, false, false);
        this.sentryMessage = sentryMessage;
    }

    String sentryMessage() {
        return sentryMessage;
    }
}
