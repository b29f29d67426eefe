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
	after, total := "", 0
	for {
		var n int
		var last string
		err := s.db.Tx(ctx, func(tx *store.Tx) error {
			var err error
			n, last, err = s.refreshBatch(ctx, tx, key, after, batch)
			return err
		})
		if err != nil {
			return total, errs.Wrap(err, "refresh signal previews")
		}
		total += n
		if last == "" {
			return total, nil
		}
		after = last
	}
}

// previewRow is what a preview is derived from.
type previewRow struct {
	id, observedOn, ruleset, contentVersion, outcome string
	obs                                              observations
	acuteDanger                                      bool
	forms                                            []string
	persons                                          []Person
}

// refreshBatch looks at the next batch signals after id after (in id order:
// one walk of the primary key over the whole refresh) and computes the
// previews of the open ones with a stale key. It returns how many it
// computed and the last id looked at ("" at the end of the table).
func (s *Service) refreshBatch(ctx context.Context, tx *store.Tx, key, after string, batch int) (int, string, error) {
	// Only the primary key in the condition: every batch is a short walk of
	// it from where the last one ended, whatever the other indexes are (a
	// condition on status or key let a planner choose another index and
	// sort all open signals for every batch: quadratic in their number).
	rows, err := tx.Query(ctx, `SELECT id, status, preview_key, observed_on, observations, acute_danger, ruleset,
		content_version, outcome FROM signals WHERE id > ? ORDER BY id LIMIT ?`, after, batch)
	if err != nil {
		return 0, "", err
	}
	var list []*previewRow
	byID := map[string]*previewRow{}
	seen, last := 0, ""
	for rows.Next() {
		r := &previewRow{}
		var obs, pk string
		var st Status
		if err := rows.Scan(&r.id, &st, &pk, &r.observedOn, &obs, &r.acuteDanger, &r.ruleset, &r.contentVersion, &r.outcome); err != nil {
			rows.Close()
			return 0, "", err
		}
		seen, last = seen+1, r.id
		if !isOpen(st) || pk == key {
			continue
		}
		if err := json.Unmarshal([]byte(obs), &r.obs); err != nil {
			rows.Close()
			return 0, "", fmt.Errorf("signal %s observations: %w", r.id, err)
		}
		list = append(list, r)
		byID[r.id] = r
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, "", err
	}
	if seen < batch {
		last = "" // the end of the table
	}
	if len(list) == 0 {
		return 0, last, nil
	}
	args := make([]any, len(list))
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
		return 0, "", err
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
		return 0, "", err
	}
	for _, r := range list {
		outcome := r.outcome
		// Assessed with the current ruleset and content: the same result.
		if previewKey(r.ruleset, r.contentVersion) != key {
			sig := Signal{ID: r.id, ObservedOn: r.observedOn, Forms: r.forms, Signals: r.obs.Signals,
				Indicators: r.obs.Indicators, Acts: r.obs.Acts, Smuggling: r.obs.Smuggling, AcuteDanger: r.acuteDanger,
				Persons: r.persons}
			o, err := s.previewOutcome(&sig, tx.Now)
			if err != nil {
				return 0, "", err
			}
			outcome = o
		}
		// A signal kept or refreshed meanwhile has the current key already;
		// one closed meanwhile is not marked.
		if _, err := tx.Exec(ctx, `UPDATE signals SET preview_key = ?, preview_outcome = ?, would_change = ?
			WHERE id = ? AND preview_key <> ? AND status IN `+openStatuses, key, outcome, outcome != r.outcome, r.id, key); err != nil {
			return 0, "", err
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
