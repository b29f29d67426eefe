package cases_test

import (
	"slices"
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/cases"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
)

func TestConsents(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.open(t)
		before := f.snapshot(t)
		for _, tc := range []struct {
			name string
			in   cases.ConsentInput
			want []string
		}{
			{"empty", cases.ConsentInput{}, []string{"basis:" + cases.KeyRequired, "partnerOrgId:" + cases.KeyRequired,
				"purpose:" + cases.KeyRequired, "scope:" + cases.KeyConsentScopeEmpty}},
			{"wrong values", cases.ConsentInput{PartnerOrgID: f.groningen.ID, Purpose: "marketing", Basis: "whim",
				Scope: []string{"name", "shoe_size"}, UntilOn: "2026-03-01"}, []string{"basis:" + cases.KeyOptionUnknown,
				"partnerOrgId:" + cases.KeyConsentPartner, "purpose:" + cases.KeyOptionUnknown, "scope:" + cases.KeyOptionUnknown,
				"untilOn:" + cases.KeyConsentUntilPast}},
			{"legal basis without ground", cases.ConsentInput{PartnerOrgID: f.police.ID, Purpose: "investigation",
				Basis: "legal_obligation", Scope: []string{"name"}, UntilOn: "gisteren"}, []string{"note:" + cases.KeyConsentNoteRequired,
				"untilOn:" + cases.KeyDateInvalid}},
		} {
			_, err := f.svc.AddConsent(f.ctx, f.coord, c.ID, tc.in)
			if got := fields(err); !slices.Equal(got, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			}
		}
		f.unchanged(t, before, "invalid consents")

		co, err := f.svc.AddConsent(f.ctx, f.coord, c.ID, cases.ConsentInput{PartnerOrgID: f.shelter.ID, Purpose: "shelter",
			Basis: "consent", Scope: []string{"contact", "name", "name"}, UntilOn: "2026-03-10"})
		if err != nil {
			t.Fatal(err)
		}
		if !co.Active || !slices.Equal(co.Scope, []string{"name", "contact"}) || co.PartnerName != "Opvang De Haven" || co.RecordedByName == "" {
			t.Errorf("consent = %+v", co)
		}
		f.clk.Advance(time.Minute)
		legal, err := f.svc.AddConsent(f.ctx, f.coord, c.ID, cases.ConsentInput{PartnerOrgID: f.police.ID, Purpose: "investigation",
			Basis: "legal_obligation", Scope: []string{"name", "birth_date"}, Note: "Vordering OvJ art. 126nd Sv"})
		if err != nil {
			t.Fatal(err)
		}
		if ev := f.cwEvent(t, c.ID); ev.Kind != cases.KindConsent || ev.Body != "Vordering OvJ art. 126nd Sv" ||
			ev.Detail["partner"] != f.police.ID || ev.Detail["scope"] != "name,birth_date" {
			t.Errorf("event = %+v", ev)
		}
		active := func(partner, purpose string) []string {
			t.Helper()
			var out []string
			if err := f.db.Tx(f.ctx, func(tx *store.Tx) error {
				var err error
				out, err = f.svc.ActiveConsent(f.ctx, tx, c.ID, partner, purpose)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return out
		}
		if got := active(f.shelter.ID, "shelter"); !slices.Equal(got, []string{"name", "contact"}) {
			t.Errorf("active shelter consent = %v", got)
		}
		if got := active(f.shelter.ID, "care"); len(got) != 0 {
			t.Errorf("another purpose = %v", got)
		}
		if got := active(f.police.ID, "investigation"); !slices.Equal(got, []string{"name", "birth_date"}) {
			t.Errorf("legal basis = %v", got)
		}
		f.cwDenied(t, "add consent", func(a policy.Subject) error {
			_, err := f.svc.AddConsent(f.ctx, a, c.ID, cases.ConsentInput{PartnerOrgID: f.shelter.ID, Purpose: "shelter",
				Basis: "consent", Scope: []string{"name"}})
			return err
		})
		f.cwDenied(t, "withdraw consent", func(a policy.Subject) error {
			_, err := f.svc.WithdrawConsent(f.ctx, a, c.ID, co.ID)
			return err
		})
		f.cwDenied(t, "list consents", func(a policy.Subject) error { _, err := f.svc.ListConsents(f.ctx, a, c.ID); return err })

		w, err := f.svc.WithdrawConsent(f.ctx, f.coord, c.ID, legal.ID)
		if err != nil || w.Active || w.WithdrawnBy != f.coord.UserID || w.WithdrawnAt.IsZero() {
			t.Fatalf("withdraw = %+v %v", w, err)
		}
		got, err := f.svc.WithdrawConsent(f.ctx, f.coord, c.ID, legal.ID)
		if wantCode(t, err, errs.Conflict); errs.As(err).Key != cases.KeyConsentWithdrawn || got.ID != legal.ID || got.Active {
			t.Errorf("withdraw twice: %+v %v", got, err)
		}
		if got := active(f.police.ID, "investigation"); len(got) != 0 {
			t.Errorf("withdrawn consent still active: %v", got)
		}
		// The end date passes.
		f.clk.Advance(9 * 24 * time.Hour) // 2026-03-11
		list, err := f.svc.ListConsents(f.ctx, f.coord, c.ID)
		if err != nil || len(list) != 2 || list[0].ID != legal.ID || list[0].Note != "Vordering OvJ art. 126nd Sv" ||
			list[0].Active || list[1].Active {
			t.Fatalf("list = %+v %v", list, err)
		}
		if got := f.cwLastAction(t, c.ID); got != "case.read consents" {
			t.Errorf("last log record = %q", got)
		}
		if got := active(f.shelter.ID, "shelter"); len(got) != 0 {
			t.Errorf("expired consent still active: %v", got)
		}
		other := f.open(t)
		_, err = f.svc.WithdrawConsent(f.ctx, f.coord, other.ID, co.ID)
		wantCode(t, err, errs.NotFound)
	})
}
