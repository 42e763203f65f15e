-- Example Platform's own schema, applied by its own Flyway (micronaut-flyway, flyway_schema_history).
CREATE TABLE host_account (
    id   text PRIMARY KEY,
    name text NOT NULL
);

CREATE TABLE host_event (
    id          bigserial PRIMARY KEY,
    account_id  text        NOT NULL REFERENCES host_account (id),
    event_type  text        NOT NULL,
    occurred_at timestamptz NOT NULL
);

INSERT INTO host_account (id, name) VALUES ('acme-co', 'Acme Co'), ('globex-inc', 'Globex Inc');
INSERT INTO host_event (account_id, event_type, occurred_at) VALUES
    ('acme-co', 'invoice.paid', '2026-11-02T09:00:00Z'),
    ('acme-co', 'member.invited', '2026-11-03T15:30:00Z'),
    ('globex-inc', 'invoice.paid', '2026-11-04T08:15:00Z');
