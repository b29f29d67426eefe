-- Re-assessment of stored signals, never silent (issue 11). A signal keeps
-- the ruleset and the content version (meta.version) it was assessed with;
-- every assessment kept is one record in signal_assessments, appended and
-- never edited (0010_signal_assessments_append_only): the intake's first,
-- then each re-assessment someone chose to keep. The signal row keeps the
-- current one (the latest kept) in assessment_input, assessment, ruleset,
-- content_version and outcome.

-- The content version of the current assessment; '' for the signals
-- assessed before this migration (not recorded).
ALTER TABLE signals ADD COLUMN content_version TEXT NOT NULL DEFAULT '';

-- The inbox's "would change" preview: the outcome of the open signal under
-- the ruleset and content version named in preview_key ('ruleset|version'),
-- and whether it differs from the stored outcome. Written on create (equal
-- to the stored outcome), on keep, and in batches when Baken starts with a
-- new ruleset or content version (signal.RefreshPreviews); never shown as an
-- assessment, only counted and filtered on. Not a change of the signal: the
-- version and updated_at stay. would_change is only ever true for an open
-- signal: a change to a final status (closed, converted) clears it.
ALTER TABLE signals ADD COLUMN preview_key TEXT NOT NULL DEFAULT '';
ALTER TABLE signals ADD COLUMN preview_outcome TEXT NOT NULL DEFAULT '';
ALTER TABLE signals ADD COLUMN would_change BOOLEAN NOT NULL DEFAULT FALSE;
-- The inbox's count is a range of this index (the region's changing
-- signals under the current key), and the filtered list walks it in order.
CREATE INDEX signals_region_would_change ON signals (region_id, would_change, preview_key, created_at, id);
-- The refresh of the previews walks the open signals only, in the order
-- they were received (close to the order they are stored in), without a sort.
CREATE INDEX signals_open_created ON signals (created_at, id) WHERE status IN ('new', 'in_progress', 'more_info_requested');

CREATE TABLE signal_assessments (
    signal_id       TEXT NOT NULL REFERENCES signals (id),
    seq             INTEGER NOT NULL, -- 1: the intake's
    kind            TEXT NOT NULL CHECK (kind IN ('intake', 'reassessment')),
    ruleset         TEXT NOT NULL,
    content_version TEXT NOT NULL DEFAULT '', -- '' when not recorded
    input           TEXT NOT NULL, -- the engine's input (JSON)
    result          TEXT NOT NULL, -- the engine's result, Dutch texts (JSON)
    outcome         TEXT NOT NULL,
    actor_id        TEXT NOT NULL,
    created_at      {{timestamp}} NOT NULL,
    PRIMARY KEY (signal_id, seq)
);

-- Every stored signal's assessment becomes its first record, made by its
-- reporter when it came in, with the content version not recorded.
INSERT INTO signal_assessments (signal_id, seq, kind, ruleset, content_version, input, result, outcome, actor_id, created_at)
SELECT s.id, 1, 'intake', s.ruleset, s.content_version, s.assessment_input, s.assessment, s.outcome, s.reporter_id, s.created_at
FROM signals s WHERE NOT EXISTS (SELECT 1 FROM signal_assessments a WHERE a.signal_id = s.id);

-- A history entry that is a kept re-assessment names its record; a status
-- change has none.
ALTER TABLE signal_events ADD COLUMN assessment_seq INTEGER;
