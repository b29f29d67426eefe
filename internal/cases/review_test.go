package cases_test

import (
	"slices"
	"testing"

	"github.com/baken-nl/baken/internal/cases"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/store"
)

// WithdrawTransfer with the id of another case's transfer: not found, and
// nothing of that transfer (its sealed reason above all) comes back — it is
// not even opened, since the caller may write this case, not that one.
func TestWithdrawOtherCasesTransfer(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		mine := f.openAs(t, f.coord, "labour")
		theirs := f.openAs(t, f.coord2, "labour")
		const secret = "Cliënt Mirela verhuist naar haar zus in Maastricht"
		tr, err := f.svc.RequestTransfer(f.ctx, f.coord2, theirs.ID, f.zuid.ID, secret)
		if err != nil {
			t.Fatal(err)
		}
		before := f.snapshot(t)
		got, err := f.svc.WithdrawTransfer(f.ctx, f.coord, mine.ID, tr.ID)
		wantCode(t, err, errs.NotFound)
		if got.Reason != "" || got.ID != "" || got.CaseID != "" {
			t.Errorf("another case's transfer came back: %+v", got)
		}
		f.unchanged(t, before, "withdrawing another case's transfer")
		list, err := f.svc.ListTransfers(f.ctx, f.coord2, theirs.ID)
		if err != nil || len(list) != 1 || list[0].Status != cases.TransferPending {
			t.Errorf("their transfer: %+v, %v", list, err)
		}
	})
}

// The timeline's "before" beyond the seq column's range (a 32-bit integer
// that PostgreSQL will not compare with 2^40) is the newest page, not a
// database error.
func TestEventsBeforeOutOfRange(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.openAs(t, f.coord, "labour")
		for _, before := range []int{1 << 31, 1 << 40} {
			page, err := f.svc.Events(f.ctx, f.coord, c.ID, before, 10)
			if err != nil || len(page.Items) == 0 {
				t.Errorf("before %d: %+v, %v", before, page, err)
			}
			pg, err := f.svc.Page(f.ctx, f.coord, c.ID, 10, before)
			if err != nil || len(pg.Events.Items) == 0 {
				t.Errorf("page before %d: %+v, %v", before, pg.Events, err)
			}
		}
	})
}

// The form filter matches the catalogue id literally: the "_" of
// organ_removal is no LIKE wildcard.
func TestListFormFilterIsLiteral(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		real := f.openAs(t, f.coord, "organ_removal")
		odd := f.openAs(t, f.coord, "labour")
		// A row whose forms only look like the id to an unescaped LIKE.
		if err := f.db.Tx(f.ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(f.ctx, `UPDATE cases SET forms = ? WHERE id = ?`, `["organXremoval"]`, odd.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		page, err := f.svc.List(f.ctx, f.coord, cases.Filter{Form: "organ_removal"})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, it := range page.Items {
			ids = append(ids, it.ID)
		}
		if !slices.Equal(ids, []string{real.ID}) {
			t.Errorf("form organ_removal lists %v, want only %s", ids, real.ID)
		}
	})
}

// A case closed while its transfer was pending is not handed to the other
// region. Closing withdraws the transfer (TestClosingWithdrawsPendingTransfer);
// should a closed case still have a pending transfer (data from before that
// rule, or a change outside the service), accepting it is a conflict
// (nothing changes, the receiving region still cannot read the case) and
// declining still works.
func TestAcceptTransferOfClosedCase(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.openAs(t, f.coord, "labour")
		tr, err := f.svc.RequestTransfer(f.ctx, f.coord, c.ID, f.zuid.ID, "Cliënt verhuist")
		if err != nil {
			t.Fatal(err)
		}
		if err := f.db.Tx(f.ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(f.ctx, `UPDATE cases SET phase = 'closed', closing_reason = ?, closed_at = ?, version = version + 1 WHERE id = ?`,
				catalog.Casework.ClosingReasons[0].ID, tx.Now, c.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		closed, err := f.svc.Get(f.ctx, f.coord, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		before := f.snapshot(t)
		_, err = f.svc.AcceptTransfer(f.ctx, f.coordZuid, tr.ID)
		if e := errs.As(err); e == nil || e.Code != errs.Conflict || e.Key != cases.KeyTransferClosed {
			t.Fatalf("accept a closed case's transfer: %v", err)
		}
		f.unchanged(t, before, "accepting a closed case")
		_, err = f.svc.Get(f.ctx, f.coordZuid, c.ID)
		wantCode(t, err, errs.NotFound)
		if got, err := f.svc.Get(f.ctx, f.coord, c.ID); err != nil || got.RegionID != f.noord.ID || got.Version != closed.Version {
			t.Errorf("after the refused accept: %+v, %v", got, err)
		}
		if d, err := f.svc.DeclineTransfer(f.ctx, f.coordZuid, tr.ID, ""); err != nil || d.Status != cases.TransferDeclined {
			t.Errorf("decline: %+v, %v", d, err)
		}
	})
}
