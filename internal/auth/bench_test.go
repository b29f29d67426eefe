package auth_test

import (
	"testing"

	"github.com/baken-nl/baken/internal/auth"
	"github.com/baken-nl/baken/internal/auth/password"
	"github.com/baken-nl/baken/internal/store"
	"github.com/baken-nl/baken/internal/store/storetest"
)

// BenchmarkLogin signs in on SQLite with the production password cost
// (password.Default): a known account with the right password (rotating the
// session each time, as a browser would) and an unknown address, which must
// cost the same.
func BenchmarkLogin(b *testing.B) {
	cfg := testConfig
	cfg.Params = password.Default
	cfg.MaxFailures = 1 << 30 // the unknown address must not be locked out during the run
	f := newFixture(b, storetest.New(b, store.SQLite), nil, cfg)
	b.Run("known", func(b *testing.B) {
		b.ReportAllocs()
		cookie := ""
		for b.Loop() {
			c, _, err := f.auth.Login(f.ctx, f.sig.Email, testPassword, cookie)
			if err != nil {
				b.Fatal(err)
			}
			cookie = c
		}
	})
	b.Run("unknown", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := f.auth.Login(f.ctx, "niemand@groningen.nl", testPassword, ""); err != auth.ErrInvalidCredentials {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSessionUser looks up the user of a session cookie: the work every
// signed-in request does.
func BenchmarkSessionUser(b *testing.B) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		b.Run(string(d), func(b *testing.B) {
			f := newFixture(b, storetest.New(b, d), nil, testConfig)
			cookie := f.login(b, f.sig.Email)
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := f.auth.SessionUser(f.ctx, cookie); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
