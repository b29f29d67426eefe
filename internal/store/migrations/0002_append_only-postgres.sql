-- The processing log refuses updates and deletes (tampering by someone who
-- can drop the trigger is what `baken audit verify` detects).
CREATE FUNCTION processing_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'processing_log is append-only'; END $$;
CREATE TRIGGER processing_log_no_change BEFORE UPDATE OR DELETE ON processing_log FOR EACH ROW EXECUTE FUNCTION processing_log_append_only();
