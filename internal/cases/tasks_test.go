package cases_test

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/cases"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
)

// cwDenied checks that fn, run as each of the usual outsiders, is refused:
// not found for the other region's coordinator, the reporter and a partner;
// forbidden for an unassigned colleague of the region (who may break the
// glass). Nothing may be stored by a refused call.
func (f *fixture) cwDenied(t *testing.T, what string, fn func(actor policy.Subject) error) {
	t.Helper()
	before := f.snapshot(t)
	for _, who := range []struct {
		name  string
		actor policy.Subject
		code  errs.Code
	}{
		{"other region", f.coordZuid, errs.NotFound},
		{"reporter", f.sig, errs.NotFound},
		{"partner", f.partnerUser, errs.NotFound},
		{"national coordinator", f.coordNational, errs.NotFound},
		{"unassigned colleague", f.coord2, errs.Forbidden},
		{"anonymous", policy.Subject{}, errs.Unauthenticated},
	} {
		if got := errs.CodeOf(fn(who.actor)); got != who.code {
			t.Errorf("%s as %s: code %q, want %q", what, who.name, got, who.code)
		}
	}
	f.unchanged(t, before, what+" refused")
}

// cwEvent returns the newest timeline event of case id.
func (f *fixture) cwEvent(t *testing.T, id string) cases.Event {
	t.Helper()
	page, err := f.svc.Events(f.ctx, f.coord, id, 0, 1)
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("events: %v %v", page.Items, err)
	}
	return page.Items[0]
}

// cwLastAction returns the action and detail of the newest processing-log
// record of case id.
func (f *fixture) cwLastAction(t *testing.T, id string) string {
	t.Helper()
	recs := f.caseLog(t, id)
	if len(recs) == 0 {
		t.Fatal("no processing-log records")
	}
	r := recs[len(recs)-1]
	return r.Action + " " + r.Detail
}

func TestTasks(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.open(t)
		// Every problem at once, nothing stored.
		before := f.snapshot(t)
		_, err := f.svc.AddTask(f.ctx, f.coord, c.ID, cases.TaskInput{Title: " ", DueOn: "2026-03-01", OwnerID: f.coord2.UserID})
		wantCode(t, err, errs.Invalid)
		if got, want := fields(err), []string{"dueOn:" + cases.KeyTaskDuePast, "ownerId:" + cases.KeyTaskOwnerInvalid,
			"title:" + cases.KeyRequired}; !slices.Equal(got, want) {
			t.Errorf("fields = %v, want %v", got, want)
		}
		_, err = f.svc.AddTask(f.ctx, f.coord, c.ID, cases.TaskInput{Title: strings.Repeat("x", cases.MaxTitle+1), DueOn: "2026-02-30"})
		if got, want := fields(err), []string{"dueOn:" + cases.KeyDateInvalid, "title:" + cases.KeyNameTooLong}; !slices.Equal(got, want) {
			t.Errorf("fields = %v, want %v", got, want)
		}
		f.unchanged(t, before, "invalid task")

		task, err := f.svc.AddTask(f.ctx, f.coord, c.ID, cases.TaskInput{Title: " Huisvesting regelen met De Haven ", DueOn: "2026-03-02"})
		if err != nil {
			t.Fatal(err)
		}
		if task.Title != "Huisvesting regelen met De Haven" || task.OwnerID != f.coord.UserID || task.OwnerName == "" ||
			task.Version != 1 || task.Done || task.Overdue {
			t.Errorf("task = %+v", task)
		}
		if ev := f.cwEvent(t, c.ID); ev.Kind != cases.KindTask || ev.Body != task.Title || ev.Detail["task"] != task.ID ||
			ev.Detail["dueOn"] != "2026-03-02" {
			t.Errorf("event = %+v", ev)
		}
		f.cwDenied(t, "add task", func(a policy.Subject) error {
			_, err := f.svc.AddTask(f.ctx, a, c.ID, cases.TaskInput{Title: "x", DueOn: "2026-03-09"})
			return err
		})
		f.cwDenied(t, "list tasks", func(a policy.Subject) error { _, err := f.svc.ListTasks(f.ctx, a, c.ID); return err })
		f.cwDenied(t, "complete task", func(a policy.Subject) error {
			_, err := f.svc.CompleteTask(f.ctx, a, c.ID, task.ID, 1)
			return err
		})

		// A task of another case is not found through this one.
		other := f.open(t)
		_, err = f.svc.CompleteTask(f.ctx, f.coord, other.ID, task.ID, 1)
		wantCode(t, err, errs.NotFound)

		// Stale: the current task comes back with the conflict.
		got, err := f.svc.CompleteTask(f.ctx, f.coord, c.ID, task.ID, 7)
		if wantCode(t, err, errs.Conflict); errs.As(err).Key != cases.KeyTaskStale || got.Version != 1 || got.Done || got.Title != task.Title {
			t.Errorf("stale complete: %+v %v", got, err)
		}
		done, err := f.svc.CompleteTask(f.ctx, f.coord, c.ID, task.ID, 1)
		if err != nil || !done.Done || done.Version != 2 || done.DoneBy != f.coord.UserID {
			t.Fatalf("complete: %+v %v", done, err)
		}
		_, err = f.svc.CompleteTask(f.ctx, f.coord, c.ID, task.ID, 2)
		if wantCode(t, err, errs.Conflict); errs.As(err).Key != cases.KeyTaskDone {
			t.Errorf("complete twice: %v", err)
		}
		if ev := f.cwEvent(t, c.ID); ev.Kind != cases.KindTaskDone || ev.Detail["task"] != task.ID {
			t.Errorf("event = %+v", ev)
		}

		// Owner: an assigned coordinator.
		if _, err := f.svc.Assign(f.ctx, f.coord, c.ID, c.Version, []string{f.coord.UserID, f.coord2.UserID}); err != nil {
			t.Fatal(err)
		}
		t2, err := f.svc.AddTask(f.ctx, f.coord, c.ID, cases.TaskInput{Title: "Bezoek huisarts", DueOn: "2026-03-10", OwnerID: f.coord2.UserID})
		if err != nil || t2.OwnerID != f.coord2.UserID {
			t.Fatalf("task for a colleague: %+v %v", t2, err)
		}
		list, err := f.svc.ListTasks(f.ctx, f.coord2, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].ID != t2.ID || list[1].ID != task.ID || list[0].Title != "Bezoek huisarts" {
			t.Errorf("list (open first) = %+v", list)
		}
		if got := f.cwLastAction(t, c.ID); got != "case.read tasks" {
			t.Errorf("last log record = %q", got)
		}
	})
}

func TestOpenTasks(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c1, c2 := f.open(t), f.open(t)
		add := func(c cases.Case, due string) cases.Task {
			t.Helper()
			task, err := f.svc.AddTask(f.ctx, f.coord, c.ID, cases.TaskInput{Title: "Bel de cliënt " + due, DueOn: due})
			if err != nil {
				t.Fatal(err)
			}
			return task
		}
		late := add(c1, "2026-03-03")
		add(c2, "2026-03-04")
		soon := add(c2, "2026-03-10")
		add(c1, "2026-06-01") // too far ahead
		doneT := add(c1, "2026-03-02")
		if _, err := f.svc.CompleteTask(f.ctx, f.coord, c1.ID, doneT.ID, 1); err != nil {
			t.Fatal(err)
		}
		f.clk.Advance(3 * 24 * time.Hour) // 2026-03-05
		logged := f.count(t, "processing_log", "")
		o, err := f.svc.OpenTasks(f.ctx, f.coord)
		if err != nil {
			t.Fatal(err)
		}
		if o.OverdueCount != 2 || len(o.Overdue) != 2 || o.Overdue[0].TaskID != late.ID || o.Overdue[0].Reference != c1.Reference ||
			o.Overdue[0].DueOn != "2026-03-03" || o.Overdue[0].DaysLeft != -2 || o.Overdue[1].CaseID != c2.ID {
			t.Errorf("overdue = %d %+v", o.OverdueCount, o.Overdue)
		}
		if len(o.Upcoming) != 1 || o.Upcoming[0].TaskID != soon.ID || o.Upcoming[0].DaysLeft != 5 {
			t.Errorf("upcoming = %+v", o.Upcoming)
		}
		if n := f.count(t, "processing_log", ""); n != logged {
			t.Errorf("the overview (no titles) wrote %d log records", n-logged)
		}
		// Others see none of it; a colleague is not the owner.
		for _, a := range []policy.Subject{f.coord2, f.coordZuid} {
			o, err := f.svc.OpenTasks(f.ctx, a)
			if err != nil || o.OverdueCount != 0 || len(o.Overdue)+len(o.Upcoming) != 0 {
				t.Errorf("open tasks of another coordinator: %+v %v", o, err)
			}
		}
		for _, a := range []policy.Subject{f.sig, f.partnerUser, f.beheerder} {
			_, err := f.svc.OpenTasks(f.ctx, a)
			wantCode(t, err, errs.Forbidden)
		}
		// After a hand-over the former coordinator no longer sees the tasks.
		cur, err := f.svc.Get(f.ctx, f.coord, c2.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Assign(f.ctx, f.coord, c2.ID, cur.Version, []string{f.coord2.UserID}); err != nil {
			t.Fatal(err)
		}
		if o, _ := f.svc.OpenTasks(f.ctx, f.coord); o.OverdueCount != 1 || len(o.Upcoming) != 0 {
			t.Errorf("after hand-over: %+v", o)
		}
	})
}

func TestCompleteTaskConcurrently(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.open(t)
		task, err := f.svc.AddTask(f.ctx, f.coord, c.ID, cases.TaskInput{Title: "Aangifte voorbereiden", DueOn: "2026-03-09"})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errsOf := make([]error, 4)
		for i := range errsOf {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errsOf[i] = f.svc.CompleteTask(f.ctx, f.coord, c.ID, task.ID, 1)
			}()
		}
		wg.Wait()
		ok, conflicts := 0, 0
		for _, err := range errsOf {
			switch errs.CodeOf(err) {
			case "":
				ok++
			case errs.Conflict:
				conflicts++
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		if ok != 1 || conflicts != 3 {
			t.Errorf("%d completed, %d conflicts; want 1 and 3", ok, conflicts)
		}
		if n := f.count(t, "case_events", "case_id = ? AND kind = ?", c.ID, cases.KindTaskDone); n != 1 {
			t.Errorf("%d task_done events", n)
		}
	})
}
