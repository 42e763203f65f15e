/**
 * Partner onboarding: provisions a Sentry organization for a tenant through Sentry's Account Provisioning API,
 * records it as the tenant's {@code provisioned} grant (with its projects and DSNs), and serves the registration
 * sheet for Sentry's partnership team. Records grants only through {@link io.sentryconnect.grant.ProvisionedGrants};
 * calls Sentry's API only through the sentry package; never touches other features' tables.
 */
package io.sentryconnect.provisioning;
