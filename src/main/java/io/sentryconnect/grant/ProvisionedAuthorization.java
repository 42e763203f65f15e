package io.sentryconnect.grant;

import io.sentryconnect.token.Secret;

import java.util.List;

/**
 * What a call to Sentry's Account Provisioning API yields, ready to be recorded as the tenant's provisioned grant.
 *
 * @param tenantId         the platform tenant (our {@code organizationID} at Sentry, after the deployment's prefix)
 * @param userId           the tenant admin who provisioned first (recorded; the grant is the tenant's, seen by its admins)
 * @param organization     the organization Sentry created (or found) for the tenant, with its region URL
 * @param integrationToken the organization's integration token: no refresh token, no expiry
 * @param scopes           what the integration token may do, as Sentry reports it
 */
public record ProvisionedAuthorization(String tenantId, String userId, Grant.Organization organization,
                                       Secret integrationToken, List<String> scopes) {
}
