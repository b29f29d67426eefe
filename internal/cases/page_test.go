package cases_test

import (
	"testing"

	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/cases"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
)

func TestPage(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.open(t)
		if _, err := f.svc.AddTask(f.ctx, f.coord, c.ID, cases.TaskInput{Title: "Huisarts bellen", DueOn: "2026-03-10"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AddPlacement(f.ctx, f.coord, c.ID, cases.PlacementInput{ShelterOrgID: f.shelter.ID, ShelterType: "cosm", FromOn: "2026-03-01"}); err != nil {
			t.Fatal(err)
		}
		before := len(f.records(t, audit.Filter{Limit: 1000}))
		p, err := f.svc.Page(f.ctx, f.coord, c.ID, 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		if p.Case.Client.Name != clientInput().Name || len(p.Tasks) != 1 || len(p.Placements) != 1 ||
			len(p.Support) != len(catalog.Casework.SupportDomains) || len(p.Case.Signals) != 1 || p.Registration.Region != "Noord" {
			t.Errorf("page: client %q, %d tasks, %d placements, %d support domains, registration %+v",
				p.Case.Client.Name, len(p.Tasks), len(p.Placements), len(p.Support), p.Registration)
		}
		if len(p.Events.Items) != 3 || p.Events.Items[0].Kind != cases.KindPlacement {
			t.Errorf("events: %+v", p.Events.Items)
		}
		recs := f.records(t, audit.Filter{Limit: 1000})
		if len(recs) != before+1 {
			t.Fatalf("a page view wrote %d log records, want 1", len(recs)-before)
		}
		if r := recs[0]; r.Action != "case.read" || r.Detail != "page" || r.ObjectID != c.ID {
			t.Errorf("log record %+v", r)
		}
		older, err := f.svc.Page(f.ctx, f.coord, c.ID, 1, p.Events.Items[0].Seq)
		if err != nil || len(older.Events.Items) != 1 || older.Events.Items[0].Seq != p.Events.Items[1].Seq {
			t.Errorf("older events: %+v %v", older.Events, err)
		}
		for _, who := range []struct {
			name string
			err  error
			code errs.Code
		}{
			{"other region", pageErr(f, f.coordZuid, c.ID), errs.NotFound},
			{"reporter", pageErr(f, f.sig, c.ID), errs.NotFound},
			{"partner", pageErr(f, f.partnerUser, c.ID), errs.NotFound},
			{"unassigned colleague", pageErr(f, f.coord2, c.ID), errs.Forbidden},
		} {
			if errs.CodeOf(who.err) != who.code {
				t.Errorf("%s: %v", who.name, who.err)
			}
		}
	})
}

func pageErr(f *fixture, actor policy.Subject, id string) error {
	_, err := f.svc.Page(f.ctx, actor, id, 5, 0)
	return err
}

func TestMayWrite(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.open(t)
		for _, x := range []struct {
			who  policy.Subject
			want errs.Code
		}{{f.coord, ""}, {f.coord2, errs.Forbidden}, {f.coordZuid, errs.NotFound}, {f.sig, errs.NotFound}, {f.partnerUser, errs.NotFound}} {
			if got := errs.CodeOf(f.svc.MayWrite(f.ctx, x.who, c.ID)); got != x.want {
				t.Errorf("%s: %q, want %q", x.who.UserID, got, x.want)
			}
		}
		if got := errs.CodeOf(f.svc.MayWrite(f.ctx, f.coord, "geen-casus")); got != errs.NotFound {
			t.Errorf("unknown case: %q", got)
		}
	})
}

// TestClosingWithdrawsPendingTransfer: a closed case goes to no other
// region; its pending transfer is withdrawn on closing, on the timeline.
func TestClosingWithdrawsPendingTransfer(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.open(t)
		if _, err := f.svc.RequestTransfer(f.ctx, f.coord, c.ID, f.zuid.ID, "Cliënt verhuist naar Maastricht"); err != nil {
			t.Fatal(err)
		}
		if in, err := f.svc.IncomingTransfers(f.ctx, f.coordZuid); err != nil || len(in) != 1 {
			t.Fatalf("incoming before closing: %d, %v", len(in), err)
		}
		cur, err := f.svc.Get(f.ctx, f.coord, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Transition(f.ctx, f.coord, c.ID, cur.Version, cases.TransitionInput{To: cases.PhaseClosed, Reason: "lost_contact"}); err != nil {
			t.Fatal(err)
		}
		if in, err := f.svc.IncomingTransfers(f.ctx, f.coordZuid); err != nil || len(in) != 0 {
			t.Errorf("incoming after closing: %d, %v", len(in), err)
		}
		list, err := f.svc.ListTransfers(f.ctx, f.coord, c.ID)
		if err != nil || len(list) != 1 || list[0].Status != cases.TransferWithdrawn {
			t.Errorf("transfers after closing: %+v, %v", list, err)
		}
		ev, err := f.svc.Events(f.ctx, f.coord, c.ID, 0, 1)
		if err != nil || ev.Items[0].Kind != cases.KindTransferWithdrawn || ev.Items[0].Detail["because"] != "closed" {
			t.Errorf("newest event: %+v, %v", ev.Items, err)
		}
	})
}
