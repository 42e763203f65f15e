package io.sentryconnect.provisioning;

import io.sentryconnect.SentryConnectException;

/** Sentry refused our partner signature: the channel or secret key we are configured with is wrong. */
public final class PartnerSignatureRejected extends SentryConnectException {
    public PartnerSignatureRejected() {
        super("partner_signature_rejected", "Sentry's Account Provisioning API refused this service's request signature; the operator must check sentry-connect.partner.channel and sentry-connect.partner.secret. Nothing was recorded.");
    }
}
