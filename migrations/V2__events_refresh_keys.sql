-- The outbox: every grant change writes its event here in the same transaction as the change, so a change is
-- never without its event and a rolled-back change leaves none. Delivered at least once, in id order per grant.
CREATE TABLE grant_event (
    id               BIGSERIAL PRIMARY KEY,
    event_id         UUID        NOT NULL UNIQUE,
    tenant_id        TEXT        NOT NULL,
    user_id          TEXT        NOT NULL,
    grant_id         UUID        NOT NULL,
    type             TEXT        NOT NULL,
    payload          TEXT        NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    attempts         INT         NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ NOT NULL,
    delivered_at     TIMESTAMPTZ,
    failed_at        TIMESTAMPTZ,
    last_error       TEXT
);
-- The delivery worker's claim: pending events in order, and "is an earlier event of this grant still pending?".
CREATE INDEX grant_event_pending_idx ON grant_event (next_attempt_at, id) WHERE delivered_at IS NULL AND failed_at IS NULL;
CREATE INDEX grant_event_grant_pending_idx ON grant_event (grant_id, id) WHERE delivered_at IS NULL AND failed_at IS NULL;
-- GET /api/v1/events: a tenant's events after a cursor.
CREATE INDEX grant_event_tenant_idx ON grant_event (tenant_id, id);

-- Background refresh: when each active grant's token falls due (written with every token write), and a short
-- lease so that two instances never refresh the same grant. The partial index makes the due-grant query cost
-- follow the number of due grants, not the size of the table.
ALTER TABLE sentry_grant ADD COLUMN refresh_due_at TIMESTAMPTZ;
ALTER TABLE sentry_grant ADD COLUMN refresh_claimed_until TIMESTAMPTZ;
UPDATE sentry_grant
   SET refresh_due_at = expires_at - GREATEST(INTERVAL '5 minutes', (expires_at - token_issued_at) / 10)
 WHERE status = 'active' AND refresh_token IS NOT NULL AND expires_at IS NOT NULL AND token_issued_at IS NOT NULL;
CREATE INDEX sentry_grant_refresh_due_idx ON sentry_grant (refresh_due_at) WHERE status = 'active';

-- Key rotation: which key encrypted a row's tokens, so re-encryption can find what is left in batches.
ALTER TABLE sentry_grant ADD COLUMN key_id INT;
CREATE INDEX sentry_grant_key_idx ON sentry_grant (key_id) WHERE access_token IS NOT NULL;
