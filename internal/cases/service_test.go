package cases_test

import (
	"testing"

	"github.com/baken-nl/baken/internal/cases"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/signal"
)

func TestCreateFromSignal(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		s := f.signal(t)
		c, err := f.svc.Create(f.ctx, f.coord, cases.Input{SignalIDs: []string{s.ID}, Client: clientInput()})
		if err != nil {
			t.Fatal(err)
		}
		if c.Reference != "CASE-2026-000001" || c.Phase != cases.PhaseRegistration || c.RegionID != f.noord.ID {
			t.Errorf("case = %s %s %s", c.Reference, c.Phase, c.RegionID)
		}
		if len(c.Forms) != 1 || c.Forms[0] != "criminal" || !c.NonPunishment || !c.NonPunishmentSuggested {
			t.Errorf("forms %v from the signal, non-punishment %v suggested %v", c.Forms, c.NonPunishment, c.NonPunishmentSuggested)
		}
		got, err := f.signals.Get(f.ctx, f.sig, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != signal.StatusConverted || len(got.History) != 3 {
			t.Errorf("signal status %s with %d history entries, want converted through in_progress", got.Status, len(got.History))
		}
		read, err := f.svc.Get(f.ctx, f.coord, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if read.Client.Name != "Mirela Popescu-Vandersteen" || read.Client.BSN != "111222333" || len(read.Client.Languages) != 2 {
			t.Errorf("client = %+v", read.Client)
		}
		for _, who := range []struct {
			name string
			code errs.Code
			err  error
		}{
			{"reporter", errs.NotFound, get(f, f.sig, c.ID)},
			{"other region", errs.NotFound, get(f, f.coordZuid, c.ID)},
			{"partner", errs.NotFound, get(f, f.partnerUser, c.ID)},
			{"beheerder", errs.NotFound, get(f, f.beheerder, c.ID)},
			{"national coordinator", errs.NotFound, get(f, f.coordNational, c.ID)},
			{"unassigned colleague", errs.Forbidden, get(f, f.coord2, c.ID)},
		} {
			if got := errs.CodeOf(who.err); got != who.code {
				t.Errorf("%s: %v, want %s", who.name, who.err, who.code)
			}
		}
		if _, err := f.svc.BreakGlass(f.ctx, f.coord2, c.ID, "Collega ziek, cliënt belt met spoed"); err != nil {
			t.Fatal(err)
		}
		if err := get(f, f.coord2, c.ID); err != nil {
			t.Errorf("after breaking the glass: %v", err)
		}
		page, err := f.svc.Events(f.ctx, f.coord, c.ID, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 2 || page.Items[0].Kind != cases.KindBreakGlass || page.Items[0].Body == "" {
			t.Errorf("timeline = %+v", page.Items)
		}
	})
}

func get(f *fixture, actor policy.Subject, id string) error {
	_, err := f.svc.Get(f.ctx, actor, id)
	return err
}
