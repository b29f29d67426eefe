package org_test

import (
	"strings"
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
)

func TestCreateOrg(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		tests := []struct {
			name string
			in   org.OrgInput
			want org.Organisation // ID, times and version are checked separately
		}{
			{"region", org.OrgInput{Kind: org.Region, Name: "  Oost  "},
				org.Organisation{Kind: org.Region, Name: "Oost"}},
			{"municipality", org.OrgInput{Kind: org.Municipality, Name: "Delfzijl", RegionID: " " + f.noord.ID + " ",
				ContactEmail: " Info@Delfzijl.NL ", ContactPhone: " 0596 123456 "},
				org.Organisation{Kind: org.Municipality, Name: "Delfzijl", RegionID: f.noord.ID,
					ContactEmail: "info@delfzijl.nl", ContactPhone: "0596 123456"}},
			{"partner in a region", org.OrgInput{Kind: org.Partner, Name: "GGD Zuid", RegionID: f.zuid.ID, PartnerType: " ggd "},
				org.Organisation{Kind: org.Partner, Name: "GGD Zuid", RegionID: f.zuid.ID, PartnerType: "ggd"}},
			{"partner without region", org.OrgInput{Kind: org.Partner, Name: "CoMensha", PartnerType: "expertise"},
				org.Organisation{Kind: org.Partner, Name: "CoMensha", PartnerType: "expertise"}},
			{"national", org.OrgInput{Kind: org.National, Name: "Expertisecentrum"},
				org.Organisation{Kind: org.National, Name: "Expertisecentrum"}},
			{"name of 200 characters", org.OrgInput{Kind: org.Partner, Name: strings.Repeat("é", 200)},
				org.Organisation{Kind: org.Partner, Name: strings.Repeat("é", 200)}},
			{"same name as an organisation of another kind", org.OrgInput{Kind: org.Municipality, Name: "Noord", RegionID: f.noord.ID},
				org.Organisation{Kind: org.Municipality, Name: "Noord", RegionID: f.noord.ID}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				f.clk.Advance(time.Second)
				now := f.clk.Now()
				o, err := f.svc.CreateOrg(f.ctx, org.System, tc.in)
				if err != nil {
					t.Fatal(err)
				}
				if o.ID == "" || o.Version != 1 || !o.CreatedAt.Equal(now) || !o.UpdatedAt.Equal(now) {
					t.Errorf("created %+v: want an id, version 1 and times %v", o, now)
				}
				got := o
				got.ID, got.CreatedAt, got.UpdatedAt, got.Version = "", time.Time{}, time.Time{}, 0
				if got != tc.want {
					t.Errorf("created\n %+v\nwant\n %+v", got, tc.want)
				}
				stored, err := f.svc.GetOrg(f.ctx, f.signaleerder.Subject(), o.ID)
				if err != nil {
					t.Fatal(err)
				}
				if stored != o {
					t.Errorf("stored\n %+v\nreturned\n %+v", stored, o)
				}
				recs := f.records(t, audit.Filter{ObjectID: o.ID})
				if len(recs) != 1 || recs[0].Action != "org.create" || recs[0].ActorID != org.System.UserID ||
					recs[0].Outcome != audit.OK || recs[0].ActivityID != audit.ActivityAccounts || !recs[0].OccurredAt.Equal(now) {
					t.Errorf("processing log for the new organisation: %+v", recs)
				}
			})
		}
		f.verifyLog(t)
	})
}

func TestCreateOrgValidation(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		tests := []struct {
			name string
			in   org.OrgInput
			want []string
		}{
			{"everything wrong at once",
				org.OrgInput{Kind: "county", Name: "   ", ContactEmail: "geen-adres", ContactPhone: strings.Repeat("1", 41),
					PartnerType: strings.Repeat("x", 61)},
				[]string{"kind:org.kind.invalid", "name:field.required", "contactEmail:field.email",
					"contactPhone:field.too_long", "partnerType:field.too_long"}},
			{"empty kind", org.OrgInput{Name: "X"}, []string{"kind:org.kind.invalid"}},
			{"municipality without region and other errors",
				org.OrgInput{Kind: org.Municipality, Name: "", ContactEmail: "a@b@c"},
				[]string{"name:field.required", "contactEmail:field.email", "regionId:org.region.required"}},
			{"region inside a region", org.OrgInput{Kind: org.Region, Name: "Oost", RegionID: f.noord.ID},
				[]string{"regionId:org.region.not_for_region"}},
			{"region pointing to a municipality and a bad e-mail address",
				org.OrgInput{Kind: org.Municipality, Name: "Haren", RegionID: f.groningen.ID, ContactEmail: "Haren <info@haren.nl>"},
				[]string{"regionId:org.region.unknown", "contactEmail:field.email"}},
			{"region pointing to a partner", org.OrgInput{Kind: org.Partner, Name: "X", RegionID: f.partner.ID},
				[]string{"regionId:org.region.unknown"}},
			{"unknown region", org.OrgInput{Kind: org.Partner, Name: "X", RegionID: "no-such-region"},
				[]string{"regionId:org.region.unknown"}},
			{"name too long", org.OrgInput{Kind: org.Partner, Name: strings.Repeat("é", 201)},
				[]string{"name:field.too_long"}},
		}
		before := f.counts(t)
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				_, err := f.svc.CreateOrg(f.ctx, org.System, tc.in)
				wantFields(t, err, errs.Invalid, tc.want...)
				if e := errs.As(err); e.Key != "error.validation" {
					t.Errorf("key = %q", e.Key)
				}
			})
		}
		f.wantCounts(t, before)
	})
}

func TestCreateOrgDuplicateName(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		before := f.counts(t)
		for _, in := range []org.OrgInput{
			{Kind: org.Region, Name: "Noord"},
			{Kind: org.Region, Name: "  Noord "},
			{Kind: org.Municipality, Name: "Groningen", RegionID: f.zuid.ID},
		} {
			_, err := f.svc.CreateOrg(f.ctx, org.System, in)
			wantFields(t, err, errs.Conflict, "name:org.name.taken")
		}
		f.wantCounts(t, before)
	})
}

// A change whose processing-log record cannot be written is not made: the
// record is written in the same transaction.
func TestCreateOrgNothingWithoutLogRecord(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		before := f.counts(t)
		restore := f.breakLogHead(t)
		_, err := f.svc.CreateOrg(f.ctx, org.System, org.OrgInput{Kind: org.Region, Name: "Oost"})
		wantCode(t, err, errs.Internal)
		_, err = f.svc.UpdateOrg(f.ctx, org.System, f.assen.ID, f.assen.Version, org.OrgInput{Kind: org.Municipality, Name: "Assen-Oost", RegionID: f.noord.ID})
		wantCode(t, err, errs.Internal)
		restore()
		f.wantCounts(t, before)
		if o, err := f.svc.GetOrg(f.ctx, org.System, f.assen.ID); err != nil || o != f.assen {
			t.Fatalf("assen after a failed update: %+v %v", o, err)
		}
		f.verifyLog(t)
	})
}

func TestUpdateOrg(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.clk.Advance(time.Hour)
		in := orgInput(f.assen)
		in.Name, in.ContactEmail, in.ContactPhone = " Gemeente Assen ", "Info@Assen.nl", "0592 366 911"
		o, err := f.svc.UpdateOrg(f.ctx, f.regionAdmin.Subject(), f.assen.ID, f.assen.Version, in)
		if err != nil {
			t.Fatal(err)
		}
		want := f.assen
		want.Name, want.ContactEmail, want.ContactPhone = "Gemeente Assen", "info@assen.nl", "0592 366 911"
		want.Version, want.UpdatedAt = 2, f.clk.Now()
		if o != want {
			t.Errorf("updated\n %+v\nwant\n %+v", o, want)
		}
		if got, _ := f.svc.GetOrg(f.ctx, org.System, f.assen.ID); got != want {
			t.Errorf("stored\n %+v\nwant\n %+v", got, want)
		}
		recs := f.records(t, audit.Filter{ObjectID: f.assen.ID, Action: "org.update"})
		if len(recs) != 1 || recs[0].ActorID != f.regionAdmin.ID || recs[0].ActorOrgID != f.noord.ID {
			t.Errorf("org.update records: %+v", recs)
		}

		t.Run("stale version", func(t *testing.T) {
			before := f.counts(t)
			stale := in
			stale.Name = "Overschreven"
			_, err := f.svc.UpdateOrg(f.ctx, f.regionAdmin.Subject(), f.assen.ID, 1, stale)
			wantCode(t, err, errs.Conflict)
			if errs.As(err).Key != "error.stale" {
				t.Errorf("key = %q", errs.As(err).Key)
			}
			if got, _ := f.svc.GetOrg(f.ctx, org.System, f.assen.ID); got != want {
				t.Errorf("after a stale update\n %+v\nwant\n %+v", got, want)
			}
			f.wantCounts(t, before)
		})
		t.Run("kind is immutable", func(t *testing.T) {
			k := in
			k.Kind = org.Partner
			_, err := f.svc.UpdateOrg(f.ctx, org.System, f.assen.ID, 2, k)
			wantFields(t, err, errs.Invalid, "kind:org.kind.immutable")
			// Reported together with every other error.
			k.Kind = org.Region
			k.RegionID = ""
			k.Name = ""
			_, err = f.svc.UpdateOrg(f.ctx, org.System, f.assen.ID, 2, k)
			wantFields(t, err, errs.Invalid, "kind:org.kind.immutable", "name:field.required", "regionId:org.region.required")
			k = in
			k.Kind = ""
			_, err = f.svc.UpdateOrg(f.ctx, org.System, f.assen.ID, 2, k)
			wantFields(t, err, errs.Invalid, "kind:field.required")
		})
		t.Run("all validation errors", func(t *testing.T) {
			bad := in
			bad.Name, bad.RegionID, bad.ContactEmail = "", "", "nee"
			_, err := f.svc.UpdateOrg(f.ctx, org.System, f.assen.ID, 2, bad)
			wantFields(t, err, errs.Invalid, "name:field.required", "regionId:org.region.required", "contactEmail:field.email")
		})
		t.Run("a region cannot point to itself", func(t *testing.T) {
			r := orgInput(f.noord)
			r.RegionID = f.noord.ID
			_, err := f.svc.UpdateOrg(f.ctx, org.System, f.noord.ID, f.noord.Version, r)
			wantFields(t, err, errs.Invalid, "regionId:org.region.not_for_region")
		})
		t.Run("duplicate name", func(t *testing.T) {
			d := in
			d.Name = "Groningen"
			_, err := f.svc.UpdateOrg(f.ctx, org.System, f.assen.ID, 2, d)
			wantFields(t, err, errs.Conflict, "name:org.name.taken")
		})
		t.Run("unknown organisation", func(t *testing.T) {
			_, err := f.svc.UpdateOrg(f.ctx, org.System, "no-such-org", 1, in)
			wantCode(t, err, errs.NotFound)
		})
		if got, _ := f.svc.GetOrg(f.ctx, org.System, f.assen.ID); got != want {
			t.Errorf("after the refused updates\n %+v\nwant\n %+v", got, want)
		}
		f.verifyLog(t)
	})
}

func TestOrgScope(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		noord, sig, zuid := f.regionAdmin.Subject(), f.signaleerder.Subject(), f.zuidAdmin.Subject()
		gron := f.noordAdmin.Subject() // a municipality's beheerder: its own organisation only
		update := func(actor policy.Subject, o org.Organisation, change func(*org.OrgInput)) error {
			in := orgInput(o)
			change(&in)
			cur, err := f.svc.GetOrg(f.ctx, org.System, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			_, err = f.svc.UpdateOrg(f.ctx, actor, o.ID, cur.Version, in)
			return err
		}
		rename := func(in *org.OrgInput) { in.ContactPhone = "050 123 4567" }
		tests := []struct {
			name string
			do   func() error
			want errs.Code // "" for success
		}{
			{"beheerder creates a municipality in own region", func() error {
				_, err := f.svc.CreateOrg(f.ctx, noord, org.OrgInput{Kind: org.Municipality, Name: "Emmen", RegionID: f.noord.ID})
				return err
			}, ""},
			{"beheerder creates a partner in own region", func() error {
				_, err := f.svc.CreateOrg(f.ctx, noord, org.OrgInput{Kind: org.Partner, Name: "Politie Noord", RegionID: f.noord.ID})
				return err
			}, ""},
			{"beheerder creates a municipality in another region", func() error {
				_, err := f.svc.CreateOrg(f.ctx, noord, org.OrgInput{Kind: org.Municipality, Name: "Venlo", RegionID: f.zuid.ID})
				return err
			}, errs.Forbidden},
			{"beheerder creates a region", func() error {
				_, err := f.svc.CreateOrg(f.ctx, noord, org.OrgInput{Kind: org.Region, Name: "Oost"})
				return err
			}, errs.Forbidden},
			{"beheerder creates a national organisation", func() error {
				_, err := f.svc.CreateOrg(f.ctx, noord, org.OrgInput{Kind: org.National, Name: "Landelijk"})
				return err
			}, errs.Forbidden},
			{"beheerder edits own municipality", func() error { return update(noord, f.groningen, rename) }, ""},
			{"municipal beheerder edits own municipality", func() error { return update(gron, f.groningen, rename) }, ""},
			{"municipal beheerder edits another municipality of its region", func() error { return update(gron, f.assen, rename) }, errs.Forbidden},
			{"municipal beheerder edits its region", func() error { return update(gron, f.noord, rename) }, errs.Forbidden},
			{"municipal beheerder edits a partner of its region", func() error { return update(gron, f.partner, rename) }, errs.Forbidden},
			{"municipal beheerder creates a partner in its region", func() error {
				_, err := f.svc.CreateOrg(f.ctx, gron, org.OrgInput{Kind: org.Partner, Name: "Opvang Noord", RegionID: f.noord.ID})
				return err
			}, errs.Forbidden},
			{"beheerder edits another municipality of own region", func() error { return update(noord, f.assen, rename) }, ""},
			{"beheerder edits a partner of own region", func() error { return update(noord, f.partner, rename) }, ""},
			{"beheerder edits a municipality of another region", func() error { return update(noord, f.maastricht, rename) }, errs.Forbidden},
			{"beheerder edits another region", func() error { return update(noord, f.zuid, rename) }, errs.Forbidden},
			{"beheerder edits the national organisation", func() error { return update(noord, f.national, rename) }, errs.Forbidden},
			{"beheerder moves own municipality into another region", func() error {
				return update(noord, f.groningen, func(in *org.OrgInput) { in.RegionID = f.zuid.ID })
			}, errs.Forbidden},
			{"beheerder moves a partner into another region", func() error {
				return update(noord, f.partner, func(in *org.OrgInput) { in.RegionID = f.zuid.ID })
			}, errs.Forbidden},
			{"other region's beheerder moves its municipality into Noord", func() error {
				return update(zuid, f.maastricht, func(in *org.OrgInput) { in.RegionID = f.noord.ID })
			}, errs.Forbidden},
			{"national beheerder moves a municipality into another region", func() error {
				return update(f.natAdmin.Subject(), f.assen, func(in *org.OrgInput) { in.RegionID = f.zuid.ID })
			}, ""},
			{"signaleerder creates a municipality", func() error {
				_, err := f.svc.CreateOrg(f.ctx, sig, org.OrgInput{Kind: org.Municipality, Name: "Haren", RegionID: f.noord.ID})
				return err
			}, errs.Forbidden},
			{"signaleerder edits own municipality", func() error { return update(sig, f.groningen, rename) }, errs.Forbidden},
			{"anonymous creates an organisation", func() error {
				_, err := f.svc.CreateOrg(f.ctx, policy.Subject{}, org.OrgInput{Kind: org.Partner, Name: "Anoniem"})
				return err
			}, errs.Unauthenticated},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				before := f.counts(t)
				err := tc.do()
				if tc.want == "" {
					if err != nil {
						t.Fatalf("want success, got %v", err)
					}
					return
				}
				wantCode(t, err, tc.want)
				f.wantCounts(t, before)
			})
		}
		if g, _ := f.svc.GetOrg(f.ctx, org.System, f.groningen.ID); g.RegionID != f.noord.ID {
			t.Errorf("groningen moved to region %q", g.RegionID)
		}
		if m, _ := f.svc.GetOrg(f.ctx, org.System, f.maastricht.ID); m.ContactPhone != "" || m.RegionID != f.zuid.ID {
			t.Errorf("maastricht changed by a beheerder of another region: %+v", m)
		}

		// The directory is open to every signed-in user.
		list, err := f.svc.ListOrgs(f.ctx, sig)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, o := range list {
			names = append(names, string(o.Kind)+":"+o.Name)
		}
		want := "national:Nationaal Team region:Noord region:Zuid municipality:Assen municipality:Emmen " +
			"municipality:Groningen municipality:Maastricht partner:Politie Noord partner:Veilig Thuis Noord"
		if got := strings.Join(names, " "); got != want {
			t.Errorf("ListOrgs =\n %s\nwant\n %s", got, want)
		}
		if _, err := f.svc.ListOrgs(f.ctx, policy.Subject{}); !errs.Is(err, errs.Unauthenticated) {
			t.Errorf("anonymous ListOrgs: %v", err)
		}
		if _, err := f.svc.GetOrg(f.ctx, sig, f.maastricht.ID); err != nil {
			t.Errorf("signaleerder reads another region's organisation: %v", err)
		}
		if _, err := f.svc.GetOrg(f.ctx, sig, "no-such-org"); !errs.Is(err, errs.NotFound) {
			t.Errorf("GetOrg of an unknown id: %v", err)
		}
		f.verifyLog(t)
	})
}

// A regional beheerder cannot create an organisation outside every region:
// it would fall out of their own reach.
func TestRegionalBeheerderCannotCreateRegionlessOrg(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		before := f.counts(t)
		_, err := f.svc.CreateOrg(f.ctx, f.regionAdmin.Subject(), org.OrgInput{Kind: org.Partner, Name: "Zwevende partner"})
		wantCode(t, err, errs.Forbidden)
		f.wantCounts(t, before)
		if _, err := f.svc.CreateOrg(f.ctx, f.regionAdmin.Subject(), org.OrgInput{Kind: org.Partner, Name: "Partner Noord", RegionID: f.noord.ID}); err != nil {
			t.Fatalf("partner in own region: %v", err)
		}
		if _, err := f.svc.CreateOrg(f.ctx, f.natAdmin.Subject(), org.OrgInput{Kind: org.Partner, Name: "Landelijke partner"}); err != nil {
			t.Fatalf("national beheerder, partner without region: %v", err)
		}
	})
}
