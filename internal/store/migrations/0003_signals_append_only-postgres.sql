-- The status history of signals refuses updates and deletes.
CREATE FUNCTION signal_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'signal_events is append-only'; END $$;
CREATE TRIGGER signal_events_no_change BEFORE UPDATE OR DELETE ON signal_events FOR EACH ROW EXECUTE FUNCTION signal_events_append_only();
