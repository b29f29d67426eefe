-- Four eyes on the roles that reach victims' data, the processing log or
-- other accounts (policy.SensitiveRoles). A beheerder proposes such a role;
-- it takes effect (a row in user_roles) only when a second person approves.
-- A grant is for one organisation: moving the user elsewhere, or an
-- administrator resetting their password, sends the role back for approval.
-- Decided grants stay as the record of who proposed and who approved.
CREATE TABLE role_grants (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role            TEXT NOT NULL CHECK (role IN ('beheerder', 'beleidsmedewerker', 'signaleerder',
                        'zorgcoordinator', 'ketenpartner', 'analist', 'privacyfunctionaris')),
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    -- why it needs approval: new (a role added), moved (organisation changed),
    -- reset (password reset by an administrator)
    reason          TEXT NOT NULL CHECK (reason IN ('new', 'moved', 'reset')),
    status          TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
    proposed_by     TEXT NOT NULL,
    proposed_at     {{timestamp}} NOT NULL,
    decided_by      TEXT,
    decided_at      {{timestamp}},
    version         INTEGER NOT NULL DEFAULT 1
);
-- At most one open proposal per user and role.
CREATE UNIQUE INDEX role_grants_one_pending ON role_grants (user_id, role) WHERE status = 'pending';
CREATE INDEX role_grants_status ON role_grants (status, proposed_at);

-- Who last set the user's password when that was not the user: an
-- administrator who creates or resets an account knows its password, so
-- they may not approve that account's roles, and no sensitive role is
-- approved until the user has chosen their own password. NULL: the user
-- (or the command line's operator) set it.
ALTER TABLE users ADD COLUMN password_set_by TEXT;
