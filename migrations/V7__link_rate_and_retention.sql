-- Link creation rate limits: one row per (scope, tenant, user, fixed window), counted with an upsert
-- (INSERT … ON CONFLICT … DO UPDATE … RETURNING count), so every instance sees one exact count. scope is 'user' or
-- 'tenant' (user_id '' for the tenant's row). Windows that ended are deleted by the housekeeping job.
CREATE TABLE sentry_connect_link_rate (
    scope         TEXT        NOT NULL CHECK (scope IN ('user', 'tenant')),
    tenant_id     TEXT        NOT NULL,
    user_id       TEXT        NOT NULL,
    window_start  TIMESTAMPTZ NOT NULL,
    count         INT         NOT NULL,
    PRIMARY KEY (scope, tenant_id, user_id, window_start)
);
CREATE INDEX sentry_connect_link_rate_window_idx ON sentry_connect_link_rate (window_start);

-- Outbox retention: delivered and given-up events are deleted some time after they finished.
CREATE INDEX sentry_connect_grant_event_delivered_idx ON sentry_connect_grant_event (delivered_at) WHERE delivered_at IS NOT NULL;
CREATE INDEX sentry_connect_grant_event_failed_idx ON sentry_connect_grant_event (failed_at) WHERE failed_at IS NOT NULL;
