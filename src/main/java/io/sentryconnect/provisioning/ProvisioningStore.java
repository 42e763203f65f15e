package io.sentryconnect.provisioning;

import io.sentryconnect.database.DatabaseProperties;
import io.micronaut.transaction.annotation.ReadOnly;
import io.sentryconnect.grant.Grant;
import io.sentryconnect.grant.GrantQueries;
import io.sentryconnect.grant.ProvisionedAuthorization;
import io.sentryconnect.grant.ProvisionedGrants;
import jakarta.inject.Singleton;
import io.micronaut.transaction.annotation.Transactional;

import java.util.List;
import java.util.Optional;

/** Reads and writes a tenant's provisioned grant together with its projects. */
@Singleton
class ProvisioningStore {
    private final GrantQueries grants;
    private final ProvisionedGrants writer;
    private final ProvisionedProjectRepository projects;

    ProvisioningStore(GrantQueries grants, ProvisionedGrants writer, ProvisionedProjectRepository projects) {
        this.grants = grants;
        this.writer = writer;
        this.projects = projects;
    }

    /** A provisioned grant and the projects of its organization. */
    record ProvisionedGrant(Grant grant, List<ProvisionedProject> projects) {
    }

    /** The grant (with its encrypted token) and its projects in one transaction: both are recorded, or neither. */
    @Transactional(DatabaseProperties.DATASOURCE)
    public ProvisionedGrant record(ProvisionedAuthorization account, List<ProvisionedProject> created) {
        Grant grant = writer.upsertProvisioned(account);
        projects.upsert(grant.id(), grant.organization().id(), created);
        return new ProvisionedGrant(grant, projects.list(grant.id(), grant.organization().id()));
    }

    @ReadOnly(DatabaseProperties.DATASOURCE)
    public Optional<ProvisionedGrant> find(String tenantId) {
        return grants.findProvisioned(tenantId)
                .map(grant -> new ProvisionedGrant(grant, projects.list(grant.id(), grant.organization().id())));
    }
}
