-- A case's timeline refuses updates and deletes.
CREATE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'case_events is append-only'; END $$;
CREATE TRIGGER case_events_no_change BEFORE UPDATE OR DELETE ON case_events FOR EACH ROW EXECUTE FUNCTION case_events_append_only();
