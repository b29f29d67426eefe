-- Progress notes of policy actions refuse updates and deletes.
CREATE FUNCTION policy_action_notes_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'policy_action_notes is append-only'; END $$;
CREATE TRIGGER policy_action_notes_no_change BEFORE UPDATE OR DELETE ON policy_action_notes FOR EACH ROW EXECUTE FUNCTION policy_action_notes_append_only();
