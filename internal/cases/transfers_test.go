package cases_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/cases"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
)

func (f *fixture) cwUser(t *testing.T, email, orgID string, roles ...policy.Role) policy.Subject {
	t.Helper()
	u, err := f.orgs.CreateUser(f.ctx, org.System, org.UserInput{Email: email, Name: "Extra " + email, OrganisationID: orgID,
		Roles: roles, Password: "correct horse battery staple"})
	if err != nil {
		t.Fatalf("create user: %v", err)
	}
	return u.Subject()
}

func TestTransfers(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.open(t)
		task, err := f.svc.AddTask(f.ctx, f.coord, c.ID, cases.TaskInput{Title: "Overdracht voorbereiden", DueOn: "2026-03-20"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.BreakGlass(f.ctx, f.coord2, c.ID, "Collega op vakantie, cliënt belt"); err != nil {
			t.Fatal(err)
		}
		before := f.snapshot(t)
		for _, tc := range []struct {
			name, to, reason string
			want             []string
		}{
			{"empty", "", " ", []string{"reason:" + cases.KeyRequired, "toRegionId:" + cases.KeyRequired}},
			{"same region", f.noord.ID, "verhuist", []string{"toRegionId:" + cases.KeyTransferSameRegion}},
			{"a municipality", f.maastricht.ID, "verhuist", []string{"toRegionId:" + cases.KeyRegionInvalid}},
		} {
			_, err := f.svc.RequestTransfer(f.ctx, f.coord, c.ID, tc.to, tc.reason)
			if got := fields(err); !slices.Equal(got, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			}
		}
		f.unchanged(t, before, "invalid transfers")
		coord3 := f.cwUser(t, "coord3@baken.test", f.noord.ID, policy.Zorgcoordinator)
		f.cwDenied(t, "request transfer", func(a policy.Subject) error {
			if a.UserID == f.coord2.UserID {
				a = coord3 // coord2 holds a grant: an unassigned colleague without one
			}
			_, err := f.svc.RequestTransfer(f.ctx, a, c.ID, f.zuid.ID, "verhuist")
			return err
		})

		const reason = "Cliënt verhuist naar haar zus in Maastricht"
		tr, err := f.svc.RequestTransfer(f.ctx, f.coord, c.ID, f.zuid.ID, reason)
		if err != nil {
			t.Fatal(err)
		}
		if tr.Status != cases.TransferPending || tr.FromRegionName != "Noord" || tr.ToRegionName != "Zuid" || tr.Reason != reason {
			t.Errorf("transfer = %+v", tr)
		}
		if ev := f.cwEvent(t, c.ID); ev.Kind != cases.KindTransferAsked || ev.Body != reason || ev.Detail["to"] != f.zuid.ID {
			t.Errorf("event = %+v", ev)
		}
		_, err = f.svc.RequestTransfer(f.ctx, f.coord, c.ID, f.zuid.ID, "nog een keer")
		if wantCode(t, err, errs.Conflict); errs.As(err).Key != cases.KeyTransferPending {
			t.Errorf("second pending transfer: %v", err)
		}

		// The receiving region sees the request, no client data.
		logged := f.count(t, "processing_log", "")
		in, err := f.svc.IncomingTransfers(f.ctx, f.coordZuid)
		if err != nil || len(in) != 1 || in[0].ID != tr.ID || in[0].Reference != c.Reference || in[0].FromRegionName != "Noord" ||
			!slices.Equal(in[0].Forms, []string{"criminal"}) {
			t.Fatalf("incoming = %+v %v", in, err)
		}
		if n := f.count(t, "processing_log", ""); n != logged {
			t.Errorf("incoming transfers wrote %d log records", n-logged)
		}
		if in, err := f.svc.IncomingTransfers(f.ctx, f.coord); err != nil || len(in) != 0 {
			t.Errorf("sending region's incoming = %+v %v", in, err)
		}
		_, err = f.svc.IncomingTransfers(f.ctx, f.sig)
		wantCode(t, err, errs.Forbidden)
		wantCode(t, get(f, f.coordZuid, c.ID), errs.NotFound) // not before accepting
		for _, a := range []policy.Subject{f.coord, f.coord2, f.sig, f.partnerUser, f.coordNational} {
			_, err := f.svc.AcceptTransfer(f.ctx, a, tr.ID)
			wantCode(t, err, errs.NotFound)
			_, err = f.svc.DeclineTransfer(f.ctx, a, tr.ID, "")
			wantCode(t, err, errs.NotFound)
		}
		_, err = f.svc.WithdrawTransfer(f.ctx, f.coordZuid, c.ID, tr.ID)
		wantCode(t, err, errs.NotFound)

		// Withdrawn by the sender: no longer to decide.
		w, err := f.svc.WithdrawTransfer(f.ctx, f.coord, c.ID, tr.ID)
		if err != nil || w.Status != cases.TransferWithdrawn {
			t.Fatalf("withdraw = %+v %v", w, err)
		}
		if ev := f.cwEvent(t, c.ID); ev.Kind != cases.KindTransferWithdrawn {
			t.Errorf("event = %+v", ev)
		}
		_, err = f.svc.AcceptTransfer(f.ctx, f.coordZuid, tr.ID)
		if wantCode(t, err, errs.Conflict); errs.As(err).Key != cases.KeyTransferNotPending {
			t.Errorf("accept withdrawn: %v", err)
		}
		got, err := f.svc.WithdrawTransfer(f.ctx, f.coord, c.ID, tr.ID)
		if wantCode(t, err, errs.Conflict); got.Status != cases.TransferWithdrawn {
			t.Errorf("withdraw twice: %+v %v", got, err)
		}

		// Declined.
		f.clk.Advance(time.Minute)
		tr2, err := f.svc.RequestTransfer(f.ctx, f.coord, c.ID, f.zuid.ID, reason)
		if err != nil {
			t.Fatal(err)
		}
		d, err := f.svc.DeclineTransfer(f.ctx, f.coordZuid, tr2.ID, "Geen plek in de opvang van Zuid")
		if err != nil || d.Status != cases.TransferDeclined || d.DecidedBy != f.coordZuid.UserID {
			t.Fatalf("decline = %+v %v", d, err)
		}
		if ev := f.cwEvent(t, c.ID); ev.Kind != cases.KindTransferDeclined || ev.Body != "Geen plek in de opvang van Zuid" ||
			ev.AuthorID != f.coordZuid.UserID {
			t.Errorf("event = %+v", ev)
		}
		wantCode(t, get(f, f.coordZuid, c.ID), errs.NotFound)

		// Accepted: the case moves, the coordinators change, grants end.
		f.clk.Advance(time.Minute)
		tr3, err := f.svc.RequestTransfer(f.ctx, f.coord, c.ID, f.zuid.ID, reason)
		if err != nil {
			t.Fatal(err)
		}
		cur, err := f.svc.Get(f.ctx, f.coord, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		a, err := f.svc.AcceptTransfer(f.ctx, f.coordZuid, tr3.ID)
		if err != nil || a.Status != cases.TransferAccepted || a.Reason != "" {
			t.Fatalf("accept = %+v %v", a, err)
		}
		moved, err := f.svc.Get(f.ctx, f.coordZuid, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if moved.RegionID != f.zuid.ID || len(moved.Coordinators) != 1 || moved.Coordinators[0].UserID != f.coordZuid.UserID ||
			len(moved.Grants) != 0 || moved.Version != cur.Version+1 || moved.Client.Name != clientInput().Name {
			t.Errorf("moved case = %+v", moved)
		}
		for _, a := range []policy.Subject{f.coord, f.coord2} {
			wantCode(t, get(f, a, c.ID), errs.NotFound)
		}
		tasks, err := f.svc.ListTasks(f.ctx, f.coordZuid, c.ID)
		if err != nil || len(tasks) != 1 || tasks[0].ID != task.ID || tasks[0].OwnerID != f.coordZuid.UserID {
			t.Errorf("tasks after transfer = %+v %v", tasks, err)
		}
		page, err := f.svc.Events(f.ctx, f.coordZuid, c.ID, 0, 1)
		if err != nil || page.Items[0].Kind != cases.KindTransferAccepted || page.Items[0].Detail["from"] != f.noord.ID {
			t.Errorf("accepted event = %+v %v", page.Items, err)
		}
		list, err := f.svc.ListTransfers(f.ctx, f.coordZuid, c.ID)
		if err != nil || len(list) != 3 || list[0].ID != tr3.ID || list[0].Reason != reason || list[2].Status != cases.TransferWithdrawn {
			t.Errorf("transfers = %+v %v", list, err)
		}
		if in, _ := f.svc.IncomingTransfers(f.ctx, f.coordZuid); len(in) != 0 {
			t.Errorf("incoming after accept = %+v", in)
		}
		var actions []string
		for _, r := range f.caseLog(t, c.ID) {
			if r.Action == "case.transfer" {
				actions = append(actions, r.ActorID+" "+r.Detail)
			}
		}
		want := []string{f.coord.UserID + " request", f.coord.UserID + " withdraw", f.coord.UserID + " request",
			f.coordZuid.UserID + " decline", f.coord.UserID + " request", f.coordZuid.UserID + " accept"}
		if !slices.Equal(actions, want) {
			t.Errorf("transfer log = %v, want %v", actions, want)
		}

		// A closed case is not transferred.
		closed := f.open(t)
		if closed, err = f.svc.Transition(f.ctx, f.coord, closed.ID, closed.Version, cases.TransitionInput{To: cases.PhaseClosed, Reason: "duplicate"}); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.RequestTransfer(f.ctx, f.coord, closed.ID, f.zuid.ID, reason)
		if wantCode(t, err, errs.Conflict); errs.As(err).Key != cases.KeyTransferClosed {
			t.Errorf("closed case: %v", err)
		}
	})
}

func TestAcceptTransferConcurrently(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		zuid2 := f.cwUser(t, "zuid2@baken.test", f.zuid.ID, policy.Zorgcoordinator)
		c := f.open(t)
		tr, err := f.svc.RequestTransfer(f.ctx, f.coord, c.ID, f.zuid.ID, "verhuist")
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		res := make([]error, 2)
		for i, a := range []policy.Subject{f.coordZuid, zuid2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if i == 0 {
					_, res[i] = f.svc.AcceptTransfer(f.ctx, a, tr.ID)
				} else {
					_, res[i] = f.svc.DeclineTransfer(f.ctx, a, tr.ID, "")
				}
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range res {
			switch errs.CodeOf(err) {
			case "":
				ok++
			case errs.Conflict:
			default:
				t.Errorf("unexpected: %v", err)
			}
		}
		if ok != 1 || f.count(t, "case_transfers", "status = 'pending'") != 0 ||
			f.count(t, "case_events", "case_id = ? AND kind IN (?, ?)", c.ID, cases.KindTransferAccepted, cases.KindTransferDeclined) != 1 {
			t.Errorf("%d decisions took effect, want 1", ok)
		}
	})
}
