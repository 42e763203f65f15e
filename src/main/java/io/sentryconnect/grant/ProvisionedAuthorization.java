package io.sentryconnect.grant;

import io.sentryconnect.token.Secret;

import java.util.List;

/**
 * What a call to Sentry's Account Provisioning API yields, ready to be recorded as the tenant's provisioned grant.
 *
 * @param tenantId         the platform tenant (our {@code organizationID} at Sentry)
 * @param userId           the platform user who owns the grant: the tenant admin who provisioned first
 * @param organization     the organization Sentry created (or found) for the tenant, with its region URL
 * @param integrationToken the organization's integration token: no refresh token, no expiry
 * @param scopes           what the integration token may do, as Sentry reports it
 */
public record ProvisionedAuthorization(String tenantId, String userId, Grant.Organization organization,
                                       Secret integrationToken, List<String> scopes) {
}
