// Package password hashes and checks passwords with argon2id (RFC 9106),
// stored in the PHC string format so parameters can be raised later.
//
// Every hash and check in the process passes one memory bound: argon2id
// allocates its whole memory cost (64 MiB by default) at once, so hashes
// run at the same time only while their memory fits the configured budget
// (SetMemoryBudget). A hash that cannot start within the wait gets ErrBusy
// instead of an allocation.
package password

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/argon2"
	"golang.org/x/sync/semaphore"

	"github.com/baken-nl/baken/internal/errs"
)

// DefaultMemoryBudget is the memory all argon2id hashes running at the same
// time may use together when nothing else is configured: four at 64 MiB.
const DefaultMemoryBudget = 256 << 20

// DefaultWait is how long a hash waits for room in the budget before ErrBusy.
const DefaultWait = 2 * time.Second

// ErrBusy answers a hash or check that found no room in the memory budget
// within the wait: 503 with Retry-After at the edges, no password checked.
var ErrBusy = &errs.Error{Code: errs.Unavailable, Key: "auth.busy", RetryAfter: 5 * time.Second}

// limiter is the process's memory bound: a weighted semaphore counting KiB.
type limiter struct {
	sem    *semaphore.Weighted
	budget int64 // KiB
	wait   time.Duration
}

var current atomic.Pointer[limiter]

func init() { SetMemoryBudget(0, 0) }

// SetMemoryBudget sets the memory (bytes; <= 0: DefaultMemoryBudget) that
// the hashes running at the same time may use together, and how long a hash
// waits for room (<= 0: DefaultWait). A budget below one hash's memory still
// lets one hash run at a time. Hashes already running keep the old bound
// until they end; it is meant to be called once, at start-up.
func SetMemoryBudget(bytes int64, wait time.Duration) {
	if bytes <= 0 {
		bytes = DefaultMemoryBudget
	}
	if wait <= 0 {
		wait = DefaultWait
	}
	kib := max(bytes/1024, 1)
	current.Store(&limiter{sem: semaphore.NewWeighted(kib), budget: kib, wait: wait})
}

// Slots returns how many hashes of params p may run at the same time.
func Slots(p Params) int {
	l := current.Load()
	return int(max(l.budget/max(int64(p.Memory), 1), 1))
}

// Hold takes the whole budget until release is called: no hash or check
// starts meanwhile (they wait, then answer ErrBusy). For tests of the busy
// answer, and for an operator's maintenance code that must keep hashing off.
func Hold(ctx context.Context) (release func(), err error) {
	l := current.Load()
	if err := l.sem.Acquire(ctx, l.budget); err != nil {
		return nil, err
	}
	return func() { l.sem.Release(l.budget) }, nil
}

// reserve waits (at most the limiter's wait, and no longer than ctx lives)
// until memKiB fits the budget, and returns the function that gives it back.
func reserve(ctx context.Context, memKiB uint32) (release func(), err error) {
	l := current.Load()
	w := min(max(int64(memKiB), 1), l.budget) // one hash larger than the budget runs alone
	if l.sem.TryAcquire(w) {
		return func() { l.sem.Release(w) }, nil
	}
	wctx, cancel := context.WithTimeout(ctx, l.wait)
	defer cancel()
	if err := l.sem.Acquire(wctx, w); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, ErrBusy
	}
	return func() { l.sem.Release(w) }, nil
}

// Params are argon2id cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// Default follows RFC 9106's second recommended option (64 MiB, 3 passes).
var Default = Params{Memory: 64 * 1024, Time: 3, Threads: 2}

// Fast is for tests only.
var Fast = Params{Memory: 1024, Time: 1, Threads: 1}

// MinLength and MaxLength bound a new password (BIO: long passphrases over complexity rules).
const (
	MinLength = 12
	MaxLength = 1024
)

// Hash returns the PHC string of pw, within the memory budget (ErrBusy when
// no room comes free within the wait).
func Hash(pw string, p Params) (string, error) { return HashContext(context.Background(), pw, p) }

// HashContext is Hash that stops waiting for room when ctx ends.
func HashContext(ctx context.Context, pw string, p Params) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	release, err := reserve(ctx, p.Memory)
	if err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, 32)
	release()
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// Dummy returns a PHC string with params p that no password matches, for
// checking unknown users at the same cost as known ones. Nothing is hashed
// to make it: the cost is paid when it is checked.
func Dummy(p Params) string {
	salt, key := make([]byte, 16), make([]byte, 32)
	if _, err := rand.Read(salt); err != nil {
		panic(err)
	}
	if _, err := rand.Read(key); err != nil {
		panic(err)
	}
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

var errFormat = errors.New("password: not an argon2id hash")

// Check reports whether pw matches the PHC string, in constant time, within
// the memory budget (false and ErrBusy when no room comes free in the wait).
func Check(pw, encoded string) (bool, error) { return CheckContext(context.Background(), pw, encoded) }

// CheckContext is Check that stops waiting for room when ctx ends.
func CheckContext(ctx context.Context, pw, encoded string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errFormat
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false, errFormat
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil ||
		p.Time < 1 || p.Threads < 1 || p.Memory < 8*uint32(p.Threads) || p.Memory > 4<<20 {
		return false, errFormat
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false, errFormat
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) < 16 || len(want) > 64 {
		return false, errFormat
	}
	release, err := reserve(ctx, p.Memory)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	release()
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
