package io.sentryconnect.platform;

import java.util.Set;

/**
 * The caller of an API endpoint, as its platform JWT says: every grant query is scoped to {@link #tenantId()}.
 *
 * @param tenantId    the platform tenant
 * @param userId      the platform user
 * @param tenantAdmin whether the caller may see and act on every grant of its tenant
 */
public record PlatformCaller(String tenantId, String userId, boolean tenantAdmin) {
    /** Whether this caller may see a grant owned by {@code ownerUserId} in its own tenant. */
    public boolean mayAccess(String grantTenantId, String ownerUserId) {
        return tenantId.equals(grantTenantId) && (tenantAdmin || userId.equals(ownerUserId));
    }

    static PlatformCaller of(String tenantId, String userId, Set<String> roles, String adminRole) {
        return new PlatformCaller(tenantId, userId, roles.contains(adminRole));
    }
}
