-- The meldcode history refuses updates and deletes.
CREATE FUNCTION signal_meldcode_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'signal_meldcode_events is append-only'; END $$;
CREATE TRIGGER signal_meldcode_events_no_change BEFORE UPDATE OR DELETE ON signal_meldcode_events FOR EACH ROW EXECUTE FUNCTION signal_meldcode_events_append_only();
-- Signals recorded before this migration whose stored assessment advises
-- Veilig Thuis or the LKHA get their (empty) meldcode row.
INSERT INTO signal_meldcode (signal_id, version, created_at, updated_at)
SELECT s.id, 0, s.created_at, s.created_at FROM signals s
WHERE jsonb_typeof(s.assessment::jsonb -> 'advice') = 'array' AND EXISTS (
    SELECT 1 FROM jsonb_array_elements(s.assessment::jsonb -> 'advice') a
    WHERE a ->> 'id' IN ('contact_veilig_thuis', 'contact_veilig_thuis_adult', 'contact_lkha'));
