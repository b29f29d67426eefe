package demo_test

import (
	"context"
	"testing"

	"github.com/baken-nl/baken/internal/assess"
	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/auth/password"
	"github.com/baken-nl/baken/internal/cases"
	"github.com/baken-nl/baken/internal/content"
	"github.com/baken-nl/baken/internal/demo"
	"github.com/baken-nl/baken/internal/fieldcrypt"
	"github.com/baken-nl/baken/internal/kader"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/signal"
	"github.com/baken-nl/baken/internal/store"
	"github.com/baken-nl/baken/internal/store/storetest"
)

func TestSeedContentOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		keys, _ := fieldcrypt.New(fieldcrypt.Generate())
		log := audit.New(keys)
		cat := content.MustLoad()
		engine, err := assess.New(cat)
		if err != nil {
			t.Fatal(err)
		}
		orgs := org.NewService(db, log, password.Fast)
		sigs := signal.NewService(db, log, keys, cat, engine)
		s := demo.Services{DB: db, Orgs: orgs, Signals: sigs, Cases: cases.NewService(db, log, keys, cat, sigs), Kader: kader.NewService(db, log, cat)}
		if _, err := demo.Seed(ctx, orgs, ""); err != nil {
			t.Fatal(err)
		}
		done, err := demo.SeedContent(ctx, s)
		if err != nil || !done {
			t.Fatalf("first: %v %v", done, err)
		}
		count := func(table string) int {
			var n int
			if err := db.ReadTx(ctx, func(tx *store.Tx) error {
				return tx.QueryRow(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n)
			}); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if count("signals") != 3 || count("cases") != 1 || count("self_assessments") != 1 || count("policy_actions") != 1 || count("shelter_capacities") != 1 {
			t.Errorf("seeded %d signals, %d cases, %d rounds, %d actions, %d capacities", count("signals"), count("cases"),
				count("self_assessments"), count("policy_actions"), count("shelter_capacities"))
		}
		if done, err := demo.SeedContent(ctx, s); err != nil || done {
			t.Errorf("second run: %v %v (must leave an existing database alone)", done, err)
		}
		if count("signals") != 3 {
			t.Error("second run added signals")
		}
		var open int
		if err := db.ReadTx(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT COUNT(*) FROM signals WHERE status = 'new'`).Scan(&open)
		}); err != nil {
			t.Fatal(err)
		}
		if open != 2 {
			t.Errorf("%d open signals left to walk a case from, want 2", open)
		}
	})
}
