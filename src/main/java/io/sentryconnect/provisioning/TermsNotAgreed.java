package io.sentryconnect.provisioning;

import io.sentryconnect.SentryConnectException;

/** Provisioning needs the customer's agreement to Sentry's terms: {@code has_agreed_terms} must be true. */
public final class TermsNotAgreed extends SentryConnectException {
    public TermsNotAgreed() {
        super("terms_not_agreed", "Sentry creates an organization only for a customer who agreed to Sentry's terms of service: send has_agreed_terms: true.");
    }
}
