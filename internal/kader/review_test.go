package kader_test

import (
	"sync"
	"testing"

	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/kader"
	"github.com/baken-nl/baken/internal/store"
)

// A version beyond the column's range is a stale edit (409 with the current
// action), not a database error: PostgreSQL refuses to compare an INTEGER
// column with 2^40, so the version is compared before the UPDATE.
func TestUpdateActionHugeVersionIsConflict(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		a, err := f.svc.CreateAction(f.ctx, f.beleidA, "", kader.ActionInput{Title: "Training frontlinie"})
		if err != nil {
			t.Fatal(err)
		}
		in := kader.ActionInput{Title: "Training frontlinie", Status: kader.InProgress}
		for _, v := range []int{1 << 40, 1 << 31, -1} {
			cur, err := f.svc.UpdateAction(f.ctx, f.beleidA, a.ID, v, in)
			wantCode(t, err, errs.Conflict)
			if cur.ID != a.ID || cur.Version != a.Version || cur.Status != kader.Planned {
				t.Errorf("version %d: current = %+v", v, cur)
			}
		}
	})
}

// Concurrent first saves of a block the round has no row for (a block the
// content added after the round started: version 0) — exactly one wins,
// every other one gets the conflict with the winner's item, none fails.
func TestConcurrentFirstSaveOfNewBlock(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		r, err := f.svc.StartRound(f.ctx, f.beleidA, "", 2026)
		if err != nil {
			t.Fatal(err)
		}
		for _, block := range plateau1() {
			// As if the content added this block after the round started.
			if err := f.db.Tx(f.ctx, func(tx *store.Tx) error {
				_, err := tx.Exec(f.ctx, `DELETE FROM self_assessment_items WHERE assessment_id = ? AND block_id = ?`, r.ID, block)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			const n = 4
			var wg, ready sync.WaitGroup
			start := make(chan struct{})
			errsOf := make([]error, n)
			items := make([]kader.Item, n)
			for i := range n {
				wg.Add(1)
				ready.Add(1)
				go func() {
					defer wg.Done()
					ready.Done()
					<-start
					items[i], errsOf[i] = f.svc.UpdateItem(f.ctx, f.beleidA, r.ID, block, 0, kader.ItemInput{Status: kader.Complete})
				}()
			}
			ready.Wait()
			close(start)
			wg.Wait()
			won := 0
			for i, err := range errsOf {
				switch errs.CodeOf(err) {
				case "":
					won++
				case errs.Conflict:
					if items[i].Version != 1 || items[i].BlockID != block {
						t.Errorf("%s: conflict %d shows %+v, want the winner's item", block, i, items[i])
					}
				default:
					t.Errorf("%s: save %d: %v", block, i, err)
				}
			}
			if won != 1 {
				t.Errorf("%s: %d saves won, want 1", block, won)
			}
		}
	})
}
