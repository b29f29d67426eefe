// Package demo seeds the demo world of `baken serve --demo`: two regions with
// three municipalities, a police unit and a shelter, and one account per
// role. Seeding is idempotent: what exists is left as it is.
package demo

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"math/big"

	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
)

// Account is a demo account as printed.
type Account struct {
	Email, Name, Role, Organisation string
}

// Result tells what Seed did.
type Result struct {
	Accounts []Account
	Password string // the password of the accounts; "" when existing accounts kept theirs
	Created  int    // organisations and users created in this run
}

type orgSpec struct {
	key    string
	in     org.OrgInput
	region string // key of the region
}

var orgs = []orgSpec{
	{key: "beheer", in: org.OrgInput{Kind: org.National, Name: "Beheer Baken (demo)", ContactEmail: "beheer@baken.test"}},
	{key: "noord", in: org.OrgInput{Kind: org.Region, Name: "Noord", ContactEmail: "zorgcoordinatie@noord.baken.test", ContactPhone: "088 000 0101"}},
	{key: "zuid", in: org.OrgInput{Kind: org.Region, Name: "Zuid", ContactEmail: "zorgcoordinatie@zuid.baken.test", ContactPhone: "088 000 0201"}},
	{key: "gem-a", region: "noord", in: org.OrgInput{Kind: org.Municipality, Name: "Gemeente A", ContactEmail: "mensenhandel@gemeente-a.baken.test", ContactPhone: "088 000 0111"}},
	{key: "gem-b", region: "noord", in: org.OrgInput{Kind: org.Municipality, Name: "Gemeente B", ContactEmail: "mensenhandel@gemeente-b.baken.test", ContactPhone: "088 000 0121"}},
	{key: "gem-c", region: "zuid", in: org.OrgInput{Kind: org.Municipality, Name: "Gemeente C", ContactEmail: "mensenhandel@gemeente-c.baken.test", ContactPhone: "088 000 0211"}},
	{key: "politie", region: "noord", in: org.OrgInput{Kind: org.Partner, Name: "Politie eenheid Noord (AVIM)", PartnerType: "politie", ContactEmail: "avim@politie-noord.baken.test", ContactPhone: "088 000 0131"}},
	{key: "opvang", region: "noord", in: org.OrgInput{Kind: org.Partner, Name: "Opvang De Haven", PartnerType: "opvang", ContactEmail: "aanmelden@dehaven.baken.test", ContactPhone: "088 000 0141"}},
}

type userSpec struct {
	email, name, org string
	role             policy.Role
}

var users = []userSpec{
	{"admin@baken.test", "Anna Beheer", "beheer", policy.Beheerder},
	{"beleid@baken.test", "Bram Beleid", "gem-a", policy.Beleidsmedewerker},
	{"signaleerder@baken.test", "Sanne Signaal", "gem-a", policy.Signaleerder},
	{"zorgcoordinator@baken.test", "Zoë Zorg", "noord", policy.Zorgcoordinator},
	{"zorgcoordinator-zuid@baken.test", "Zaid Zuid", "zuid", policy.Zorgcoordinator},
	{"partner@baken.test", "Peter Partner", "politie", policy.Ketenpartner},
	{"analist@baken.test", "Amira Analist", "noord", policy.Analist},
	{"fg@baken.test", "Frank Functionaris", "beheer", policy.Privacyfunctionaris},
}

// Seed creates what is missing of the demo world. password is the accounts'
// password: when empty, new accounts get a random one (returned in Result);
// when set, existing demo accounts are given it too.
func Seed(ctx context.Context, svc *org.Service, password string) (Result, error) {
	var res Result
	existing, err := svc.ListOrgs(ctx, org.System)
	if err != nil {
		return res, err
	}
	ids := map[string]string{}
	names := map[string]string{}
	for _, spec := range orgs {
		for _, o := range existing {
			if o.Kind == spec.in.Kind && o.Name == spec.in.Name {
				ids[spec.key] = o.ID
			}
		}
		names[spec.key] = spec.in.Name
		if ids[spec.key] != "" {
			continue
		}
		in := spec.in
		if spec.region != "" {
			in.RegionID = ids[spec.region]
		}
		o, err := svc.CreateOrg(ctx, org.System, in)
		if err != nil {
			return res, fmt.Errorf("demo organisation %s: %w", spec.in.Name, err)
		}
		ids[spec.key] = o.ID
		res.Created++
	}
	chosen := password
	generated := false
	if chosen == "" {
		chosen = randomPassword()
		generated = true
	}
	anyNew := false
	for _, spec := range users {
		res.Accounts = append(res.Accounts, Account{Email: spec.email, Name: spec.name, Role: string(spec.role), Organisation: names[spec.org]})
		in := org.UserInput{Email: spec.email, Name: spec.name, OrganisationID: ids[spec.org], Roles: []policy.Role{spec.role}, Locale: "nl", Password: chosen}
		_, err := svc.CreateUser(ctx, org.System, in)
		switch {
		case err == nil:
			res.Created++
			anyNew = true
			continue
		case errs.Is(err, errs.Conflict) && !generated:
			// Exists: give it the chosen password.
			list, _, lerr := svc.ListUsers(ctx, org.System, org.UserFilter{Query: spec.email, Limit: 10})
			if lerr != nil {
				return res, fmt.Errorf("demo account %s: %w", spec.email, lerr)
			}
			var u org.User
			for _, x := range list {
				if x.Email == spec.email {
					u = x
				}
			}
			if u.ID == "" {
				return res, fmt.Errorf("demo account %s: exists but cannot be found", spec.email)
			}
			upd := org.UserInput{Email: u.Email, Name: u.Name, Phone: u.Phone, OrganisationID: u.OrganisationID, Roles: u.Roles, Locale: u.Locale, Password: chosen}
			if _, err := svc.UpdateUser(ctx, org.System, u.ID, u.Version, upd); err != nil {
				return res, fmt.Errorf("demo account %s: %w", spec.email, err)
			}
		case errs.Is(err, errs.Conflict):
			// Exists and no password was chosen: leave it.
		default:
			return res, fmt.Errorf("demo account %s: %w", spec.email, err)
		}
	}
	if !generated || anyNew {
		res.Password = chosen
	}
	return res, nil
}

// Print writes the accounts for the person starting the demo.
func Print(w io.Writer, baseURL string, r Result) {
	fmt.Fprintf(w, "\nBaken demo — open %s and sign in with one of these accounts:\n\n", baseURL)
	for _, a := range r.Accounts {
		fmt.Fprintf(w, "  %-34s %-20s %s\n", a.Email, a.Role, a.Organisation)
	}
	if r.Password != "" {
		fmt.Fprintf(w, "\n  password (all accounts): %s\n\n", r.Password)
	} else {
		fmt.Fprintf(w, "\n  The accounts existed already and kept their password; set BAKEN_DEMO_PASSWORD to choose one.\n\n")
	}
}

func randomPassword() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 20)
	for i := range b {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			panic(err)
		}
		b[i] = alphabet[n.Int64()]
	}
	return string(b[:5]) + "-" + string(b[5:10]) + "-" + string(b[10:15]) + "-" + string(b[15:])
}

// RandomPassword returns a random password of four groups of five characters.
func RandomPassword() string { return randomPassword() }
