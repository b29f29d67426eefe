package cases

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
)

// Message keys of placements and shelters (i18n catalog/casework.*.json).
const (
	KeyShelterInvalid    = "case.placement.shelter_invalid"
	KeyPlacementToBefore = "case.placement.to_before_from"
	KeyPlacementStale    = "case.placement.stale"
	KeyPlacementEnded    = "case.placement.ended"
	KeyShelterPlaces     = "case.shelter.places_invalid"
	KeyShelterStale      = "case.shelter.stale"
)

// ShelterPartnerType is the partner type of a shelter organisation.
const ShelterPartnerType = "opvang"

// MaxPlaces is the largest capacity of one shelter.
const MaxPlaces = 10000

// Placement is a stay of the client in a shelter.
type Placement struct {
	ID           string `json:"id"`
	CaseID       string `json:"caseId"`
	ShelterOrgID string `json:"shelterOrgId"`
	ShelterName  string `json:"shelterName"`
	ShelterType  string `json:"shelterType"` // catalogue shelterTypes
	FromOn       string `json:"fromOn"`
	ToOn         string `json:"toOn"` // "" while it lasts
	// Current: from ≤ today and (no end, or end ≥ today).
	Current   bool      `json:"current"`
	CreatedBy string    `json:"createdBy"`
	CreatedAt time.Time `json:"createdAt"`
	Version   int       `json:"version"`
}

// PlacementInput adds a placement.
type PlacementInput struct {
	ShelterOrgID string `json:"shelterOrgId"`
	ShelterType  string `json:"shelterType"`
	FromOn       string `json:"fromOn"`
	ToOn         string `json:"toOn"` // optional
}

// isShelterFor: org id is a shelter organisation (a partner with partner
// type opvang) of region, or one without a region (national).
func isShelterFor(ctx context.Context, tx *store.Tx, id, region string) (bool, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM organisations WHERE id = ? AND kind = 'partner' AND partner_type = ?
		AND (region_id IS NULL OR region_id = ?)`, id, ShelterPartnerType, region).Scan(&n)
	return n == 1, err
}

// AddPlacement places the client of case caseID in a shelter organisation
// of the case's region (or a national one) from fromOn, until toOn when
// known (toOn ≥ fromOn).
func (s *Service) AddPlacement(ctx context.Context, actor policy.Subject, caseID string, in PlacementInput) (Placement, error) {
	in.ShelterOrgID = strings.TrimSpace(in.ShelterOrgID)
	in.ShelterType = strings.TrimSpace(in.ShelterType)
	in.FromOn = strings.TrimSpace(in.FromOn)
	in.ToOn = strings.TrimSpace(in.ToOn)
	var p Placement
	_, err := s.write(ctx, actor, caseID, 0, "add placement", func(tx *store.Tx, c *Case) error {
		var v errs.Validation
		if in.ShelterOrgID == "" {
			v.Add("shelterOrgId", KeyRequired)
		} else {
			ok, err := isShelterFor(ctx, tx, in.ShelterOrgID, c.RegionID)
			if err != nil {
				return err
			}
			v.Check(ok, "shelterOrgId", KeyShelterInvalid)
		}
		v.Check(in.ShelterType != "", "shelterType", KeyRequired)
		option(&v, "shelterType", s.cat.Casework.ShelterTypes, in.ShelterType)
		v.Check(in.FromOn != "", "fromOn", KeyRequired)
		date(&v, "fromOn", in.FromOn, tx.Now, false)
		date(&v, "toOn", in.ToOn, tx.Now, false)
		if !v.Has("fromOn") && !v.Has("toOn") && in.ToOn != "" && in.ToOn < in.FromOn {
			v.Add("toOn", KeyPlacementToBefore)
		}
		if err := v.Err(); err != nil {
			return err
		}
		p = Placement{ID: store.NewID(), CaseID: c.ID, ShelterOrgID: in.ShelterOrgID, ShelterType: in.ShelterType,
			FromOn: in.FromOn, ToOn: in.ToOn, CreatedBy: actor.UserID, CreatedAt: tx.Now, Version: 1}
		if _, err := tx.Exec(ctx, `INSERT INTO case_placements (id, case_id, shelter_org_id, shelter_type, from_on, to_on,
			created_by, created_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)`, p.ID, p.CaseID, p.ShelterOrgID,
			p.ShelterType, p.FromOn, p.ToOn, p.CreatedBy, p.CreatedAt); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT name FROM organisations WHERE id = ?`, p.ShelterOrgID).Scan(&p.ShelterName); err != nil {
			return err
		}
		p.Current = placementCurrent(p.FromOn, p.ToOn, tx.Now)
		if _, err := s.appendEvent(ctx, tx, actor, c.ID, KindPlacement, "", map[string]string{"placement": p.ID,
			"shelter": p.ShelterOrgID, "shelterType": p.ShelterType, "from": p.FromOn, "to": p.ToOn}); err != nil {
			return err
		}
		return s.logCase(ctx, tx, actor, "case.placement", c.ID, "add")
	})
	if err != nil {
		return Placement{}, err
	}
	return p, nil
}

func placementCurrent(from, to string, now time.Time) bool {
	today := Today(now).Format(time.DateOnly)
	return from <= today && (to == "" || to >= today)
}

// EndPlacement ends placement placementID of case caseID on toOn (≥ its
// start). version is the placement's version the coordinator saw; a stale
// one, or a placement that has an end already, is a conflict answered with
// its current state.
func (s *Service) EndPlacement(ctx context.Context, actor policy.Subject, caseID, placementID string, version int, toOn string) (Placement, error) {
	toOn = strings.TrimSpace(toOn)
	var p Placement
	_, err := s.write(ctx, actor, caseID, 0, "end placement", func(tx *store.Tx, c *Case) error {
		var err error
		if p, err = placement(ctx, tx, c.ID, placementID); err != nil {
			return err
		}
		if p.Version != version {
			return errs.E(errs.Conflict, KeyPlacementStale)
		}
		if p.ToOn != "" {
			return errs.E(errs.Conflict, KeyPlacementEnded)
		}
		var v errs.Validation
		v.Check(toOn != "", "toOn", KeyRequired)
		date(&v, "toOn", toOn, tx.Now, false)
		if !v.Has("toOn") && toOn < p.FromOn {
			v.Add("toOn", KeyPlacementToBefore)
		}
		if err := v.Err(); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE case_placements SET to_on = ?, version = version + 1 WHERE id = ? AND version = ?`,
			toOn, p.ID, version)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return errs.E(errs.Conflict, KeyPlacementStale)
		}
		p.ToOn = toOn
		p.Version++
		p.Current = placementCurrent(p.FromOn, p.ToOn, tx.Now)
		if _, err := s.appendEvent(ctx, tx, actor, c.ID, KindPlacementEnd, "", map[string]string{"placement": p.ID,
			"shelter": p.ShelterOrgID, "to": toOn}); err != nil {
			return err
		}
		return s.logCase(ctx, tx, actor, "case.placement", c.ID, "end")
	})
	return p, err
}

const placementColumns = `p.id, p.case_id, p.shelter_org_id, COALESCE(o.name, ''), p.shelter_type, p.from_on, p.to_on,
	p.created_by, p.created_at, p.version`

func scanPlacement(row interface{ Scan(...any) error }, now time.Time) (Placement, error) {
	var p Placement
	var at store.Time
	err := row.Scan(&p.ID, &p.CaseID, &p.ShelterOrgID, &p.ShelterName, &p.ShelterType, &p.FromOn, &p.ToOn,
		&p.CreatedBy, &at, &p.Version)
	p.CreatedAt = at.Time
	p.Current = placementCurrent(p.FromOn, p.ToOn, now)
	return p, err
}

func placement(ctx context.Context, tx *store.Tx, caseID, id string) (Placement, error) {
	p, err := scanPlacement(tx.QueryRow(ctx, `SELECT `+placementColumns+` FROM case_placements p
		LEFT JOIN organisations o ON o.id = p.shelter_org_id WHERE p.id = ? AND p.case_id = ?`, id, caseID), tx.Now)
	if errors.Is(err, sql.ErrNoRows) {
		return p, errs.E(errs.NotFound, "error.not_found")
	}
	return p, err
}

// ListPlacements returns the placements of case caseID, newest start first.
// Where a client stays is sensitive: a logged read.
func (s *Service) ListPlacements(ctx context.Context, actor policy.Subject, caseID string) ([]Placement, error) {
	var out []Placement
	err := s.readWith(ctx, actor, caseID, "list placements", "placements", func(tx *store.Tx, c *Case) error {
		var err error
		out, err = placementsOf(ctx, tx, c.ID)
		return err
	})
	return out, err
}

// placementsOf reads the placements of a case (no policy check).
func placementsOf(ctx context.Context, tx *store.Tx, caseID string) ([]Placement, error) {
	out := []Placement{}
	rows, err := tx.Query(ctx, `SELECT `+placementColumns+` FROM case_placements p
		LEFT JOIN organisations o ON o.id = p.shelter_org_id WHERE p.case_id = ? ORDER BY p.from_on DESC, p.created_at DESC, p.id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanPlacement(rows, tx.Now)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Shelter is a shelter organisation's capacity and current occupancy.
type Shelter struct {
	OrgID    string `json:"orgId"`
	Name     string `json:"name"`
	RegionID string `json:"regionId,omitempty"` // "" for a national shelter
	// Known: a capacity has been set (Places is 0 otherwise).
	Known  bool `json:"known"`
	Places int  `json:"places"`
	// Occupied counts the cases with a current placement (each case once).
	Occupied int `json:"occupied"`
	// Free is Places − Occupied, never below 0.
	Free int `json:"free"`
	// Version of the capacity (0 while none is set): SetCapacity's version.
	Version int `json:"version"`
}

// Shelters returns the shelter organisations of the actor's region and the
// national ones (no region) with capacity, occupancy and free places. Only
// counts, no client data: not logged.
func (s *Service) Shelters(ctx context.Context, actor policy.Subject) ([]Shelter, error) {
	var out []Shelter
	err := s.db.ReadTx(ctx, func(tx *store.Tx) error {
		if actor.Anonymous() {
			return errs.E(errs.Unauthenticated, "error.unauthenticated")
		}
		if err := policy.Require(actor, policy.ReadShelters, policy.Resource{}); err != nil {
			return err
		}
		var err error
		out, err = shelters(ctx, tx, actor.RegionID, "")
		return err
	})
	if err != nil {
		return nil, errs.Wrap(err, "shelters")
	}
	return out, nil
}

// shelters reads the shelters of region (and the national ones), or only
// shelter id when given.
func shelters(ctx context.Context, tx *store.Tx, region, id string) ([]Shelter, error) {
	today := Today(tx.Now).Format(time.DateOnly)
	q := `SELECT o.id, o.name, COALESCE(o.region_id, ''), COALESCE(sc.places, -1), COALESCE(sc.version, 0),
		(SELECT COUNT(DISTINCT p.case_id) FROM case_placements p WHERE p.shelter_org_id = o.id
			AND p.from_on <= ? AND (p.to_on = '' OR p.to_on >= ?))
		FROM organisations o LEFT JOIN shelter_capacities sc ON sc.org_id = o.id
		WHERE o.kind = 'partner' AND o.partner_type = ?`
	args := []any{today, today, ShelterPartnerType}
	if id != "" {
		q += ` AND o.id = ?`
		args = append(args, id)
	} else {
		q += ` AND (o.region_id IS NULL OR o.region_id = ?)`
		args = append(args, region)
	}
	rows, err := tx.Query(ctx, q+` ORDER BY o.name, o.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Shelter{}
	for rows.Next() {
		var sh Shelter
		if err := rows.Scan(&sh.OrgID, &sh.Name, &sh.RegionID, &sh.Places, &sh.Version, &sh.Occupied); err != nil {
			return nil, err
		}
		sh.Known = sh.Places >= 0
		sh.Places = max(sh.Places, 0)
		sh.Free = max(sh.Places-sh.Occupied, 0)
		out = append(out, sh)
	}
	return out, rows.Err()
}

// SetCapacity sets the number of places of shelter organisation orgID
// (ManageShelter: the care coordinators of its region and the beheerder).
// version is the capacity's version the caller saw (0: none set yet); a
// stale one is a conflict answered with the current state. Capacity is no
// personal data; the change is in the processing log all the same.
func (s *Service) SetCapacity(ctx context.Context, actor policy.Subject, orgID string, places, version int) (Shelter, error) {
	orgID = strings.TrimSpace(orgID)
	var sh Shelter
	var conflict error
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		if actor.Anonymous() {
			return errs.E(errs.Unauthenticated, "error.unauthenticated")
		}
		list, err := shelters(ctx, tx, "", orgID)
		if err != nil {
			return err
		}
		if len(list) != 1 {
			if err := policy.Require(actor, policy.ReadShelters, policy.Resource{}); err != nil {
				return err
			}
			return errs.E(errs.NotFound, "error.not_found")
		}
		sh = list[0]
		if err := policy.Require(actor, policy.ManageShelter, policy.Resource{ID: sh.OrgID, OrgID: sh.OrgID, RegionID: sh.RegionID}); err != nil {
			return err
		}
		var v errs.Validation
		v.Check(places >= 0 && places <= MaxPlaces, "places", KeyShelterPlaces)
		if err := v.Err(); err != nil {
			return err
		}
		if version != sh.Version {
			conflict = errs.E(errs.Conflict, KeyShelterStale)
			return nil
		}
		var res sql.Result
		if sh.Version == 0 {
			res, err = tx.Exec(ctx, `INSERT INTO shelter_capacities (org_id, places, updated_at, version) VALUES (?, ?, ?, 1)
				ON CONFLICT (org_id) DO NOTHING`, sh.OrgID, places, tx.Now)
		} else {
			res, err = tx.Exec(ctx, `UPDATE shelter_capacities SET places = ?, updated_at = ?, version = version + 1
				WHERE org_id = ? AND version = ?`, places, tx.Now, sh.OrgID, version)
		}
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			// Changed by a transaction that committed after our read
			// (PostgreSQL, read committed): answer with what it set.
			list, err := shelters(ctx, tx, "", orgID)
			if err != nil {
				return err
			}
			if len(list) == 1 {
				sh = list[0]
			}
			conflict = errs.E(errs.Conflict, KeyShelterStale)
			return nil
		}
		sh.Known, sh.Places, sh.Version = true, places, sh.Version+1
		sh.Free = max(sh.Places-sh.Occupied, 0)
		return s.log.Write(ctx, tx, audit.Entry{ActorID: actor.UserID, ActorOrgID: actor.OrgID, Action: "shelter.capacity",
			ObjectType: "organisation", ObjectID: sh.OrgID, Activity: audit.ActivityZorgcoordinatie})
	})
	if err != nil {
		return Shelter{}, errs.Wrap(err, "set shelter capacity")
	}
	return sh, conflict
}
