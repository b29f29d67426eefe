package cases_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/cases"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
)

func TestDashboard(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		empty, err := f.svc.Dashboard(f.ctx, f.coord)
		if err != nil {
			t.Fatal(err)
		}
		if len(empty.Phases) != 4 || empty.OverdueTasks != 0 || len(empty.Overdue) != 0 || len(empty.Reflections) != 0 ||
			len(empty.Shelters) != 1 || empty.IncomingTransfers != 0 {
			t.Errorf("empty dashboard = %+v", empty)
		}
		// Three open cases (one in intake), one closed, one of a colleague.
		c1, c2, c3 := f.open(t), f.open(t), f.open(t)
		if _, err := f.svc.Transition(f.ctx, f.coord, c2.ID, c2.Version, cases.TransitionInput{To: cases.PhaseIntake}); err != nil {
			t.Fatal(err)
		}
		closed := f.open(t)
		if _, err := f.svc.Transition(f.ctx, f.coord, closed.ID, closed.Version, cases.TransitionInput{To: cases.PhaseClosed, Reason: "duplicate"}); err != nil {
			t.Fatal(err)
		}
		f.openAs(t, f.coord2)
		// Reflection periods: c1 (Dublin, 30 days from 2026-02-15: ends 2026-03-16, within 14 days), c3 (3 months: not).
		if _, err := f.svc.SetReflection(f.ctx, f.coord, c1.ID, c1.Version, "2026-02-15", true); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SetReflection(f.ctx, f.coord, c3.ID, c3.Version, "2026-03-01", false); err != nil {
			t.Fatal(err)
		}
		for i, due := range []string{"2026-03-03", "2026-03-04", "2026-03-04", "2026-03-05", "2026-03-05", "2026-03-05", "2026-03-30"} {
			c := []cases.Case{c1, c2, c3}[i%3]
			if _, err := f.svc.AddTask(f.ctx, f.coord, c.ID, cases.TaskInput{Title: "Bel Mirela terug", DueOn: due}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.svc.SetCapacity(f.ctx, f.coord, f.shelter.ID, 6, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AddPlacement(f.ctx, f.coord, c2.ID, cases.PlacementInput{ShelterOrgID: f.shelter.ID, ShelterType: "omm", FromOn: "2026-03-01"}); err != nil {
			t.Fatal(err)
		}
		zuidCase := f.openAs(t, f.coordZuid)
		if _, err := f.svc.RequestTransfer(f.ctx, f.coordZuid, zuidCase.ID, f.noord.ID, "Cliënt verhuist naar Groningen"); err != nil {
			t.Fatal(err)
		}
		f.clk.Advance(4 * 24 * time.Hour) // 2026-03-06

		logged := f.count(t, "processing_log", "")
		d, err := f.svc.Dashboard(f.ctx, f.coord)
		if err != nil {
			t.Fatal(err)
		}
		if n := f.count(t, "processing_log", ""); n != logged {
			t.Errorf("the dashboard wrote %d log records", n-logged)
		}
		want := map[cases.Phase]int{cases.PhaseRegistration: 2, cases.PhaseIntake: 1, cases.PhaseSupport: 0, cases.PhaseAftercare: 0}
		for i, p := range d.Phases {
			if p.Phase != cases.Phases[i] || p.Count != want[p.Phase] {
				t.Errorf("phase %d = %+v, want %d", i, p, want[p.Phase])
			}
		}
		if d.OverdueTasks != 6 || len(d.Overdue) != cases.DashboardTasks || d.Overdue[0].DueOn != "2026-03-03" ||
			d.Overdue[0].Reference != c1.Reference || d.Overdue[0].DaysLeft != -3 {
			t.Errorf("overdue = %d %+v", d.OverdueTasks, d.Overdue)
		}
		if len(d.Reflections) != 1 || d.Reflections[0].CaseID != c1.ID || d.Reflections[0].End != "2026-03-16" || d.Reflections[0].DaysLeft != 10 {
			t.Errorf("reflections = %+v", d.Reflections)
		}
		if len(d.Shelters) != 1 || d.Shelters[0].Places != 6 || d.Shelters[0].Occupied != 1 || d.Shelters[0].Free != 5 {
			t.Errorf("shelters = %+v", d.Shelters)
		}
		if d.IncomingTransfers != 1 {
			t.Errorf("incoming transfers = %d", d.IncomingTransfers)
		}
		b, _ := json.Marshal(d)
		for _, secret := range []string{"Mirela", "Bel ", clientInput().BSN, clientInput().BirthDate, "Groningen"} {
			if strings.Contains(string(b), secret) {
				t.Errorf("dashboard contains %q: %s", secret, b)
			}
		}
		// A colleague sees their own; Zuid sees Zuid's.
		d2, err := f.svc.Dashboard(f.ctx, f.coord2)
		if err != nil || d2.Phases[0].Count != 1 || d2.OverdueTasks != 0 || len(d2.Reflections) != 0 || d2.IncomingTransfers != 1 {
			t.Errorf("colleague's dashboard = %+v %v", d2, err)
		}
		dz, err := f.svc.Dashboard(f.ctx, f.coordZuid)
		if err != nil || dz.Phases[0].Count != 1 || len(dz.Shelters) != 0 || dz.IncomingTransfers != 0 {
			t.Errorf("Zuid's dashboard = %+v %v", dz, err)
		}
		for _, a := range []policy.Subject{f.sig, f.partnerUser, f.beheerder, f.analist} {
			_, err := f.svc.Dashboard(f.ctx, a)
			wantCode(t, err, errs.Forbidden)
		}
		_, err = f.svc.Dashboard(f.ctx, policy.Subject{})
		wantCode(t, err, errs.Unauthenticated)
	})
}
