-- The meldcode history refuses updates and deletes.
CREATE TRIGGER signal_meldcode_events_no_update BEFORE UPDATE ON signal_meldcode_events BEGIN SELECT RAISE(ABORT, 'signal_meldcode_events is append-only'); END;
CREATE TRIGGER signal_meldcode_events_no_delete BEFORE DELETE ON signal_meldcode_events BEGIN SELECT RAISE(ABORT, 'signal_meldcode_events is append-only'); END;
-- Signals recorded before this migration whose stored assessment advises
-- Veilig Thuis or the LKHA get their (empty) meldcode row.
INSERT INTO signal_meldcode (signal_id, version, created_at, updated_at)
SELECT s.id, 0, s.created_at, s.created_at FROM signals s
WHERE json_valid(s.assessment) AND EXISTS (SELECT 1 FROM json_each(s.assessment, '$.advice') a
    WHERE json_extract(a.value, '$.id') IN ('contact_veilig_thuis', 'contact_veilig_thuis_adult', 'contact_lkha'));
