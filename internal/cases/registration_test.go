package cases_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/baken-nl/baken/internal/cases"
	"github.com/baken-nl/baken/internal/policy"
)

func TestAgeOn(t *testing.T) {
	for _, tc := range []struct {
		birth, day string
		age        int
		ok         bool
	}{
		{"1999-04-12", "2026-03-02", 26, true},
		{"1999-04-12", "2026-04-12", 27, true},
		{"2000-02-29", "2026-02-28", 25, true},
		{"2000-02-29", "2026-03-01", 26, true},
		{"2026-03-02", "2026-03-02", 0, true},
		{"2026-03-03", "2026-03-02", 0, false},
		{"", "2026-03-02", 0, false},
		{"1999-04-12", "", 0, false},
	} {
		age, ok := cases.AgeOn(tc.birth, tc.day)
		if age != tc.age || ok != tc.ok {
			t.Errorf("AgeOn(%q, %q) = %d %v, want %d %v", tc.birth, tc.day, age, ok, tc.age, tc.ok)
		}
	}
}

func TestNationalRegistration(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.open(t)
		r, err := f.svc.NationalRegistration(f.ctx, f.coord, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.AgeAtRegistration == nil || *r.AgeAtRegistration != 26 || r.RegisteredOn != "" || r.Region != "Noord" ||
			r.CountryOfOrigin != "RO" || r.Gender != "female" || !slices.Equal(r.Forms, []string{"criminal"}) ||
			r.ReporterType != catalog.Casework.Registration.ReporterType || r.ReporterType == "" {
			t.Errorf("registration (today) = %+v", r)
		}
		if got := f.cwLastAction(t, c.ID); got != "case.read national_registration" {
			t.Errorf("last log record = %q", got)
		}
		on, dossier := "2025-04-11", "registration_shelter"
		if _, err := f.svc.Update(f.ctx, f.coord, c.ID, c.Version, cases.Patch{RegisteredOn: &on, DossierType: &dossier}); err != nil {
			t.Fatal(err)
		}
		if r, err = f.svc.NationalRegistration(f.ctx, f.coord, c.ID); err != nil {
			t.Fatal(err)
		}
		if r.AgeAtRegistration == nil || *r.AgeAtRegistration != 25 || r.RegisteredOn != on || r.DossierType != dossier {
			t.Errorf("registration (registered) = %+v", r)
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var keys map[string]any
		if err := json.Unmarshal(b, &keys); err != nil {
			t.Fatal(err)
		}
		var names []string
		for k := range keys {
			names = append(names, k)
		}
		slices.Sort(names)
		if want := []string{"ageAtRegistration", "countryOfOrigin", "dossierType", "forms", "gender", "region",
			"registeredOn", "reporterType"}; !slices.Equal(names, want) {
			t.Errorf("export fields = %v, want %v", names, want)
		}
		cl := clientInput()
		for _, secret := range []string{cl.Name, "Mirela", "Popescu", cl.BSN, cl.BirthDate, "1999", cl.Contact, "9876",
			c.ID, c.Reference} {
			if strings.Contains(string(b), secret) {
				t.Errorf("export %s contains %q", b, secret)
			}
		}

		// Unknown birth date: no age.
		direct, err := f.svc.Create(f.ctx, f.coord, cases.Input{Client: cases.Client{Gender: "male"}, Forms: []string{"labour"}})
		if err != nil {
			t.Fatal(err)
		}
		if r, err = f.svc.NationalRegistration(f.ctx, f.coord, direct.ID); err != nil || r.AgeAtRegistration != nil || r.CountryOfOrigin != "" {
			t.Errorf("unknown birth date: %+v %v", r, err)
		}
		if b, _ := json.Marshal(r); !strings.Contains(string(b), `"ageAtRegistration":null`) {
			t.Errorf("export = %s, want a null age", b)
		}
		f.cwDenied(t, "national registration", func(a policy.Subject) error {
			_, err := f.svc.NationalRegistration(f.ctx, a, c.ID)
			return err
		})
	})
}
