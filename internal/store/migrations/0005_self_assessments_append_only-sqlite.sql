-- Progress notes of policy actions refuse updates and deletes.
CREATE TRIGGER policy_action_notes_no_update BEFORE UPDATE ON policy_action_notes BEGIN SELECT RAISE(ABORT, 'policy_action_notes is append-only'); END;
CREATE TRIGGER policy_action_notes_no_delete BEFORE DELETE ON policy_action_notes BEGIN SELECT RAISE(ABORT, 'policy_action_notes is append-only'); END;
