-- The meldcode route (issue 11): for signals whose stored assessment advises
-- Veilig Thuis (contact_veilig_thuis, contact_veilig_thuis_adult) or the LKHA
-- (contact_lkha), the reporter and the region's care coordinators record the
-- five steps of the Meldcode huiselijk geweld en kindermishandeling: the date
-- of each step, the weighing of step 4 (acute or structural unsafety) and the
-- decision of step 5. Notes may hold personal data and are sealed with
-- fieldcrypt (columns ending in _enc). See docs/signals.md, "Meldcode".

-- The current state, one row per signal the meldcode applies to (created
-- with the signal; version 0: nothing recorded yet). version is raised by one
-- with every recording (optimistic concurrency, like signals.version).
CREATE TABLE signal_meldcode (
    signal_id           TEXT PRIMARY KEY REFERENCES signals (id),
    version             INTEGER NOT NULL DEFAULT 0,
    map_on              TEXT NOT NULL DEFAULT '', -- step 1, signalen in kaart brengen (YYYY-MM-DD; '' not yet)
    consult_on          TEXT NOT NULL DEFAULT '', -- step 2, collegiale consultatie en/of Veilig Thuis raadplegen
    talk_on             TEXT NOT NULL DEFAULT '', -- step 3, gesprek met de betrokkene
    weigh_on            TEXT NOT NULL DEFAULT '', -- step 4, wegen met het afwegingskader
    decide_on           TEXT NOT NULL DEFAULT '', -- step 5, beslissen: hulp en/of melden
    map_note_enc        TEXT NOT NULL DEFAULT '',
    consult_note_enc    TEXT NOT NULL DEFAULT '',
    talk_note_enc       TEXT NOT NULL DEFAULT '',
    weigh_note_enc      TEXT NOT NULL DEFAULT '',
    decide_note_enc     TEXT NOT NULL DEFAULT '',
    acute_unsafety      BOOLEAN,                  -- step 4; NULL: not weighed yet
    structural_unsafety BOOLEAN,                  -- step 4; NULL: not weighed yet
    decision            TEXT NOT NULL DEFAULT '' CHECK (decision IN ('', 'report', 'help', 'report_and_help')),
    updated_by          TEXT NOT NULL DEFAULT '',
    created_at          {{timestamp}} NOT NULL,
    updated_at          {{timestamp}} NOT NULL,
    -- Acute or structural unsafety must be reported to Veilig Thuis (the
    -- verbeterde meldcode, 2019): the service refuses it with a named
    -- error; the database refuses it as well.
    CHECK (decision IN ('', 'report', 'report_and_help') OR acute_unsafety IS NOT TRUE AND structural_unsafety IS NOT TRUE)
);

-- Every recording, appended and never edited: the whole state after it
-- (version = signal_meldcode.version after the recording), who and when.
CREATE TABLE signal_meldcode_events (
    id                  TEXT PRIMARY KEY,
    signal_id           TEXT NOT NULL REFERENCES signals (id),
    version             INTEGER NOT NULL,
    map_on              TEXT NOT NULL DEFAULT '',
    consult_on          TEXT NOT NULL DEFAULT '',
    talk_on             TEXT NOT NULL DEFAULT '',
    weigh_on            TEXT NOT NULL DEFAULT '',
    decide_on           TEXT NOT NULL DEFAULT '',
    map_note_enc        TEXT NOT NULL DEFAULT '',
    consult_note_enc    TEXT NOT NULL DEFAULT '',
    talk_note_enc       TEXT NOT NULL DEFAULT '',
    weigh_note_enc      TEXT NOT NULL DEFAULT '',
    decide_note_enc     TEXT NOT NULL DEFAULT '',
    acute_unsafety      BOOLEAN,
    structural_unsafety BOOLEAN,
    decision            TEXT NOT NULL DEFAULT '',
    actor_id            TEXT NOT NULL,
    created_at          {{timestamp}} NOT NULL,
    UNIQUE (signal_id, version)
);
