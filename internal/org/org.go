// Package org holds organisations (municipalities, regions, partners, national
// bodies), the users who belong to them and their roles. Every method checks
// the policy and writes the processing log in its own transaction.
package org

import (
	"context"
	"database/sql"
	"errors"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/auth/password"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
)

// Kind of organisation.
type Kind string

const (
	Municipality Kind = "municipality"
	Region       Kind = "region"
	Partner      Kind = "partner"
	National     Kind = "national"
)

// Kinds lists every kind.
var Kinds = []Kind{Municipality, Region, Partner, National}

// Organisation is a municipality, region, partner or national body.
type Organisation struct {
	ID           string    `json:"id"`
	Kind         Kind      `json:"kind"`
	Name         string    `json:"name"`
	RegionID     string    `json:"regionId,omitempty"`
	PartnerType  string    `json:"partnerType,omitempty"`
	ContactEmail string    `json:"contactEmail,omitempty"`
	ContactPhone string    `json:"contactPhone,omitempty"`
	CreatedAt    time.Time `json:"createdAt"`
	UpdatedAt    time.Time `json:"updatedAt"`
	Version      int       `json:"version"`
}

// Region returns the region the organisation belongs to (itself for a region).
func (o Organisation) Region() string {
	if o.Kind == Region {
		return o.ID
	}
	return o.RegionID
}

// Resource returns the policy view of the organisation.
func (o Organisation) Resource() policy.Resource {
	return policy.Resource{ID: o.ID, OrgID: o.ID, RegionID: o.Region()}
}

// User is an account.
type User struct {
	ID             string        `json:"id"`
	Email          string        `json:"email"`
	Name           string        `json:"name"`
	Phone          string        `json:"phone,omitempty"`
	OrganisationID string        `json:"organisationId"`
	Organisation   Organisation  `json:"organisation"`
	Roles          []policy.Role `json:"roles"` // the roles in effect
	// PendingRoles are sensitive roles proposed for the user and awaiting a
	// second person's approval: they have no effect yet.
	PendingRoles []RoleGrant `json:"-"`
	Locale       string      `json:"locale"`
	Disabled     bool        `json:"disabled"`
	CreatedAt    time.Time   `json:"createdAt"`
	UpdatedAt    time.Time   `json:"updatedAt"`
	Version      int         `json:"version"`
	PasswordHash string      `json:"-"`
}

// Subject returns the policy subject acting as u.
func (u User) Subject() policy.Subject {
	return policy.Subject{UserID: u.ID, OrgID: u.OrganisationID, RegionID: u.Organisation.Region(),
		National: u.Organisation.Kind == National, Roles: u.Roles}
}

// Resource returns the policy view of the account.
func (u User) Resource() policy.Resource {
	return policy.Resource{ID: u.ID, OrgID: u.OrganisationID, RegionID: u.Organisation.Region(), OwnerID: u.ID}
}

// Service manages organisations and users.
type Service struct {
	db     *store.DB
	log    *audit.Log
	params password.Params
}

// NewService returns the organisation and user service.
func NewService(db *store.DB, log *audit.Log, params password.Params) *Service {
	return &Service{db: db, log: log, params: params}
}

// OrgInput is the editable part of an organisation (the web form and the API body).
type OrgInput struct {
	Kind         Kind   `json:"kind"`
	Name         string `json:"name"`
	RegionID     string `json:"regionId"`
	PartnerType  string `json:"partnerType"`
	ContactEmail string `json:"contactEmail"`
	ContactPhone string `json:"contactPhone"`
}

func (in *OrgInput) normalise() {
	in.Name = strings.TrimSpace(in.Name)
	in.RegionID = strings.TrimSpace(in.RegionID)
	in.PartnerType = strings.TrimSpace(in.PartnerType)
	in.ContactEmail = strings.ToLower(strings.TrimSpace(in.ContactEmail))
	in.ContactPhone = strings.TrimSpace(in.ContactPhone)
}

func (s *Service) validateOrg(ctx context.Context, tx *store.Tx, in OrgInput, selfID string) error {
	var v errs.Validation
	v.Check(slices.Contains(Kinds, in.Kind), "kind", "org.kind.invalid")
	v.Check(in.Name != "", "name", "field.required")
	v.Check(utf8.RuneCountInString(in.Name) <= 200, "name", "field.too_long")
	v.Check(in.ContactEmail == "" || validEmail(in.ContactEmail), "contactEmail", "field.email")
	v.Check(utf8.RuneCountInString(in.ContactPhone) <= 40, "contactPhone", "field.too_long")
	v.Check(utf8.RuneCountInString(in.PartnerType) <= 60, "partnerType", "field.too_long")
	switch {
	case in.Kind == Municipality && in.RegionID == "":
		v.Add("regionId", "org.region.required")
	case (in.Kind == Region || in.Kind == National) && in.RegionID != "":
		v.Add("regionId", "org.region.not_for_region")
	case in.RegionID != "":
		var kind string
		err := tx.QueryRow(ctx, `SELECT kind FROM organisations WHERE id = ?`, in.RegionID).Scan(&kind)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && Kind(kind) != Region) || in.RegionID == selfID {
			v.Add("regionId", "org.region.unknown")
		} else if err != nil {
			return err
		}
	}
	return v.Err()
}

func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && len(s) <= 254
}

const orgColumns = `id, kind, name, COALESCE(region_id, ''), partner_type, contact_email, contact_phone, created_at, updated_at, version`

func scanOrg(s interface{ Scan(...any) error }) (Organisation, error) {
	var o Organisation
	var c, u store.Time
	err := s.Scan(&o.ID, &o.Kind, &o.Name, &o.RegionID, &o.PartnerType, &o.ContactEmail, &o.ContactPhone, &c, &u, &o.Version)
	o.CreatedAt, o.UpdatedAt = c.Time, u.Time
	return o, err
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// CreateOrg adds an organisation.
func (s *Service) CreateOrg(ctx context.Context, actor policy.Subject, in OrgInput) (Organisation, error) {
	in.normalise()
	var o Organisation
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		res := policy.Resource{RegionID: in.RegionID}
		if in.Kind == Region || in.RegionID == "" {
			res = policy.Resource{}
		}
		if err := policy.Require(actor, policy.ManageOrg, res); err != nil {
			return err
		}
		// Outside the national scope everything created must land in the
		// actor's region: a partner without a region would be out of reach.
		if !actor.National && (in.Kind == Region || in.Kind == National || in.RegionID == "") {
			return errs.E(errs.Forbidden, "org.national_only")
		}
		if err := s.validateOrg(ctx, tx, in, ""); err != nil {
			return err
		}
		o = Organisation{ID: store.NewID(), Kind: in.Kind, Name: in.Name, RegionID: in.RegionID, PartnerType: in.PartnerType,
			ContactEmail: in.ContactEmail, ContactPhone: in.ContactPhone, CreatedAt: tx.Now, UpdatedAt: tx.Now, Version: 1}
		if _, err := tx.Exec(ctx, `INSERT INTO organisations (id, kind, name, region_id, partner_type, contact_email, contact_phone, created_at, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`, o.ID, o.Kind, o.Name, nullable(o.RegionID), o.PartnerType, o.ContactEmail, o.ContactPhone, tx.Now, tx.Now); err != nil {
			if store.IsUniqueViolation(err) {
				return &errs.Error{Code: errs.Conflict, Key: "org.name.taken", Fields: []errs.FieldError{{Field: "name", Key: "org.name.taken"}}}
			}
			return err
		}
		return s.log.Write(ctx, tx, audit.Entry{ActorID: actor.UserID, ActorOrgID: actor.OrgID, Action: "org.create",
			ObjectType: "organisation", ObjectID: o.ID, Activity: audit.ActivityAccounts})
	})
	return o, errs.Wrap(err, "create organisation")
}

// UpdateOrg changes an organisation; version must be the one the editor saw.
func (s *Service) UpdateOrg(ctx context.Context, actor policy.Subject, id string, version int, in OrgInput) (Organisation, error) {
	in.normalise()
	var o Organisation
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		cur, err := getOrg(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := policy.Require(actor, policy.ManageOrg, cur.Resource()); err != nil {
			return err
		}
		// The kind cannot change: check the rest as the kind it is, and
		// report a missing or changed kind with every other error at once.
		kindKey := ""
		switch in.Kind {
		case cur.Kind:
		case "":
			kindKey = "field.required"
		default:
			kindKey = "org.kind.immutable"
		}
		in.Kind = cur.Kind
		if err := s.validateOrg(ctx, tx, in, id); err != nil || kindKey != "" {
			e := errs.As(err)
			if err != nil && e == nil {
				return err
			}
			if e == nil {
				e = &errs.Error{Code: errs.Invalid, Key: "error.validation"}
			}
			if kindKey != "" {
				e.Fields = append([]errs.FieldError{{Field: "kind", Key: kindKey}}, e.Fields...)
			}
			return e
		}
		// Moving an organisation into another region needs the right to manage
		// organisations there too: else a regional beheerder could move their own
		// organisation, and with it their own scope, into any region.
		if in.RegionID != cur.RegionID && in.RegionID != "" {
			if err := policy.Require(actor, policy.ManageOrg, policy.Resource{RegionID: in.RegionID}); err != nil {
				return err
			}
		}
		// Nobody moves their own organisation (and with it their own scope),
		// and only a national beheerder takes an organisation out of every
		// region (out of the region's beheerders' reach).
		if in.RegionID != cur.RegionID && (id == actor.OrgID || in.RegionID == "" && !actor.National) {
			return errs.E(errs.Forbidden, "org.region.own_or_national")
		}
		if cur.Version != version {
			return errs.E(errs.Conflict, "error.stale")
		}
		res, err := tx.Exec(ctx, `UPDATE organisations SET name = ?, region_id = ?, partner_type = ?, contact_email = ?, contact_phone = ?,
			updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			in.Name, nullable(in.RegionID), in.PartnerType, in.ContactEmail, in.ContactPhone, tx.Now, id, version)
		if err != nil {
			if store.IsUniqueViolation(err) {
				return &errs.Error{Code: errs.Conflict, Key: "org.name.taken", Fields: []errs.FieldError{{Field: "name", Key: "org.name.taken"}}}
			}
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "error.stale")
		}
		if o, err = getOrg(ctx, tx, id); err != nil {
			return err
		}
		if err := s.log.Write(ctx, tx, audit.Entry{ActorID: actor.UserID, ActorOrgID: actor.OrgID, Action: "org.update",
			ObjectType: "organisation", ObjectID: id, Activity: audit.ActivityAccounts}); err != nil {
			return err
		}
		if o.Region() != cur.Region() {
			return s.regionChanged(ctx, tx, actor, id)
		}
		return nil
	})
	return o, errs.Wrap(err, "update organisation")
}

func getOrg(ctx context.Context, tx *store.Tx, id string) (Organisation, error) {
	o, err := scanOrg(tx.QueryRow(ctx, `SELECT `+orgColumns+` FROM organisations WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return o, errs.E(errs.NotFound, "error.not_found")
	}
	return o, err
}

// GetOrg returns one organisation.
func (s *Service) GetOrg(ctx context.Context, actor policy.Subject, id string) (Organisation, error) {
	var o Organisation
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if o, err = getOrg(ctx, tx, id); err != nil {
			return err
		}
		return policy.Require(actor, policy.ReadOrg, o.Resource())
	})
	return o, errs.Wrap(err, "get organisation")
}

// ListOrgs returns every organisation, regions first, then by name.
func (s *Service) ListOrgs(ctx context.Context, actor policy.Subject) ([]Organisation, error) {
	var out []Organisation
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := policy.Require(actor, policy.ReadOrg, policy.Resource{}); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+orgColumns+` FROM organisations ORDER BY
			CASE kind WHEN 'national' THEN 0 WHEN 'region' THEN 1 WHEN 'municipality' THEN 2 ELSE 3 END, name`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			o, err := scanOrg(rows)
			if err != nil {
				return err
			}
			out = append(out, o)
		}
		return rows.Err()
	})
	return out, errs.Wrap(err, "list organisations")
}
