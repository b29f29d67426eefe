package org

import (
	"context"

	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
)

// Contact is a role holder with their work contact details.
type Contact struct {
	Name, Email, Phone, Organisation string
}

// Contacts is whom a frontline worker calls: the aandachtsfunctionaris (the
// active policy officers) of the actor's municipality and the active care
// coordinators of the actor's region. Municipality and Region are "" when
// the actor's organisation has none.
type Contacts struct {
	Municipality string
	Officers     []Contact
	Region       string
	Coordinators []Contact
}

// Contacts returns the who-is-who's people for actor. Like the directory of
// organisations (policy.ReadOrg) it is open to every signed-in user: names
// and work contact details of role holders, nothing else; not logged, like
// the directory.
func (s *Service) Contacts(ctx context.Context, actor policy.Subject) (Contacts, error) {
	var c Contacts
	err := s.db.ReadTx(ctx, func(tx *store.Tx) error {
		if err := policy.Require(actor, policy.ReadOrg, policy.Resource{ID: actor.OrgID, OrgID: actor.OrgID, RegionID: actor.RegionID}); err != nil {
			return err
		}
		read := func(q string, args ...any) ([]Contact, error) {
			rows, err := tx.Query(ctx, q, args...)
			if err != nil {
				return nil, err
			}
			defer rows.Close()
			var out []Contact
			for rows.Next() {
				var x Contact
				if err := rows.Scan(&x.Name, &x.Email, &x.Phone, &x.Organisation); err != nil {
					return nil, err
				}
				out = append(out, x)
			}
			return out, rows.Err()
		}
		var kind, name string
		if err := tx.QueryRow(ctx, `SELECT kind, name FROM organisations WHERE id = ?`, actor.OrgID).Scan(&kind, &name); err != nil {
			return err
		}
		var err error
		if Kind(kind) == Municipality {
			c.Municipality = name
			if c.Officers, err = read(`SELECT u.name, u.email, u.phone, o.name FROM users u
				JOIN user_roles ur ON ur.user_id = u.id AND ur.role = ? JOIN organisations o ON o.id = u.organisation_id
				WHERE u.organisation_id = ? AND u.disabled_at IS NULL ORDER BY u.name, u.email`,
				string(policy.Beleidsmedewerker), actor.OrgID); err != nil {
				return err
			}
		}
		if actor.RegionID != "" {
			if err := tx.QueryRow(ctx, `SELECT name FROM organisations WHERE id = ?`, actor.RegionID).Scan(&c.Region); err != nil {
				return err
			}
			if c.Coordinators, err = read(`SELECT u.name, u.email, u.phone, o.name FROM users u
				JOIN user_roles ur ON ur.user_id = u.id AND ur.role = ? JOIN organisations o ON o.id = u.organisation_id
				WHERE u.disabled_at IS NULL AND ((o.kind = 'region' AND o.id = ?) OR (o.kind <> 'region' AND o.region_id = ?))
				ORDER BY u.name, u.email`, string(policy.Zorgcoordinator), actor.RegionID, actor.RegionID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Contacts{}, errs.Wrap(err, "contacts")
	}
	return c, nil
}
