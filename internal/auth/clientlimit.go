package auth

import (
	"container/list"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/baken-nl/baken/internal/errs"
)

// ErrClientThrottled answers a sign-in from a client address that sent more
// attempts than its limit allows (429 with Retry-After at the edges).
var ErrClientThrottled = errs.E(errs.TooMany, "auth.client_throttled")

// clientLimiter limits sign-in attempts per client address, beside the
// per-account throttle: a token bucket (golang.org/x/time/rate) per address
// of perMinute attempts a minute with a burst of as many. It is held in
// memory, not in the database, so that anonymous clients cannot fill the
// database; the map holds at most maxClients addresses, the least recently
// seen going first when a new one comes (a bucket that has been idle long
// enough to be full again loses nothing by going).
type clientLimiter struct {
	mu         sync.Mutex
	perMinute  int
	maxClients int
	order      *list.List // of *clientBucket, most recently seen first
	byKey      map[string]*list.Element
}

type clientBucket struct {
	key string
	lim *rate.Limiter
}

func newClientLimiter(perMinute, maxClients int) *clientLimiter {
	return &clientLimiter{perMinute: perMinute, maxClients: maxClients, order: list.New(),
		byKey: make(map[string]*list.Element, min(maxClients, 1024))}
}

// allow counts one attempt of key at now; when the bucket is empty it
// returns how long until the next attempt is allowed.
func (l *clientLimiter) allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var b *clientBucket
	if e, ok := l.byKey[key]; ok {
		l.order.MoveToFront(e)
		b = e.Value.(*clientBucket)
	} else {
		for l.order.Len() >= l.maxClients {
			oldest := l.order.Back()
			l.order.Remove(oldest)
			delete(l.byKey, oldest.Value.(*clientBucket).key)
		}
		b = &clientBucket{key: key, lim: rate.NewLimiter(rate.Every(time.Minute/time.Duration(l.perMinute)), l.perMinute)}
		l.byKey[key] = l.order.PushFront(b)
	}
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// len is the number of addresses held.
func (l *clientLimiter) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.byKey)
}

// AllowClient counts a sign-in attempt of the client with key (see
// httpx.ClientKey) and returns ErrClientThrottled, carrying the wait, when
// the client has used up its attempts. Nothing is written to the database
// or the processing log: no account is involved yet.
func (s *Service) AllowClient(key string) error {
	ok, wait := s.clients.allow(key, time.Now())
	if ok {
		return nil
	}
	e := *ErrClientThrottled
	e.RetryAfter = wait
	return &e
}
