-- Self-assessment against the Kader aanpak mensenhandel (issue 6): a
-- municipality's rounds (one per year), the status of every building block in
-- a round, and the action plan. No personal data beyond owners' names; the
-- trail of changes is in the processing log. See docs/kader.md.

CREATE TABLE self_assessments (
    id              TEXT PRIMARY KEY,
    municipality_id TEXT NOT NULL REFERENCES organisations (id),
    year            INTEGER NOT NULL,
    -- The content version of the Kader when the round started.
    content_version TEXT NOT NULL,
    created_by      TEXT NOT NULL REFERENCES users (id),
    created_at      {{timestamp}} NOT NULL,
    updated_at      {{timestamp}} NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    UNIQUE (municipality_id, year)
);

-- One row per building block of the Kader in a round.
CREATE TABLE self_assessment_items (
    assessment_id TEXT NOT NULL REFERENCES self_assessments (id),
    block_id      TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'absent' CHECK (status IN ('absent', 'partial', 'complete', 'not_applicable')),
    evidence      TEXT NOT NULL DEFAULT '',
    -- Links to evidence as a JSON array of URLs.
    links         TEXT NOT NULL DEFAULT '[]',
    owner         TEXT NOT NULL DEFAULT '',
    item_date     TEXT NOT NULL DEFAULT '',
    remark        TEXT NOT NULL DEFAULT '',
    updated_by    TEXT NOT NULL DEFAULT '',
    updated_at    {{timestamp}} NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (assessment_id, block_id)
);

-- The action plan: actions linked to building blocks.
CREATE TABLE policy_actions (
    id              TEXT PRIMARY KEY,
    municipality_id TEXT NOT NULL REFERENCES organisations (id),
    assessment_id   TEXT REFERENCES self_assessments (id),
    block_id        TEXT NOT NULL DEFAULT '',
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    owner           TEXT NOT NULL DEFAULT '',
    deadline        TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL CHECK (status IN ('planned', 'in_progress', 'done', 'cancelled')),
    created_by      TEXT NOT NULL REFERENCES users (id),
    created_at      {{timestamp}} NOT NULL,
    updated_at      {{timestamp}} NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX policy_actions_municipality ON policy_actions (municipality_id, status, deadline);
CREATE INDEX policy_actions_assessment ON policy_actions (assessment_id, block_id);

-- Progress notes of an action, appended and never edited.
CREATE TABLE policy_action_notes (
    id         TEXT PRIMARY KEY,
    action_id  TEXT NOT NULL REFERENCES policy_actions (id),
    author_id  TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at {{timestamp}} NOT NULL
);
CREATE INDEX policy_action_notes_action ON policy_action_notes (action_id, created_at);
