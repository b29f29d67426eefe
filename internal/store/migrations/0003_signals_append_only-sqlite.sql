-- The status history of signals refuses updates and deletes.
CREATE TRIGGER signal_events_no_update BEFORE UPDATE ON signal_events BEGIN SELECT RAISE(ABORT, 'signal_events is append-only'); END;
CREATE TRIGGER signal_events_no_delete BEFORE DELETE ON signal_events BEGIN SELECT RAISE(ABORT, 'signal_events is append-only'); END;
