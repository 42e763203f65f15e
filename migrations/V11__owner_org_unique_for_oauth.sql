-- A user's OAuth grant of an organization stays unique per (tenant, user, organization), but the tenant's provisioned
-- grant no longer takes part: it is the tenant's, whoever provisioned it (only tenant admins see it), so the
-- provisioner's own OAuth link of the same organization becomes a grant of its own rather than writing that user's
-- tokens into the tenant's grant. The same name, now a partial unique index instead of a table constraint.
ALTER TABLE sentry_connect_grant DROP CONSTRAINT sentry_connect_grant_owner_org_uq;
CREATE UNIQUE INDEX sentry_connect_grant_owner_org_uq ON sentry_connect_grant (tenant_id, user_id, org_id) WHERE kind = 'oauth';
