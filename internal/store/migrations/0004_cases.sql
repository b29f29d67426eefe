-- Cases (issue 5): the care coordinator's file on one (presumed) victim, from
-- registration to aftercare. The most sensitive data in Baken: every client
-- field is sealed with fieldcrypt (columns ending in _enc), every free text
-- too. The timeline (case_events) is appended and never edited
-- (0004_cases_append_only). See docs/cases.md.

CREATE TABLE case_reference_counters (
    year INTEGER PRIMARY KEY,
    last {{bigint}} NOT NULL
);

CREATE TABLE cases (
    id                    TEXT PRIMARY KEY,
    reference             TEXT NOT NULL UNIQUE,
    -- The region whose care coordinators run the case (changes on transfer).
    region_id             TEXT NOT NULL REFERENCES organisations (id),
    phase                 TEXT NOT NULL CHECK (phase IN ('registration', 'intake', 'support', 'aftercare', 'closed')),
    closing_reason        TEXT NOT NULL DEFAULT '',
    -- The retention clock starts here; reopening clears it.
    closed_at             {{timestamp}},
    -- The client, sealed (AAD cases.<column>:<id>).
    client_name_enc       TEXT NOT NULL DEFAULT '',
    client_birth_date_enc TEXT NOT NULL DEFAULT '',
    client_bsn_enc        TEXT NOT NULL DEFAULT '',
    client_nationality_enc TEXT NOT NULL DEFAULT '',
    client_origin_enc     TEXT NOT NULL DEFAULT '',
    client_languages_enc  TEXT NOT NULL DEFAULT '',
    client_gender_enc     TEXT NOT NULL DEFAULT '',
    client_contact_enc    TEXT NOT NULL DEFAULT '',
    -- Forms of exploitation (content ids) as a JSON array.
    forms                 TEXT NOT NULL DEFAULT '[]',
    non_punishment        BOOLEAN NOT NULL DEFAULT FALSE,
    -- Reflection period (bedenktijd, Vc B8/3): dates as YYYY-MM-DD.
    reflection_start      TEXT NOT NULL DEFAULT '',
    reflection_dublin     BOOLEAN NOT NULL DEFAULT FALSE,
    reflection_end        TEXT NOT NULL DEFAULT '',
    -- Residence and the criminal procedure.
    residence_applied_on  TEXT NOT NULL DEFAULT '',
    permit_status         TEXT NOT NULL DEFAULT '',
    aangifte              TEXT NOT NULL DEFAULT 'unknown' CHECK (aangifte IN ('unknown', 'yes', 'no')),
    aangifte_on           TEXT NOT NULL DEFAULT '',
    cooperation           TEXT NOT NULL DEFAULT 'unknown' CHECK (cooperation IN ('unknown', 'yes', 'no')),
    -- Registration with the national registry (CoMensha).
    registered_on         TEXT NOT NULL DEFAULT '',
    dossier_type          TEXT NOT NULL DEFAULT '',
    created_by            TEXT NOT NULL REFERENCES users (id),
    created_at            {{timestamp}} NOT NULL,
    updated_at            {{timestamp}} NOT NULL,
    -- Optimistic concurrency of the case's own fields.
    version               INTEGER NOT NULL DEFAULT 1,
    -- The last timeline seq handed out (events lock the case row briefly).
    event_seq             INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX cases_region_phase ON cases (region_id, phase, updated_at, id);
CREATE INDEX cases_region_updated ON cases (region_id, updated_at, id);
CREATE INDEX cases_reflection_end ON cases (region_id, reflection_end);

-- The coordinators assigned to a case (need to know).
CREATE TABLE case_coordinators (
    case_id  TEXT NOT NULL REFERENCES cases (id),
    user_id  TEXT NOT NULL REFERENCES users (id),
    since    {{timestamp}} NOT NULL,
    PRIMARY KEY (case_id, user_id)
);
CREATE INDEX case_coordinators_user ON case_coordinators (user_id, case_id);

-- Access by a coordinator of the region who is not assigned, with a stated
-- reason ("break the glass"), until a moment.
CREATE TABLE case_access_grants (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases (id),
    user_id    TEXT NOT NULL REFERENCES users (id),
    reason_enc TEXT NOT NULL,
    granted_at {{timestamp}} NOT NULL,
    until_at   {{timestamp}} NOT NULL
);
CREATE INDEX case_access_grants_case ON case_access_grants (case_id, user_id, until_at);

-- The signals a case was made from; a signal is in at most one case.
CREATE TABLE case_signals (
    case_id   TEXT NOT NULL REFERENCES cases (id),
    signal_id TEXT NOT NULL UNIQUE REFERENCES signals (id),
    PRIMARY KEY (case_id, signal_id)
);

-- The timeline, appended and never edited. seq numbers a case's events.
-- kind: created, note, contact, phase, update, assignment, break_glass,
-- reflection, task, task_done, document, placement, placement_end,
-- support, consent, consent_withdrawn, transfer_requested,
-- transfer_accepted, transfer_declined, transfer_withdrawn.
CREATE TABLE case_events (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases (id),
    seq        INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    author_id  TEXT NOT NULL,
    created_at {{timestamp}} NOT NULL,
    -- Free text (a note, a contact's summary, a reason), sealed.
    body_enc   TEXT NOT NULL DEFAULT '',
    -- Non-personal structure as JSON (phase from/to, the id of a task, ...).
    detail     TEXT NOT NULL DEFAULT '{}',
    UNIQUE (case_id, seq)
);

-- Tasks with a due date and an owner.
CREATE TABLE case_tasks (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases (id),
    title_enc  TEXT NOT NULL,
    due_on     TEXT NOT NULL,
    owner_id   TEXT NOT NULL REFERENCES users (id),
    done_at    {{timestamp}},
    done_by    TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at {{timestamp}} NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX case_tasks_case ON case_tasks (case_id, due_on);
CREATE INDEX case_tasks_owner_open ON case_tasks (owner_id, done_at, due_on);

-- Documents: the file and its name sealed; type from the catalogue.
CREATE TABLE case_documents (
    id           TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL REFERENCES cases (id),
    doc_type     TEXT NOT NULL,
    filename_enc TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         {{bigint}} NOT NULL,
    data_enc     TEXT NOT NULL,
    uploaded_by  TEXT NOT NULL,
    created_at   {{timestamp}} NOT NULL
);
CREATE INDEX case_documents_case ON case_documents (case_id, created_at);

-- Shelter capacity of a shelter organisation (a partner organisation).
CREATE TABLE shelter_capacities (
    org_id     TEXT PRIMARY KEY REFERENCES organisations (id),
    places     INTEGER NOT NULL CHECK (places >= 0),
    updated_at {{timestamp}} NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
);

-- Shelter placements; to_on '' while the placement lasts.
CREATE TABLE case_placements (
    id             TEXT PRIMARY KEY,
    case_id        TEXT NOT NULL REFERENCES cases (id),
    shelter_org_id TEXT NOT NULL REFERENCES organisations (id),
    shelter_type   TEXT NOT NULL,
    from_on        TEXT NOT NULL,
    to_on          TEXT NOT NULL DEFAULT '',
    created_by     TEXT NOT NULL,
    created_at     {{timestamp}} NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX case_placements_case ON case_placements (case_id, from_on);
CREATE INDEX case_placements_shelter ON case_placements (shelter_org_id, to_on, from_on);

-- Support domains (housing, income, ...): the support plan, one row per
-- domain a coordinator has set.
CREATE TABLE case_support (
    case_id    TEXT NOT NULL REFERENCES cases (id),
    domain     TEXT NOT NULL,
    status     TEXT NOT NULL,
    note_enc   TEXT NOT NULL DEFAULT '',
    updated_by TEXT NOT NULL,
    updated_at {{timestamp}} NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (case_id, domain)
);

-- What may be shared with which partner, for what purpose, until when: the
-- client's consent, or the legal basis when consent is not needed.
CREATE TABLE case_consents (
    id             TEXT PRIMARY KEY,
    case_id        TEXT NOT NULL REFERENCES cases (id),
    partner_org_id TEXT NOT NULL REFERENCES organisations (id),
    purpose        TEXT NOT NULL,
    basis          TEXT NOT NULL,
    scope          TEXT NOT NULL DEFAULT '[]',
    note_enc       TEXT NOT NULL DEFAULT '',
    until_on       TEXT NOT NULL DEFAULT '',
    recorded_by    TEXT NOT NULL,
    created_at     {{timestamp}} NOT NULL,
    withdrawn_at   {{timestamp}},
    withdrawn_by   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_consents_case ON case_consents (case_id, created_at);

-- Transfers to another region: the receiving region accepts or declines.
CREATE TABLE case_transfers (
    id             TEXT PRIMARY KEY,
    case_id        TEXT NOT NULL REFERENCES cases (id),
    from_region_id TEXT NOT NULL REFERENCES organisations (id),
    to_region_id   TEXT NOT NULL REFERENCES organisations (id),
    status         TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'withdrawn')),
    reason_enc     TEXT NOT NULL DEFAULT '',
    requested_by   TEXT NOT NULL,
    requested_at   {{timestamp}} NOT NULL,
    decided_by     TEXT NOT NULL DEFAULT '',
    decided_at     {{timestamp}}
);
CREATE INDEX case_transfers_to ON case_transfers (to_region_id, status);
CREATE INDEX case_transfers_case ON case_transfers (case_id, requested_at);
