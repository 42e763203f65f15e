-- A later version of the platform's schema than this build knows: a deployment the platform already upgraded.
CREATE TABLE host_invoice (
    id         bigserial PRIMARY KEY,
    account_id text NOT NULL REFERENCES host_account (id),
    amount     numeric(12, 2) NOT NULL
);
