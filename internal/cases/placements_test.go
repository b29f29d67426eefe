package cases_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/cases"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
)

func (f *fixture) cwOrg(t *testing.T, in org.OrgInput) org.Organisation {
	t.Helper()
	o, err := f.orgs.CreateOrg(f.ctx, org.System, in)
	if err != nil {
		t.Fatalf("create organisation %q: %v", in.Name, err)
	}
	return o
}

func TestPlacements(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.open(t)
		zuidShelter := f.cwOrg(t, org.OrgInput{Kind: org.Partner, Name: "Opvang Zuid", RegionID: f.zuid.ID, PartnerType: "opvang"})
		cosm := f.cwOrg(t, org.OrgInput{Kind: org.Partner, Name: "COSM landelijk", PartnerType: "opvang"})
		before := f.snapshot(t)
		for _, tc := range []struct {
			name string
			in   cases.PlacementInput
			want []string
		}{
			{"empty", cases.PlacementInput{}, []string{"fromOn:" + cases.KeyRequired, "shelterOrgId:" + cases.KeyRequired,
				"shelterType:" + cases.KeyRequired}},
			{"police is no shelter", cases.PlacementInput{ShelterOrgID: f.police.ID, ShelterType: "hotel", FromOn: "2026-13-01", ToOn: "x"},
				[]string{"fromOn:" + cases.KeyDateInvalid, "shelterOrgId:" + cases.KeyShelterInvalid,
					"shelterType:" + cases.KeyOptionUnknown, "toOn:" + cases.KeyDateInvalid}},
			{"other region's shelter, end before start", cases.PlacementInput{ShelterOrgID: zuidShelter.ID, ShelterType: "cosm",
				FromOn: "2026-03-02", ToOn: "2026-03-01"}, []string{"shelterOrgId:" + cases.KeyShelterInvalid,
				"toOn:" + cases.KeyPlacementToBefore}},
			{"unknown organisation", cases.PlacementInput{ShelterOrgID: "nope", ShelterType: "cosm", FromOn: "2026-03-02"},
				[]string{"shelterOrgId:" + cases.KeyShelterInvalid}},
		} {
			_, err := f.svc.AddPlacement(f.ctx, f.coord, c.ID, tc.in)
			if got := fields(err); !slices.Equal(got, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			}
		}
		f.unchanged(t, before, "invalid placements")

		p, err := f.svc.AddPlacement(f.ctx, f.coord, c.ID, cases.PlacementInput{ShelterOrgID: f.shelter.ID, ShelterType: "cosm", FromOn: "2026-03-01"})
		if err != nil {
			t.Fatal(err)
		}
		if p.ShelterName != "Opvang De Haven" || !p.Current || p.ToOn != "" || p.Version != 1 {
			t.Errorf("placement = %+v", p)
		}
		if ev := f.cwEvent(t, c.ID); ev.Kind != cases.KindPlacement || ev.Detail["placement"] != p.ID || ev.Detail["shelter"] != f.shelter.ID {
			t.Errorf("event = %+v", ev)
		}
		// A national shelter is fine too.
		if _, err := f.svc.AddPlacement(f.ctx, f.coord, c.ID, cases.PlacementInput{ShelterOrgID: cosm.ID, ShelterType: "cosm",
			FromOn: "2026-01-05", ToOn: "2026-02-28"}); err != nil {
			t.Errorf("national shelter: %v", err)
		}
		f.cwDenied(t, "add placement", func(a policy.Subject) error {
			_, err := f.svc.AddPlacement(f.ctx, a, c.ID, cases.PlacementInput{ShelterOrgID: f.shelter.ID, ShelterType: "cosm", FromOn: "2026-03-01"})
			return err
		})
		f.cwDenied(t, "end placement", func(a policy.Subject) error {
			_, err := f.svc.EndPlacement(f.ctx, a, c.ID, p.ID, 1, "2026-03-02")
			return err
		})
		f.cwDenied(t, "list placements", func(a policy.Subject) error { _, err := f.svc.ListPlacements(f.ctx, a, c.ID); return err })

		// End: validation, staleness, then once only.
		_, err = f.svc.EndPlacement(f.ctx, f.coord, c.ID, p.ID, 1, "2026-02-01")
		if got := fields(err); !slices.Equal(got, []string{"toOn:" + cases.KeyPlacementToBefore}) {
			t.Errorf("end before start: %v", got)
		}
		got, err := f.svc.EndPlacement(f.ctx, f.coord, c.ID, p.ID, 3, "2026-03-04")
		if wantCode(t, err, errs.Conflict); errs.As(err).Key != cases.KeyPlacementStale || got.Version != 1 || got.ToOn != "" {
			t.Errorf("stale end: %+v %v", got, err)
		}
		ended, err := f.svc.EndPlacement(f.ctx, f.coord, c.ID, p.ID, 1, "2026-03-04")
		if err != nil || ended.ToOn != "2026-03-04" || ended.Version != 2 || !ended.Current {
			t.Fatalf("end: %+v %v", ended, err)
		}
		_, err = f.svc.EndPlacement(f.ctx, f.coord, c.ID, p.ID, 2, "2026-03-05")
		if wantCode(t, err, errs.Conflict); errs.As(err).Key != cases.KeyPlacementEnded {
			t.Errorf("end twice: %v", err)
		}
		list, err := f.svc.ListPlacements(f.ctx, f.coord, c.ID)
		if err != nil || len(list) != 2 || list[0].ID != p.ID || list[1].Current || list[1].ShelterName != "COSM landelijk" {
			t.Fatalf("list = %+v %v", list, err)
		}
		if got := f.cwLastAction(t, c.ID); got != "case.read placements" {
			t.Errorf("last log record = %q", got)
		}
	})
}

func TestShelters(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		zuidShelter := f.cwOrg(t, org.OrgInput{Kind: org.Partner, Name: "Opvang Zuid", RegionID: f.zuid.ID, PartnerType: "opvang"})
		list, err := f.svc.Shelters(f.ctx, f.coord)
		if err != nil || len(list) != 1 || list[0].OrgID != f.shelter.ID || list[0].Known || list[0].Version != 0 {
			t.Fatalf("shelters = %+v %v", list, err)
		}
		// Capacity: validation, policy, versions.
		_, err = f.svc.SetCapacity(f.ctx, f.coord, f.shelter.ID, -1, 0)
		if got := fields(err); !slices.Equal(got, []string{"places:" + cases.KeyShelterPlaces}) {
			t.Errorf("negative places: %v", got)
		}
		_, err = f.svc.SetCapacity(f.ctx, f.coordZuid, f.shelter.ID, 5, 0)
		wantCode(t, err, errs.NotFound)
		_, err = f.svc.SetCapacity(f.ctx, f.coord, zuidShelter.ID, 5, 0)
		wantCode(t, err, errs.NotFound)
		_, err = f.svc.SetCapacity(f.ctx, f.coord, f.police.ID, 5, 0)
		wantCode(t, err, errs.NotFound)
		_, err = f.svc.SetCapacity(f.ctx, f.partnerUser, f.shelter.ID, 5, 0)
		wantCode(t, err, errs.NotFound)
		_, err = f.svc.Shelters(f.ctx, f.sig)
		wantCode(t, err, errs.Forbidden)

		sh, err := f.svc.SetCapacity(f.ctx, f.coord, f.shelter.ID, 3, 0)
		if err != nil || !sh.Known || sh.Places != 3 || sh.Free != 3 || sh.Version != 1 {
			t.Fatalf("set capacity: %+v %v", sh, err)
		}
		got, err := f.svc.SetCapacity(f.ctx, f.coord2, f.shelter.ID, 9, 0)
		if wantCode(t, err, errs.Conflict); errs.As(err).Key != cases.KeyShelterStale || got.Places != 3 || got.Version != 1 {
			t.Errorf("stale capacity: %+v %v", got, err)
		}
		// A municipality's beheerder administers its own organisation only.
		gemBeheerder, err := f.orgs.CreateUser(f.ctx, org.System, org.UserInput{Email: "beheer@groningen.test", Name: "Beheer Groningen",
			OrganisationID: f.groningen.ID, Roles: []policy.Role{policy.Beheerder}, Password: "correct horse battery staple"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.SetCapacity(f.ctx, gemBeheerder.Subject(), f.shelter.ID, 4, 1)
		wantCode(t, err, errs.NotFound)
		if sh, err = f.svc.SetCapacity(f.ctx, f.beheerder, f.shelter.ID, 4, 1); err != nil || sh.Version != 2 {
			t.Fatalf("beheerder sets capacity: %+v %v", sh, err)
		}
		if recs := f.records(t, auditFilter(f.shelter.ID)); len(recs) != 2 || recs[0].Action != "shelter.capacity" {
			t.Errorf("capacity log = %+v", recs)
		}

		// Occupancy: current placements today, each case once.
		c1, c2, c3, c4 := f.open(t), f.open(t), f.open(t), f.open(t)
		place := func(c cases.Case, from, to string) cases.Placement {
			t.Helper()
			p, err := f.svc.AddPlacement(f.ctx, f.coord, c.ID, cases.PlacementInput{ShelterOrgID: f.shelter.ID, ShelterType: "cosm", FromOn: from, ToOn: to})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		place(c1, "2026-02-01", "")
		place(c1, "2026-02-15", "2026-03-31") // the same case twice: counted once
		place(c2, "2026-03-01", "2026-03-02") // ends today: still there
		place(c3, "2026-01-01", "2026-03-01") // left yesterday
		place(c4, "2026-03-03", "")           // arrives tomorrow
		list, err = f.svc.Shelters(f.ctx, f.coord)
		if err != nil || len(list) != 1 || list[0].Occupied != 2 || list[0].Places != 4 || list[0].Free != 2 {
			t.Fatalf("shelters = %+v %v", list, err)
		}
		f.clk.Advance(24 * time.Hour)
		list, _ = f.svc.Shelters(f.ctx, f.coord)
		if list[0].Occupied != 2 || list[0].Free != 2 { // c2 left, c4 arrived
			t.Errorf("next day = %+v", list[0])
		}
		if list, _ := f.svc.Shelters(f.ctx, f.coordZuid); len(list) != 1 || list[0].OrgID != zuidShelter.ID {
			t.Errorf("Zuid's shelters = %+v", list)
		}
	})
}

func TestSetCapacityConcurrently(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		var wg sync.WaitGroup
		res := make([]error, 4)
		got := make([]cases.Shelter, 4)
		for i := range res {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[i], res[i] = f.svc.SetCapacity(f.ctx, f.coord, f.shelter.ID, 10+i, 0)
			}()
		}
		wg.Wait()
		ok := 0
		for i, err := range res {
			switch errs.CodeOf(err) {
			case "":
				ok++
			case errs.Conflict:
				// The loser sees the current state: the winner's capacity.
				if !got[i].Known || got[i].Version != 1 {
					t.Errorf("a loser sees %+v, want the capacity set (version 1)", got[i])
				}
			default:
				t.Errorf("unexpected: %v", err)
			}
		}
		if ok != 1 {
			t.Errorf("%d capacities set at version 0, want 1", ok)
		}
	})
}

func auditFilter(orgID string) audit.Filter {
	return audit.Filter{ObjectID: orgID, Action: "shelter.capacity"}
}
