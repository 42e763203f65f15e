-- A host application's own first migration: it shares version 1 with ours on purpose.
CREATE TABLE account (
    id    BIGSERIAL PRIMARY KEY,
    name  TEXT NOT NULL
);
