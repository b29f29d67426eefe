package cases_test

import (
	"testing"

	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/cases"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
)

// TestBreakGlassIsNotOwnership is the security review's reproduction of F4:
// a coordinator with a break-the-glass grant handed the case over to itself
// (removing the assigned coordinator) and transferred it to another region.
// A grant reads and writes (notes, contacts, care fields) but never hands
// over, transfers or withdraws a transfer; nothing is stored by the refusals.
func TestBreakGlassIsNotOwnership(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.openAs(t, f.coord, "labour")
		if _, err := f.svc.BreakGlass(f.ctx, f.coord2, c.ID, "Cliënt belt met spoed, collega ziek"); err != nil {
			t.Fatal(err)
		}
		read, err := f.svc.Get(f.ctx, f.coord2, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		// What the emergency needs: a note and a contact on the timeline.
		for _, in := range []cases.EventInput{{Kind: cases.KindNote, Body: "Teruggebeld"},
			{Kind: cases.KindContact, ContactKind: catalog.Casework.ContactKinds[0].ID, Body: "Gebeld met de opvang"}} {
			if _, err := f.svc.AddEvent(f.ctx, f.coord2, c.ID, in); err != nil {
				t.Errorf("%s with a grant: %v", in.Kind, err)
			}
		}
		before := f.snapshot(t)
		// Hand over to itself, removing the assigned coordinator; or add itself.
		for _, who := range [][]string{{f.coord2.UserID}, {f.coord.UserID, f.coord2.UserID}} {
			_, err := f.svc.Assign(f.ctx, f.coord2, c.ID, read.Version, who)
			if wantCode(t, err, errs.Forbidden); errs.As(err).Key != cases.KeyAssignGrant {
				t.Errorf("hand-over with a grant: %v", err)
			}
		}
		// Transfer it to another region.
		_, err = f.svc.RequestTransfer(f.ctx, f.coord2, c.ID, f.zuid.ID, "Cliënt verhuist")
		wantCode(t, err, errs.Forbidden)
		f.unchanged(t, before, "hand-over and transfer with a grant")
		// A pending transfer asked by the assigned coordinator is not the
		// grant holder's to withdraw either.
		tr, err := f.svc.RequestTransfer(f.ctx, f.coord, c.ID, f.zuid.ID, "Cliënt verhuist")
		if err != nil {
			t.Fatal(err)
		}
		before = f.snapshot(t)
		_, err = f.svc.WithdrawTransfer(f.ctx, f.coord2, c.ID, tr.ID)
		wantCode(t, err, errs.Forbidden)
		f.unchanged(t, before, "withdraw a transfer with a grant")
		if _, err := f.svc.WithdrawTransfer(f.ctx, f.coord, c.ID, tr.ID); err != nil {
			t.Fatal(err)
		}
		// The assigned coordinator is still assigned and sees the grant.
		got, err := f.svc.Get(f.ctx, f.coord, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Coordinators) != 1 || got.Coordinators[0].UserID != f.coord.UserID ||
			len(got.Grants) != 1 || got.Grants[0].UserID != f.coord2.UserID {
			t.Errorf("after the refused take-over: coordinators %+v grants %+v", got.Coordinators, got.Grants)
		}
		if err := f.svc.MayAssign(f.ctx, f.coord2, c.ID); errs.CodeOf(err) != errs.Forbidden {
			t.Errorf("MayAssign for the grant holder: %v", err)
		}
		if err := f.svc.MayAssign(f.ctx, f.coord, c.ID); err != nil {
			t.Errorf("MayAssign for the assigned coordinator: %v", err)
		}
	})
}

// TestBreakGlassRecordSurvives: after a legitimate hand-over and a
// transfer, the case's current coordinators still find the break-the-glass
// entry on the timeline, and the privacyfunctionaris in the processing log.
func TestBreakGlassRecordSurvives(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.openAs(t, f.coord, "labour")
		const why = "Cliënt belt met spoed, collega ziek"
		if _, err := f.svc.BreakGlass(f.ctx, f.coord2, c.ID, why); err != nil {
			t.Fatal(err)
		}
		sees := func(who policy.Subject, what string) {
			t.Helper()
			var found bool
			for before := 0; ; {
				page, err := f.svc.Events(f.ctx, who, c.ID, before, 50)
				if err != nil {
					t.Fatalf("%s: events: %v", what, err)
				}
				for _, ev := range page.Items {
					found = found || ev.Kind == cases.KindBreakGlass && ev.AuthorID == f.coord2.UserID && ev.Body == why
				}
				if page.Next == 0 {
					break
				}
				before = page.Next
			}
			if !found {
				t.Errorf("%s: the break-the-glass entry is not on the timeline", what)
			}
		}
		// A legitimate hand-over by the assigned coordinator.
		coord3 := f.cwUser(t, "coord3@baken.test", f.noord.ID, policy.Zorgcoordinator)
		cur, err := f.svc.Get(f.ctx, f.coord, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Assign(f.ctx, f.coord, c.ID, cur.Version, []string{coord3.UserID}); err != nil {
			t.Fatal(err)
		}
		sees(coord3, "after the hand-over")
		if got, err := f.svc.Get(f.ctx, coord3, c.ID); err != nil || len(got.Grants) != 1 || got.Grants[0].Reason != why {
			t.Errorf("after the hand-over, grants = %+v %v", got.Grants, err)
		}
		// A legitimate transfer, accepted by Zuid.
		tr, err := f.svc.RequestTransfer(f.ctx, coord3, c.ID, f.zuid.ID, "Cliënt verhuist")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AcceptTransfer(f.ctx, f.coordZuid, tr.ID); err != nil {
			t.Fatal(err)
		}
		sees(f.coordZuid, "after the transfer")
		// The grant ended with the transfer: the holder no longer reads.
		wantCode(t, get(f, f.coord2, c.ID), errs.NotFound)
		// The privacyfunctionaris finds the break in the processing log.
		views, _, err := audit.NewViewer(f.db, f.log).Search(f.ctx, f.privacy, audit.Filter{Limit: 100}, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var bg int
		for _, v := range views {
			if v.Action == "case.break_glass" && v.ActorID == f.coord2.UserID {
				bg++
			}
		}
		if bg != 1 {
			t.Errorf("the privacyfunctionaris finds %d break-the-glass records", bg)
		}
	})
}
