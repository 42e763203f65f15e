package io.sentryconnect.platform;

import io.micronaut.core.annotation.Nullable;

import java.util.Set;

/**
 * The caller of an API endpoint, as its platform JWT says: every grant query is scoped to {@link #tenantId()}.
 * It holds the one visibility rule of grants and their events: a caller sees its own tenant's, a tenant admin every
 * user's, anyone else only its own ({@link #mayAccess}, and {@link #ownerRestriction} for queries), and never the
 * tenant's provisioned grant: that one is the tenant's (its integration token acts for the whole organization), so
 * only a tenant admin sees it, and the admin who provisioned it stops seeing it with the role.
 *
 * @param tenantId    the platform tenant
 * @param userId      the platform user
 * @param tenantAdmin whether the caller may see and act on every grant of its tenant
 */
public record PlatformCaller(String tenantId, String userId, boolean tenantAdmin) {
    /**
     * Whether this caller may see a grant (or its events) of tenant {@code grantTenantId} owned by {@code ownerUserId};
     * {@code provisioned}: the tenant's provisioned grant, whoever its owner.
     */
    public boolean mayAccess(String grantTenantId, String ownerUserId, boolean provisioned) {
        return tenantId.equals(grantTenantId) && (tenantAdmin || !provisioned && userId.equals(ownerUserId));
    }

    /** Whether this caller may see the grants (linked ones: see {@link #mayAccess}) of the user {@code ownerUserId}. */
    public boolean maySeeOwner(String ownerUserId) {
        return tenantAdmin || userId.equals(ownerUserId);
    }

    /** The one owner whose grants (and events) this caller may see in its tenant, or null when it may see everyone's. */
    @Nullable
    public String ownerRestriction() {
        return tenantAdmin ? null : userId;
    }

    static PlatformCaller of(String tenantId, String userId, Set<String> roles, String adminRole) {
        return new PlatformCaller(tenantId, userId, roles.contains(adminRole));
    }
}
