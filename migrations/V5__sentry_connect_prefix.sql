-- As a plugin, sentry-connect shares the host's schema: every table, index, constraint and sequence of ours takes
-- the sentry_connect_ prefix, so none can collide with a host's (a host's own link_state or grant_event, say).
-- Renames keep the rows, the OIDs (so grant_event's id default still draws on its sequence) and the grants on them.
-- Instances of an older version, which query the old names, must be stopped before this runs.

ALTER TABLE link_ticket RENAME TO sentry_connect_link_ticket;
ALTER INDEX link_ticket_pkey RENAME TO sentry_connect_link_ticket_pkey;
ALTER INDEX link_ticket_expires_idx RENAME TO sentry_connect_link_ticket_expires_idx;

ALTER TABLE link_state RENAME TO sentry_connect_link_state;
ALTER INDEX link_state_pkey RENAME TO sentry_connect_link_state_pkey;
ALTER INDEX link_state_expires_idx RENAME TO sentry_connect_link_state_expires_idx;

ALTER TABLE sentry_grant RENAME TO sentry_connect_grant;
ALTER INDEX sentry_grant_pkey RENAME TO sentry_connect_grant_pkey;
ALTER INDEX sentry_grant_owner_org_uq RENAME TO sentry_connect_grant_owner_org_uq;
ALTER TABLE sentry_connect_grant RENAME CONSTRAINT sentry_grant_kind_check TO sentry_connect_grant_kind_check;
ALTER TABLE sentry_connect_grant RENAME CONSTRAINT sentry_grant_status_check TO sentry_connect_grant_status_check;
ALTER TABLE sentry_connect_grant RENAME CONSTRAINT sentry_grant_tokens_ck TO sentry_connect_grant_tokens_ck;
ALTER INDEX sentry_grant_tenant_user_idx RENAME TO sentry_connect_grant_tenant_user_idx;
ALTER INDEX sentry_grant_tenant_idx RENAME TO sentry_connect_grant_tenant_idx;
ALTER INDEX sentry_grant_refresh_due_idx RENAME TO sentry_connect_grant_refresh_due_idx;
ALTER INDEX sentry_grant_key_idx RENAME TO sentry_connect_grant_key_idx;
ALTER INDEX sentry_grant_provisioned_tenant_uq RENAME TO sentry_connect_grant_provisioned_tenant_uq;

ALTER TABLE grant_event RENAME TO sentry_connect_grant_event;
ALTER SEQUENCE grant_event_id_seq RENAME TO sentry_connect_grant_event_id_seq;
ALTER INDEX grant_event_pkey RENAME TO sentry_connect_grant_event_pkey;
ALTER INDEX grant_event_event_id_key RENAME TO sentry_connect_grant_event_event_id_key;
ALTER INDEX grant_event_pending_idx RENAME TO sentry_connect_grant_event_pending_idx;
ALTER INDEX grant_event_grant_pending_idx RENAME TO sentry_connect_grant_event_grant_pending_idx;
ALTER INDEX grant_event_tenant_idx RENAME TO sentry_connect_grant_event_tenant_idx;

ALTER TABLE provisioned_project RENAME TO sentry_connect_provisioned_project;
ALTER INDEX provisioned_project_pkey RENAME TO sentry_connect_provisioned_project_pkey;
ALTER TABLE sentry_connect_provisioned_project
    RENAME CONSTRAINT provisioned_project_grant_id_fkey TO sentry_connect_provisioned_project_grant_id_fkey;

ALTER TABLE refresh_attempt RENAME TO sentry_connect_refresh_attempt;
ALTER INDEX refresh_attempt_pkey RENAME TO sentry_connect_refresh_attempt_pkey;
