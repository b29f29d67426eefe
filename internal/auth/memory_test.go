package auth_test

import (
	"bufio"
	"errors"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/auth"
	"github.com/baken-nl/baken/internal/auth/password"
)

// procStatus reads a "Vm…" line of /proc/self/status, in bytes.
func procStatus(t *testing.T, field string) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatalf("%s: %v", field, err)
			}
			return kb << 10
		}
	}
	t.Fatalf("no %s in /proc/self/status", field)
	return 0
}

// TestParallelLoginsStayWithinTheMemoryBudget (F2): 32 anonymous sign-ins
// at once, at the default argon2id cost (64 MiB each), raise the process's
// peak resident memory by no more than a small multiple of the hashing
// budget (128 MiB here: two hashes at a time), not by 32 × 64 MiB (2 GiB). The peak
// is the kernel's high-water mark (VmHWM, reset through
// /proc/self/clear_refs before the burst).
func TestParallelLoginsStayWithinTheMemoryBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("hashes 2 GiB worth of argon2id")
	}
	const budget = 128 << 20
	password.SetMemoryBudget(budget, time.Minute) // a long wait: every login is hashed, none answered busy
	t.Cleanup(func() { password.SetMemoryBudget(0, 0) })
	cfg := testConfig
	// The default memory cost; one pass instead of three keeps the test quick.
	cfg.Params = password.Params{Memory: password.Default.Memory, Time: 1, Threads: password.Default.Threads}
	cfg.MaxFailures = 1000 // every one of the burst is checked, none refused as locked
	eachWith(t, cfg, func(t *testing.T, f *fixture) {
		runtime.GC()
		debug.FreeOSMemory()
		if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
			t.Skipf("cannot reset the peak resident memory: %v", err)
		}
		base := procStatus(t, "VmHWM")
		const n = 32
		results := f.parallelLogins(n, func(i int) string { return "niemand" + strconv.Itoa(i) + "@example.nl" })
		peak := procStatus(t, "VmHWM")
		for i, err := range results {
			if !errors.Is(err, auth.ErrInvalidCredentials) {
				t.Errorf("login %d: %v, want ErrInvalidCredentials", i, err)
			}
		}
		rise := peak - base
		t.Logf("%d parallel logins at 64 MiB, budget %d MiB: peak RSS %d MiB -> %d MiB (+%d MiB)",
			n, budget>>20, base>>20, peak>>20, rise>>20)
		// Two hashes' memory live, and the garbage of finished ones until the
		// collector runs (GOGC=100 lets the heap reach twice the live heap):
		// measured 257–376 MiB; without the bound 2 GiB.
		if limit := int64(4 * budget); rise > limit {
			t.Errorf("peak resident memory rose by %d MiB, want at most %d MiB (4 × the budget)", rise>>20, limit>>20)
		}
	})
}
