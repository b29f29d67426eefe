package signal

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/store"
)

// The inbox's "would change" mark (issue 11) must stay cheap with a hundred
// thousand stored signals, so it is not computed when the inbox is shown.
// Every open signal carries a preview: the outcome the current ruleset and
// content would give it (preview_outcome), the key of that ruleset and
// content version (preview_key) and whether it differs from the stored
// outcome (would_change). Create writes it (the stored outcome: a new
// signal is assessed with the current ruleset), Reassess writes it (the
// kept outcome), and RefreshPreviews recomputes it in batches when Baken
// starts with a new ruleset or content version. The inbox then counts with
// one indexed query (signals_region_would_change) and the list filters on
// the same columns; a preview whose key is not the current one never counts.
// Closed and converted signals get no preview: they are in no inbox, and a
// final status never opens again.

// DefaultRefreshBatch is the number of signals RefreshPreviews computes per
// transaction: short transactions, so requests are served in between.
const DefaultRefreshBatch = 500

// openStatuses is the SQL list of the statuses of an open signal.
const openStatuses = `('new', 'in_progress', 'more_info_requested')`

// RefreshPreviews computes the would-change preview of every open signal
// whose preview was made with another ruleset or content version than the
// current ones, batch signals per transaction (DefaultRefreshBatch when 0),
// and returns how many it computed. Each preview is derived as Compare
// derives the current assessment (the same currentInput and engine) from
// the signal's stored ticks, date observed and persons' ages; it reads no
// sealed field and shows nothing to anyone, so it writes no processing-log
// record (as listing does not). It is idempotent and safe to run from
// several processes at once: a signal whose preview is current is skipped.
func (s *Service) RefreshPreviews(ctx context.Context, batch int) (int, error) {
	if batch <= 0 {
		batch = DefaultRefreshBatch
	}
	key := s.currentKey()
	var after cursorKey
	total := 0
	for {
		var n int
		var last cursorKey
		err := s.db.Tx(ctx, func(tx *store.Tx) error {
			var err error
			n, last, err = s.refreshBatch(ctx, tx, key, after, batch)
			return err
		})
		if err != nil {
			return total, errs.Wrap(err, "refresh signal previews")
		}
		total += n
		if last.id == "" {
			return total, nil
		}
		after = last
	}
}

// cursorKey is where a refresh batch ends: the received time and id of the
// last signal it looked at.
type cursorKey struct {
	at time.Time
	id string
}

// previewRow is what a preview is derived from.
type previewRow struct {
	id, observedOn, ruleset, contentVersion, outcome string
	obs                                              observations
	acuteDanger                                      bool
	forms                                            []string
	persons                                          []Person
}

// refreshBatch looks at the next batch open signals after the cursor (in
// the order received: one walk of the partial index signals_open_created
// over the whole refresh, which reads the open signals only and close to
// the order they are stored in) and computes the previews of those with a
// stale key. It returns how many it computed and the last signal looked at
// (a zero cursor at the end).
func (s *Service) refreshBatch(ctx context.Context, tx *store.Tx, key string, after cursorKey, batch int) (int, cursorKey, error) {
	cond, args := "", []any{}
	if after.id != "" {
		cond, args = " AND (created_at, id) > (?, ?)", []any{after.at, after.id}
	}
	rows, err := tx.Query(ctx, `SELECT id, created_at, preview_key, observed_on, observations, acute_danger, ruleset,
		content_version, outcome FROM signals WHERE status IN `+openStatuses+cond+` ORDER BY created_at, id LIMIT ?`,
		append(args, batch)...)
	if err != nil {
		return 0, cursorKey{}, err
	}
	var list []*previewRow
	byID := map[string]*previewRow{}
	seen, last := 0, cursorKey{}
	for rows.Next() {
		r := &previewRow{}
		var obs, pk string
		var at store.Time
		if err := rows.Scan(&r.id, &at, &pk, &r.observedOn, &obs, &r.acuteDanger, &r.ruleset, &r.contentVersion, &r.outcome); err != nil {
			rows.Close()
			return 0, cursorKey{}, err
		}
		seen, last = seen+1, cursorKey{at: at.Time, id: r.id}
		if pk == key {
			continue
		}
		if err := json.Unmarshal([]byte(obs), &r.obs); err != nil {
			rows.Close()
			return 0, cursorKey{}, fmt.Errorf("signal %s observations: %w", r.id, err)
		}
		list = append(list, r)
		byID[r.id] = r
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, cursorKey{}, err
	}
	if seen < batch {
		last = cursorKey{} // no more open signals
	}
	if len(list) == 0 {
		return 0, last, nil
	}
	args = make([]any, len(list))
	for i, r := range list {
		args[i] = r.id
	}
	in := store.Placeholders(len(args))
	if err := scanEach(ctx, tx, `SELECT signal_id, form FROM signal_forms WHERE signal_id IN (`+in+`) ORDER BY signal_id, form`, args,
		func(rows *sql.Rows) error {
			var id, form string
			if err := rows.Scan(&id, &form); err != nil {
				return err
			}
			byID[id].forms = append(byID[id].forms, form)
			return nil
		}); err != nil {
		return 0, cursorKey{}, err
	}
	if err := scanEach(ctx, tx, `SELECT signal_id, birth_year, age_band FROM signal_persons WHERE signal_id IN (`+in+`)
		ORDER BY signal_id, position`, args, func(rows *sql.Rows) error {
		var id string
		var p Person
		var by sql.NullInt64
		if err := rows.Scan(&id, &by, &p.AgeBand); err != nil {
			return err
		}
		if by.Valid {
			y := int(by.Int64)
			p.BirthYear = &y
		}
		byID[id].persons = append(byID[id].persons, p)
		return nil
	}); err != nil {
		return 0, cursorKey{}, err
	}
	for _, r := range list {
		outcome := r.outcome
		// Assessed with the current ruleset and content: the same result.
		if previewKey(r.ruleset, r.contentVersion) != key {
			sig := Signal{ID: r.id, ObservedOn: r.observedOn, Forms: r.forms, Signals: r.obs.Signals,
				Indicators: r.obs.Indicators, Acts: r.obs.Acts, Smuggling: r.obs.Smuggling, AcuteDanger: r.acuteDanger,
				PossiblyMinor: r.obs.PossiblyMinor, Persons: r.persons}
			o, err := s.previewOutcome(&sig, tx.Now)
			if err != nil {
				return 0, cursorKey{}, err
			}
			outcome = o
		}
		// A signal kept or refreshed meanwhile has the current key already;
		// one closed meanwhile is not marked.
		if _, err := tx.Exec(ctx, `UPDATE signals SET preview_key = ?, preview_outcome = ?, would_change = ?
			WHERE id = ? AND preview_key <> ? AND status IN `+openStatuses, key, outcome, outcome != r.outcome, r.id, key); err != nil {
			return 0, cursorKey{}, err
		}
	}
	return len(list), last, nil
}

// previewOutcome is the outcome the current ruleset and content give sig:
// the current assessment of Compare, without the texts that go with it.
func (s *Service) previewOutcome(sig *Signal, now time.Time) (string, error) {
	ain, _ := s.currentInput(storedIntake(sig), now)
	res, err := s.engine.Assess(ain, AssessmentLang)
	if err != nil {
		return "", fmt.Errorf("preview signal %s: %w", sig.ID, err)
	}
	return string(res.Outcome), nil
}

func scanEach(ctx context.Context, tx *store.Tx, q string, args []any, fn func(*sql.Rows) error) error {
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
