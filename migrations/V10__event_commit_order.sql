-- GET /api/v1/events must never skip an event. Event ids come from a sequence when a row is inserted, not when its
-- transaction commits: a transaction that took id 10 may commit after one that took id 11, and a poller that read
-- 11 and moved its cursor past it would never see 10. So the API pages by the inserting transaction's id (xid8,
-- 64 bits: no wraparound) and serves only rows of transactions older than every transaction still running
-- (pg_snapshot_xmin): those rows are final, and any row still to commit sorts after them.
-- Rows written before this migration are all committed: they get 0, before every later row, in id order, so a
-- cursor handed out before it (a plain id) still means "after this event".
ALTER TABLE sentry_connect_grant_event ADD COLUMN tx_id xid8 NOT NULL DEFAULT '0';
ALTER TABLE sentry_connect_grant_event ALTER COLUMN tx_id SET DEFAULT pg_current_xact_id();
DROP INDEX sentry_connect_grant_event_tenant_idx;
CREATE INDEX sentry_connect_grant_event_tenant_idx ON sentry_connect_grant_event (tenant_id, tx_id, id);
