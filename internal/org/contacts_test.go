package org_test

import (
	"testing"

	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
)

func TestContacts(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.mustUser(t, "beleid@groningen.nl", "Bram Beleid", f.groningen.ID, policy.Beleidsmedewerker)
		f.mustUser(t, "beleid@assen.nl", "Anne Assen", f.assen.ID, policy.Beleidsmedewerker)
		f.mustUser(t, "zc@noord.nl", "Zoë Zorg", f.noord.ID, policy.Zorgcoordinator)
		f.mustUser(t, "zc@maastricht.nl", "Zaid Zuid", f.maastricht.ID, policy.Zorgcoordinator)
		gone := f.mustUser(t, "oud@groningen.nl", "Oud Beleid", f.groningen.ID, policy.Beleidsmedewerker)
		if _, err := f.svc.UpdateUser(f.ctx, org.System, gone.ID, gone.Version, org.UserInput{Email: gone.Email, Name: gone.Name,
			OrganisationID: gone.OrganisationID, Roles: gone.Roles, Locale: gone.Locale, Disabled: true}); err != nil {
			t.Fatal(err)
		}
		c, err := f.svc.Contacts(f.ctx, f.signaleerder.Subject())
		if err != nil {
			t.Fatal(err)
		}
		if c.Municipality != "Groningen" || len(c.Officers) != 1 || c.Officers[0].Name != "Bram Beleid" || c.Officers[0].Email != "beleid@groningen.nl" {
			t.Errorf("officers of Groningen: %+v", c)
		}
		if c.Region != "Noord" || len(c.Coordinators) != 1 || c.Coordinators[0].Name != "Zoë Zorg" || c.Coordinators[0].Organisation != "Noord" {
			t.Errorf("coordinators of Noord: %+v", c.Coordinators)
		}
		z, err := f.svc.Contacts(f.ctx, f.zuidAdmin.Subject())
		if err != nil || len(z.Officers) != 0 || len(z.Coordinators) != 1 || z.Coordinators[0].Name != "Zaid Zuid" {
			t.Errorf("Maastricht: %+v %v", z, err)
		}
		n, err := f.svc.Contacts(f.ctx, f.natAdmin.Subject())
		if err != nil || n.Municipality != "" || n.Region != "" {
			t.Errorf("national: %+v %v", n, err)
		}
		_, err = f.svc.Contacts(f.ctx, policy.Subject{})
		if errs.CodeOf(err) != errs.Unauthenticated {
			t.Errorf("anonymous: %v", err)
		}
	})
}
