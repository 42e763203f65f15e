package io.sentryconnect.sentry;

import io.sentryconnect.SentryConnectException;

/**
 * Sentry's answer was larger than {@code sentry-connect.http.api-max-content-length}: the proxy and {@code SentryApi}
 * hold an answer whole before passing it on, so a larger one is refused rather than buffered. Not retried (the same
 * request would get the same answer); nothing changed on our side, though a write Sentry answered was carried out.
 */
public final class SentryAnswerTooLarge extends SentryConnectException {
    public SentryAnswerTooLarge() {
        super("sentry_answer_too_large", "Sentry's answer is larger than this service takes "
                + "(sentry-connect.http.api-max-content-length), so it is not passed on; a change the request asked for "
                + "may have been made at Sentry. For a list, ask for less, e.g. a smaller per_page or a narrower query.");
    }
}
