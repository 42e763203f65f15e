-- Every instance caches the grants (with their decrypted access tokens) that its proxy calls read, and must learn of
-- a change at once: a NOTIFY sent by the writing transaction itself, so that it reaches the listeners exactly when
-- the change commits (never for a write that rolls back), whichever code path wrote the row.
-- Channel sentry_connect_grant, payload '<schema> <grant id>': several schemas (a host's environments, the test
-- suites) may share one database and channel names are per database, so each listener keeps its own schema's.
-- Changes only to the refresh schedule (refresh_due_at, refresh_claimed_until) touch nothing a call reads.
CREATE FUNCTION sentry_connect_grant_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- As jsonb, so that the function names no type of its schema (search paths differ between sessions).
    IF TG_OP = 'UPDATE' AND to_jsonb(OLD) - 'refresh_due_at' - 'refresh_claimed_until'
            = to_jsonb(NEW) - 'refresh_due_at' - 'refresh_claimed_until' THEN
        RETURN NULL;
    END IF;
    PERFORM pg_notify('sentry_connect_grant', TG_TABLE_SCHEMA || ' ' || OLD.id);
    RETURN NULL;
END;
$$;

CREATE TRIGGER sentry_connect_grant_changed AFTER UPDATE OR DELETE ON sentry_connect_grant
    FOR EACH ROW EXECUTE FUNCTION sentry_connect_grant_notify();
