package auth

import (
	"strconv"
	"testing"
	"time"
)

// TestClientLimiter: a client address gets its burst of attempts, then waits
// for the bucket to refill (the wait is told), other addresses are not
// affected, and the number of addresses held never exceeds the bound.
func TestClientLimiter(t *testing.T) {
	const perMinute, maxClients = 6, 100
	l := newClientLimiter(perMinute, maxClients)
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	for i := range perMinute {
		if ok, _ := l.allow("192.0.2.7", now); !ok {
			t.Fatalf("attempt %d of the burst refused", i+1)
		}
	}
	ok, wait := l.allow("192.0.2.7", now)
	if ok || wait != 10*time.Second {
		t.Fatalf("attempt after the burst: allowed %v, wait %v; want refused, wait 10s", ok, wait)
	}
	if ok, _ := l.allow("192.0.2.8", now); !ok {
		t.Error("another address refused")
	}
	if ok, _ := l.allow("192.0.2.7", now.Add(10*time.Second)); !ok {
		t.Error("refused after the told wait")
	}
	if ok, _ := l.allow("192.0.2.7", now.Add(10*time.Second)); ok {
		t.Error("a refused attempt was not given back, or the bucket refilled too fast")
	}
	// Many addresses: the map stays bounded, the least recently seen go.
	for i := range 10 * maxClients {
		l.allow("198.51.100."+strconv.Itoa(i), now)
		if n := l.len(); n > maxClients {
			t.Fatalf("%d addresses held, bound %d", n, maxClients)
		}
	}
	if _, held := l.byKey["192.0.2.7"]; held {
		t.Error("the least recently seen address was not evicted")
	}
}
