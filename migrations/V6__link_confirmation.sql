-- Browser binding of link tickets (sentry-connect.link.browser-confirmation). A browser that opens a link without
-- a signed-in platform user first gets a confirmation page; its "Continue to Sentry" POST must carry the page's
-- token and the cookie set with the page. Both are kept as SHA-256 hashes on the ticket they confirm.
-- requested_by: the platform user who minted the ticket (a tenant admin's reconnect link is for the grant's owner,
-- user_id, but was asked for by the admin); NULL on tickets minted before this migration.
ALTER TABLE sentry_connect_link_ticket
    ADD COLUMN requested_by              TEXT,
    ADD COLUMN confirmation_hash         BYTEA,
    ADD COLUMN confirmation_browser_hash BYTEA,
    ADD COLUMN confirmation_expires_at   TIMESTAMPTZ,
    ADD COLUMN confirmed_at              TIMESTAMPTZ;

-- The POST finds its ticket by the page's token; unique, so that a token names exactly one ticket.
CREATE UNIQUE INDEX sentry_connect_link_ticket_confirmation_uq ON sentry_connect_link_ticket (confirmation_hash);
