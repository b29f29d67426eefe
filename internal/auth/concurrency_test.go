package auth_test

import (
	"sync"
	"testing"

	"github.com/baken-nl/baken/internal/auth"
)

// Guesses sent at the same moment are throttled like guesses sent one after
// another: no more than MaxFailures of them get an answer other than
// ErrLocked, and none fails with an internal error.
func TestLockoutUnderConcurrency(t *testing.T) {
	tests := []struct{ name, email string }{
		{"known address", "sig@groningen.nl"},
		{"unknown address", "niemand@groningen.nl"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			each(t, func(t *testing.T, f *fixture) {
				const n = 16
				results := f.parallelLogins(n, func(int) string { return tc.email })
				var invalid, locked int
				for _, err := range results {
					switch err {
					case auth.ErrInvalidCredentials:
						invalid++
					case auth.ErrLocked:
						locked++
					default:
						t.Errorf("concurrent login: %v", err)
					}
				}
				if invalid > testConfig.MaxFailures {
					t.Errorf("%d of %d concurrent guesses were checked and answered, want at most %d (then ErrLocked)",
						invalid, n, testConfig.MaxFailures)
				}
				if _, _, err := f.auth.Login(f.ctx, tc.email, testPassword, ""); err != auth.ErrLocked {
					t.Errorf("after %d concurrent failures: %v, want ErrLocked", n, err)
				}
			})
		})
	}
}

// parallelLogins sends n wrong-password sign-ins at the same moment, the
// i-th to email(i), and returns their errors.
func (f *fixture) parallelLogins(n int, email func(i int) string) []error {
	results := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			_, _, results[i] = f.auth.Login(f.ctx, email(i), "wrong password", "")
		})
	}
	close(start)
	wg.Wait()
	return results
}
