-- The processing log refuses updates and deletes (tampering with the file
-- itself is what `baken audit verify` detects).
CREATE TRIGGER processing_log_no_update BEFORE UPDATE ON processing_log BEGIN SELECT RAISE(ABORT, 'processing_log is append-only'); END;
CREATE TRIGGER processing_log_no_delete BEFORE DELETE ON processing_log BEGIN SELECT RAISE(ABORT, 'processing_log is append-only'); END;
