-- Link tickets: minted through the API, consumed once by the browser at /connect/sentry/start.
-- Only the SHA-256 of the ticket is stored, so a database read does not yield usable tickets.
CREATE TABLE link_ticket (
    ticket_hash  BYTEA PRIMARY KEY,
    tenant_id    TEXT        NOT NULL,
    user_id      TEXT        NOT NULL,
    scopes       TEXT        NOT NULL,
    return_to    TEXT        NOT NULL,
    grant_id     UUID,
    expires_at   TIMESTAMPTZ NOT NULL,
    used_at      TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL
);

-- OAuth state: one per trip to Sentry's authorize page. Consumed with a conditional UPDATE (used_at IS NULL),
-- so of two callbacks with one state exactly one proceeds. The PKCE verifier is encrypted like a token.
CREATE TABLE link_state (
    state_hash          BYTEA PRIMARY KEY,
    tenant_id           TEXT        NOT NULL,
    user_id             TEXT        NOT NULL,
    scopes              TEXT        NOT NULL,
    return_to           TEXT        NOT NULL,
    grant_id            UUID,
    code_verifier       BYTEA       NOT NULL,
    browser_hash        BYTEA       NOT NULL,
    expires_at          TIMESTAMPTZ NOT NULL,
    used_at             TIMESTAMPTZ,
    created_at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX link_ticket_expires_idx ON link_ticket (expires_at);
CREATE INDEX link_state_expires_idx ON link_state (expires_at);

-- A grant: one platform user's authorization of one Sentry organization.
-- UNIQUE (tenant_id, user_id, org_id) makes re-linking the same org an update in place, even from two instances.
CREATE TABLE sentry_grant (
    id                 UUID PRIMARY KEY,
    tenant_id          TEXT        NOT NULL,
    user_id            TEXT        NOT NULL,
    kind               TEXT        NOT NULL DEFAULT 'oauth' CHECK (kind IN ('oauth', 'provisioned')),
    status             TEXT        NOT NULL CHECK (status IN ('active', 'revoked', 'disconnected')),
    status_reason      TEXT,
    org_id             TEXT        NOT NULL,
    org_slug           TEXT        NOT NULL,
    org_name           TEXT        NOT NULL,
    region_url         TEXT        NOT NULL,
    sentry_user_id     TEXT,
    sentry_user_name   TEXT,
    sentry_user_email  TEXT,
    scopes             TEXT        NOT NULL,
    access_token       BYTEA,
    refresh_token      BYTEA,
    token_issued_at    TIMESTAMPTZ,
    expires_at         TIMESTAMPTZ,
    last_refreshed_at  TIMESTAMPTZ,
    token_version      BIGINT      NOT NULL DEFAULT 0,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    CONSTRAINT sentry_grant_owner_org_uq UNIQUE (tenant_id, user_id, org_id),
    -- Tokens exist exactly while the grant is not disconnected: disconnect destroys them.
    CONSTRAINT sentry_grant_tokens_ck CHECK ((status = 'disconnected') = (access_token IS NULL))
);
-- Listing: the caller's tenant, optionally one user, in id order for keyset pagination.
CREATE INDEX sentry_grant_tenant_user_idx ON sentry_grant (tenant_id, user_id, id);
CREATE INDEX sentry_grant_tenant_idx ON sentry_grant (tenant_id, id);
