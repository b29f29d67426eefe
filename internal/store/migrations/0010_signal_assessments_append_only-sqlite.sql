-- The assessment records of signals refuse updates and deletes.
CREATE TRIGGER signal_assessments_no_update BEFORE UPDATE ON signal_assessments BEGIN SELECT RAISE(ABORT, 'signal_assessments is append-only'); END;
CREATE TRIGGER signal_assessments_no_delete BEFORE DELETE ON signal_assessments BEGIN SELECT RAISE(ABORT, 'signal_assessments is append-only'); END;
