-- The assessment records of signals refuse updates and deletes.
CREATE FUNCTION signal_assessments_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'signal_assessments is append-only'; END $$;
CREATE TRIGGER signal_assessments_no_change BEFORE UPDATE OR DELETE ON signal_assessments FOR EACH ROW EXECUTE FUNCTION signal_assessments_append_only();
