-- A grant's health between its start and its end: refreshes that failed for a reason that does not revoke (5xx,
-- timeout, rate limit). last_failure_at / last_failure_reason are shown in the grant's JSON and kept after a
-- recovery (when it last failed, and why). failure_attempts counts the failed refreshes since the last success;
-- failure_reported says whether this streak's grant.refresh_failed went out (so that grant.recovered follows one);
-- failure_event_at is when the last grant.refresh_failed was written, which limits them to one per interval. All are
-- written under the grant's row lock, which every refresh holds, so two instances cannot both report one failure.
ALTER TABLE sentry_connect_grant
    ADD COLUMN last_failure_at     TIMESTAMPTZ,
    ADD COLUMN last_failure_reason TEXT,
    ADD COLUMN failure_attempts    INT     NOT NULL DEFAULT 0,
    ADD COLUMN failure_reported    BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN failure_event_at    TIMESTAMPTZ;
