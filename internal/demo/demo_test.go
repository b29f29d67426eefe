package demo_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/auth"
	"github.com/baken-nl/baken/internal/auth/password"
	"github.com/baken-nl/baken/internal/demo"
	"github.com/baken-nl/baken/internal/fieldcrypt"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
	"github.com/baken-nl/baken/internal/store/storetest"
)

func TestSeedIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		keys, _ := fieldcrypt.New(fieldcrypt.Generate())
		log := audit.New(keys)
		svc := org.NewService(db, log, password.Fast)
		authSvc, err := auth.NewService(db, log, keys, auth.Config{Params: password.Fast})
		if err != nil {
			t.Fatal(err)
		}

		first, err := demo.Seed(ctx, svc, "")
		if err != nil {
			t.Fatal(err)
		}
		if first.Created != 16 || len(first.Accounts) != 8 || len(first.Password) < password.MinLength {
			t.Fatalf("first seed: created %d, %d accounts, password %q", first.Created, len(first.Accounts), first.Password)
		}
		if _, _, err := authSvc.Login(ctx, "zorgcoordinator@baken.test", first.Password, ""); err != nil {
			t.Fatalf("demo login: %v", err)
		}

		second, err := demo.Seed(ctx, svc, "")
		if err != nil {
			t.Fatal(err)
		}
		if second.Created != 0 || second.Password != "" {
			t.Fatalf("second seed created %d, password %q", second.Created, second.Password)
		}
		var buf bytes.Buffer
		demo.Print(&buf, "http://127.0.0.1:8080", second)
		if !strings.Contains(buf.String(), "BAKEN_DEMO_PASSWORD") || !strings.Contains(buf.String(), "fg@baken.test") {
			t.Fatalf("print: %s", buf.String())
		}

		third, err := demo.Seed(ctx, svc, "een gekozen demo-wachtwoord")
		if err != nil {
			t.Fatal(err)
		}
		if third.Created != 0 || third.Password != "een gekozen demo-wachtwoord" {
			t.Fatalf("third seed: %+v", third)
		}
		if _, _, err := authSvc.Login(ctx, "fg@baken.test", "een gekozen demo-wachtwoord", ""); err != nil {
			t.Fatalf("login with chosen password: %v", err)
		}

		orgs, _ := svc.ListOrgs(ctx, org.System)
		if len(orgs) != 8 {
			t.Fatalf("%d organisations, want 8", len(orgs))
		}
		users, total, _ := svc.ListUsers(ctx, org.System, org.UserFilter{})
		if total != 8 {
			t.Fatalf("%d users", total)
		}
		want := map[string]policy.Role{"analist@baken.test": policy.Analist, "partner@baken.test": policy.Ketenpartner}
		regions := map[string]string{}
		for _, o := range orgs {
			regions[o.Name] = o.Region()
		}
		for _, u := range users {
			if r, ok := want[u.Email]; ok && (len(u.Roles) != 1 || u.Roles[0] != r) {
				t.Errorf("%s has roles %v", u.Email, u.Roles)
			}
			if u.Email == "signaleerder@baken.test" && u.Organisation.Name != "Gemeente A" {
				t.Errorf("signaleerder in %s", u.Organisation.Name)
			}
		}
		if regions["Gemeente A"] != regions["Gemeente B"] || regions["Gemeente A"] == regions["Gemeente C"] {
			t.Errorf("regions: %v", regions)
		}
	})
}
