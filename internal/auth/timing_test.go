package auth_test

import (
	"runtime"
	"testing"

	"github.com/baken-nl/baken/internal/auth"
	"github.com/baken-nl/baken/internal/auth/password"
)

// allocated returns the bytes the process allocated while fn ran. argon2id
// allocates its whole memory cost at once, so this shows whether a password
// was checked, and at which cost, without measuring time.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// Every way a login can go that checks a password runs one argon2id check at
// the configured cost, so that the time of an answer tells nothing about
// whether the address exists or is disabled. A locked address — known or
// unknown alike — is refused before any hashing (F2: a locked-out flood
// costs no memory), with the same answer for both. This is checked
// structurally, through the memory argon2id allocates, not with a timer.
func TestEveryLoginPaysThePasswordCost(t *testing.T) {
	cfg := testConfig
	cfg.Params = password.Params{Memory: 16 * 1024, Time: 1, Threads: 1}
	cost := uint64(cfg.Params.Memory) * 1024
	eachWith(t, cfg, func(t *testing.T, f *fixture) {
		f.exec(t, `UPDATE users SET disabled_at = ? WHERE id = ?`, f.clk.Now(), f.colleague.ID)
		for range cfg.MaxFailures {
			if _, _, err := f.auth.Login(f.ctx, f.zuidAdmin.Email, "wrong password", ""); err != auth.ErrInvalidCredentials {
				t.Fatal(err)
			}
			if _, _, err := f.auth.Login(f.ctx, "vergrendeld@example.nl", "wrong password", ""); err != auth.ErrInvalidCredentials {
				t.Fatal(err)
			}
		}
		tests := []struct {
			name, email, password string
			want                  error
			hashes                bool
		}{
			{"known address, right password", f.sig.Email, testPassword, nil, true},
			{"known address, wrong password", f.noordAdmin.Email, "wrong password", auth.ErrInvalidCredentials, true},
			{"unknown address", "niemand@groningen.nl", testPassword, auth.ErrInvalidCredentials, true},
			{"disabled account", f.colleague.Email, testPassword, auth.ErrInvalidCredentials, true},
			{"locked account, right password", f.zuidAdmin.Email, testPassword, auth.ErrLocked, false},
			{"locked unknown address", "vergrendeld@example.nl", testPassword, auth.ErrLocked, false},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				var err error
				n := allocated(func() { _, _, err = f.auth.Login(f.ctx, tc.email, tc.password, "") })
				if err != tc.want {
					t.Fatalf("Login = %v, want %v", err, tc.want)
				}
				switch {
				case tc.hashes && (n < cost || n > cost+cost/2):
					t.Errorf("Login allocated %d KiB, want one argon2id check of %d KiB (and a little)", n/1024, cost/1024)
				case !tc.hashes && n > cost/4:
					t.Errorf("Login allocated %d KiB: a locked address was hashed (%d KiB), want it refused before hashing", n/1024, cost/1024)
				}
			})
		}
		// The measure tells: a call without a password check stays far below it.
		cookie := f.login(t, f.sig.Email)
		if n := allocated(func() { _, _, _ = f.auth.SessionUser(f.ctx, cookie) }); n > cost/4 {
			t.Errorf("SessionUser allocated %d KiB: the measure cannot tell a password check apart", n/1024)
		}
	})
}
