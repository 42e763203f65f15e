package io.sentryconnect.provisioning;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.exceptions.ConfigurationException;
import io.sentryconnect.StartCheck;
import jakarta.inject.Singleton;

/**
 * Stops the start on an unusable {@code sentry-connect.partner.organization-id-prefix}, which would otherwise show only
 * when a tenant admin first provisions (Sentry refusing the {@code organizationID}). The prefix is part of the one key
 * Sentry's provisioning is idempotent on, so a change of it later provisions every tenant a second organization: the
 * check is on its shape only.
 */
@Singleton
@Requires(property = "sentry-connect.enabled", notEquals = "false")
@Requires(property = "sentry-connect.partner.organization-id-prefix")
final class PartnerSettings implements StartCheck {
    private final PartnerProperties properties;

    PartnerSettings(PartnerProperties properties) {
        this.properties = properties;
    }

    @Override
    public void verify() {
        check(properties.organizationIdPrefix());
    }

    static void check(String prefix) {
        if (prefix.length() > PartnerProperties.MAX_ORGANIZATION_ID_PREFIX) {
            throw new ConfigurationException("sentry-connect.partner.organization-id-prefix is " + prefix.length()
                    + " characters long: at most " + PartnerProperties.MAX_ORGANIZATION_ID_PREFIX + ", so that the tenant id "
                    + "keeps the rest of Sentry's " + PartnerProperties.MAX_ORGANIZATION_ID + "-character organizationID.");
        }
        if (!prefix.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new ConfigurationException("sentry-connect.partner.organization-id-prefix may hold printable ASCII "
                    + "characters without spaces only, e.g. staging: or prod-eu-");
        }
    }
}
