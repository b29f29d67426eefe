package cases_test

import (
	"slices"
	"sync"
	"testing"

	"github.com/baken-nl/baken/internal/cases"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
)

func TestSupportPlan(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.open(t)
		plan, err := f.svc.SupportPlan(f.ctx, f.coord, c.ID)
		if err != nil || len(plan) != len(catalog.Casework.SupportDomains) {
			t.Fatalf("plan = %+v %v", plan, err)
		}
		for i, it := range plan {
			if it.Domain != catalog.Casework.SupportDomains[i].ID || it.Status != "" || it.Version != 0 {
				t.Errorf("unset domain %d = %+v", i, it)
			}
		}
		before := f.snapshot(t)
		_, err = f.svc.SetSupport(f.ctx, f.coord, c.ID, 0, cases.SupportInput{Domain: "pets", Status: "maybe"})
		if got, want := fields(err), []string{"domain:" + cases.KeyOptionUnknown, "status:" + cases.KeyOptionUnknown}; !slices.Equal(got, want) {
			t.Errorf("fields = %v, want %v", got, want)
		}
		_, err = f.svc.SetSupport(f.ctx, f.coord, c.ID, 0, cases.SupportInput{Note: string([]byte{0xff})})
		if got, want := fields(err), []string{"domain:" + cases.KeyRequired, "note:" + cases.KeyTextUTF8,
			"status:" + cases.KeyRequired}; !slices.Equal(got, want) {
			t.Errorf("fields = %v, want %v", got, want)
		}
		f.unchanged(t, before, "invalid support")

		it, err := f.svc.SetSupport(f.ctx, f.coord, c.ID, 0, cases.SupportInput{Domain: "housing", Status: "in_progress",
			Note: "Woningcorporatie Lefier, urgentie aangevraagd"})
		if err != nil || it.Version != 1 || it.Status != "in_progress" || it.UpdatedByName == "" {
			t.Fatalf("set = %+v %v", it, err)
		}
		if ev := f.cwEvent(t, c.ID); ev.Kind != cases.KindSupport || ev.Detail["domain"] != "housing" ||
			ev.Detail["status"] != "in_progress" || ev.Body != it.Note {
			t.Errorf("event = %+v", ev)
		}
		// Version 0 again: someone set it meanwhile.
		got, err := f.svc.SetSupport(f.ctx, f.coord, c.ID, 0, cases.SupportInput{Domain: "housing", Status: "arranged"})
		if wantCode(t, err, errs.Conflict); errs.As(err).Key != cases.KeySupportStale || got.Status != "in_progress" ||
			got.Note != it.Note || got.Version != 1 {
			t.Errorf("stale: %+v %v", got, err)
		}
		if it, err = f.svc.SetSupport(f.ctx, f.coord, c.ID, 1, cases.SupportInput{Domain: "housing", Status: "arranged"}); err != nil || it.Version != 2 || it.Note != "" {
			t.Fatalf("update = %+v %v", it, err)
		}
		if _, err := f.svc.SetSupport(f.ctx, f.coord, c.ID, 0, cases.SupportInput{Domain: "return", Status: "not_needed"}); err != nil {
			t.Fatal(err)
		}
		plan, err = f.svc.SupportPlan(f.ctx, f.coord, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		set := map[string]string{}
		for _, it := range plan {
			if it.Status != "" {
				set[it.Domain] = it.Status
			}
		}
		if len(plan) != len(catalog.Casework.SupportDomains) || len(set) != 2 || set["housing"] != "arranged" || set["return"] != "not_needed" {
			t.Errorf("plan = %+v", plan)
		}
		if got := f.cwLastAction(t, c.ID); got != "case.read support" {
			t.Errorf("last log record = %q", got)
		}
		f.cwDenied(t, "set support", func(a policy.Subject) error {
			_, err := f.svc.SetSupport(f.ctx, a, c.ID, 0, cases.SupportInput{Domain: "income", Status: "to_do"})
			return err
		})
		f.cwDenied(t, "support plan", func(a policy.Subject) error { _, err := f.svc.SupportPlan(f.ctx, a, c.ID); return err })
	})
}

func TestSetSupportConcurrently(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.open(t)
		var wg sync.WaitGroup
		res := make([]error, 4)
		for i := range res {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, res[i] = f.svc.SetSupport(f.ctx, f.coord, c.ID, 0, cases.SupportInput{Domain: "income", Status: "to_do"})
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
		if ok != 1 || f.count(t, "case_events", "case_id = ? AND kind = ?", c.ID, cases.KindSupport) != 1 {
			t.Errorf("%d set at version 0, want 1", ok)
		}
	})
}
