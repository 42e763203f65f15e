-- Partner onboarding (Sentry's Account Provisioning API): a tenant without a Sentry organization gets one created
-- for it, and a grant of kind 'provisioned' holding the organization's integration token.

-- One provisioned grant per tenant. Our organizationID at Sentry is the tenant id, so Sentry keeps one organization
-- per tenant; this index makes two concurrent provisioning calls of one tenant (even on two instances) meet on
-- one row: the loser's INSERT … ON CONFLICT DO NOTHING inserts nothing, and it then updates the winner's row.
CREATE UNIQUE INDEX sentry_grant_provisioned_tenant_uq ON sentry_grant (tenant_id) WHERE kind = 'provisioned';

-- The projects created with a provisioned organization, with their DSNs. A DSN is not a secret (it ships inside
-- client applications), but it is not logged either. org_id says which organization the project belongs to:
-- only the projects of the grant's current organization are shown.
CREATE TABLE provisioned_project (
    grant_id    UUID        NOT NULL REFERENCES sentry_grant (id) ON DELETE CASCADE,
    project_id  TEXT        NOT NULL,
    org_id      TEXT        NOT NULL,
    slug        TEXT        NOT NULL,
    name        TEXT        NOT NULL,
    platform    TEXT,
    dsn         TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (grant_id, project_id)
);
