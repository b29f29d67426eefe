-- Foundation: organisations, users and roles, sessions, API tokens, login
-- throttling and the processing log (Logboek dataverwerkingen).
-- Ids are text (random, generated in Go); times are UTC with microseconds.

CREATE TABLE organisations (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('municipality', 'region', 'partner', 'national')),
    name          TEXT NOT NULL,
    region_id     TEXT REFERENCES organisations (id),
    partner_type  TEXT NOT NULL DEFAULT '',
    contact_email TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    created_at    {{timestamp}} NOT NULL,
    updated_at    {{timestamp}} NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    CHECK (kind <> 'municipality' OR region_id IS NOT NULL),
    CHECK (kind <> 'region' OR region_id IS NULL)
);
CREATE UNIQUE INDEX organisations_kind_name ON organisations (kind, name);
CREATE INDEX organisations_region ON organisations (region_id);

CREATE TABLE users (
    id               TEXT PRIMARY KEY,
    email            TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    phone            TEXT NOT NULL DEFAULT '',
    organisation_id  TEXT NOT NULL REFERENCES organisations (id),
    password_hash    TEXT NOT NULL,
    locale           TEXT NOT NULL DEFAULT 'nl' CHECK (locale IN ('nl', 'en')),
    disabled_at      {{timestamp}},
    password_changed_at {{timestamp}} NOT NULL,
    created_at       {{timestamp}} NOT NULL,
    updated_at       {{timestamp}} NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX users_organisation ON users (organisation_id);

CREATE TABLE user_roles (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    TEXT NOT NULL CHECK (role IN ('beheerder', 'beleidsmedewerker', 'signaleerder',
                'zorgcoordinator', 'ketenpartner', 'analist', 'privacyfunctionaris')),
    PRIMARY KEY (user_id, role)
);

CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    secret_hash  TEXT NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   {{timestamp}} NOT NULL,
    last_seen_at {{timestamp}} NOT NULL,
    expires_at   {{timestamp}} NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   {{timestamp}} NOT NULL,
    last_used_at {{timestamp}},
    revoked_at   {{timestamp}}
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Failed logins per account key (a keyed hash of the lower-cased e-mail
-- address, so unknown addresses are throttled exactly like known ones).
CREATE TABLE login_throttle (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start {{timestamp}} NOT NULL,
    locked_until {{timestamp}}
);

-- The processing log: append-only, hash-chained. seq is assigned from
-- audit_head inside the writing transaction, which serialises writers.
CREATE TABLE processing_log (
    seq              {{bigint}} PRIMARY KEY,
    id               TEXT NOT NULL UNIQUE,
    occurred_at      {{timestamp}} NOT NULL,
    actor_id         TEXT NOT NULL DEFAULT '',
    actor_org_id     TEXT NOT NULL DEFAULT '',
    action           TEXT NOT NULL,
    object_type      TEXT NOT NULL DEFAULT '',
    object_id        TEXT NOT NULL DEFAULT '',
    activity_id      TEXT NOT NULL DEFAULT '',
    subject_enc      TEXT NOT NULL DEFAULT '',
    subject_index    TEXT NOT NULL DEFAULT '',
    subject_type     TEXT NOT NULL DEFAULT '',
    trace_id         TEXT NOT NULL DEFAULT '',
    span_id          TEXT NOT NULL DEFAULT '',
    parent_span_id   TEXT NOT NULL DEFAULT '',
    outcome          TEXT NOT NULL,
    detail           TEXT NOT NULL DEFAULT '',
    prev_hash        TEXT NOT NULL,
    hash             TEXT NOT NULL
);
CREATE INDEX processing_log_object ON processing_log (object_id);
CREATE INDEX processing_log_actor ON processing_log (actor_id);
CREATE INDEX processing_log_time ON processing_log (occurred_at);
CREATE INDEX processing_log_subject ON processing_log (subject_index);

CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  {{bigint}} NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');
