-- A refresh in flight: written in its own committed transaction just before the token request, removed with the
-- refresh's result. A row left behind means Sentry may have rotated the tokens while the answer was lost (a timeout,
-- a crash), so that a later invalid_grant can be reported as refresh_lost rather than as a revocation by the user.
CREATE TABLE refresh_attempt (
    grant_id       UUID PRIMARY KEY,
    token_version  BIGINT      NOT NULL,
    started_at     TIMESTAMPTZ NOT NULL
);
