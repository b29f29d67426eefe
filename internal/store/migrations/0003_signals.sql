-- Signals (issue 4): a frontline worker's record of what they saw, routed to
-- the care coordinators of the municipality's region. Personal fields are
-- sealed with fieldcrypt (columns ending in _enc); the alias is findable only
-- through a keyed hash (alias_index). Status changes are appended to
-- signal_events and never edited (0003_signals_append_only).

-- One counter per year for the human reference SIG-YYYY-NNNNNN, advanced in
-- the creating transaction: a rolled-back create leaves no trace, a committed
-- one can never be handed out again.
CREATE TABLE signal_reference_counters (
    year INTEGER PRIMARY KEY,
    last {{bigint}} NOT NULL
);

CREATE TABLE signals (
    id                TEXT PRIMARY KEY,
    reference         TEXT NOT NULL UNIQUE,
    reporter_id       TEXT NOT NULL REFERENCES users (id),
    reporter_org_id   TEXT NOT NULL REFERENCES organisations (id),
    municipality_id   TEXT NOT NULL REFERENCES organisations (id),
    -- The municipality's region when the signal came in: whose care
    -- coordinators receive it.
    region_id         TEXT NOT NULL REFERENCES organisations (id),
    department        TEXT NOT NULL,
    observed_on       TEXT NOT NULL,  -- YYYY-MM-DD
    place_enc         TEXT NOT NULL DEFAULT '',
    came_to_light_enc TEXT NOT NULL DEFAULT '',
    narrative_enc     TEXT NOT NULL DEFAULT '',
    -- Non-personal observations as JSON: frontline signal, indicator, act and
    -- risk factor ids, smuggling.
    observations      TEXT NOT NULL,
    acute_danger      BOOLEAN NOT NULL DEFAULT FALSE,
    consultation      BOOLEAN NOT NULL DEFAULT FALSE,
    person_count      INTEGER NOT NULL DEFAULT 0,
    assessment_input  TEXT NOT NULL,
    assessment        TEXT NOT NULL,
    ruleset           TEXT NOT NULL,
    outcome           TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('new', 'in_progress', 'more_info_requested', 'closed', 'converted')),
    closing_reason    TEXT NOT NULL DEFAULT '',
    created_at        {{timestamp}} NOT NULL,
    updated_at        {{timestamp}} NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX signals_region_created ON signals (region_id, created_at, id);
CREATE INDEX signals_region_status ON signals (region_id, status, created_at, id);
CREATE INDEX signals_reporter_created ON signals (reporter_id, created_at, id);
CREATE INDEX signals_region_observed ON signals (region_id, observed_on, id);
CREATE INDEX signals_reporter_observed ON signals (reporter_id, observed_on, id);
CREATE INDEX signals_municipality ON signals (municipality_id, created_at);

-- Suspected forms of exploitation, one row each, for filtering.
CREATE TABLE signal_forms (
    signal_id TEXT NOT NULL REFERENCES signals (id),
    form      TEXT NOT NULL,
    PRIMARY KEY (signal_id, form)
);
CREATE INDEX signal_forms_form ON signal_forms (form, signal_id);

-- Persons in a signal, pseudonymous by default. The row id is the person's
-- pseudonym id: the data subject id of the processing log.
CREATE TABLE signal_persons (
    id          TEXT PRIMARY KEY,
    signal_id   TEXT NOT NULL REFERENCES signals (id),
    position    INTEGER NOT NULL,
    alias_enc   TEXT NOT NULL DEFAULT '',
    alias_index TEXT NOT NULL DEFAULT '',
    name_enc    TEXT NOT NULL DEFAULT '',
    contact_enc TEXT NOT NULL DEFAULT '',
    birth_year  INTEGER,
    age_band    TEXT NOT NULL DEFAULT '',
    gender      TEXT NOT NULL DEFAULT '',
    nationality TEXT NOT NULL DEFAULT '',
    language    TEXT NOT NULL DEFAULT '',
    UNIQUE (signal_id, position)
);
CREATE INDEX signal_persons_alias ON signal_persons (alias_index);

-- The status history, appended and never edited. seq is the signal's
-- version after the event (1: received).
CREATE TABLE signal_events (
    id             TEXT PRIMARY KEY,
    signal_id      TEXT NOT NULL REFERENCES signals (id),
    seq            INTEGER NOT NULL,
    from_status    TEXT NOT NULL DEFAULT '',
    to_status      TEXT NOT NULL,
    closing_reason TEXT NOT NULL DEFAULT '',
    remark_enc     TEXT NOT NULL DEFAULT '', -- public: the reporter sees it
    note_enc       TEXT NOT NULL DEFAULT '', -- internal: care coordinators only
    actor_id       TEXT NOT NULL,
    created_at     {{timestamp}} NOT NULL,
    UNIQUE (signal_id, seq)
);
