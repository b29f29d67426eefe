package signal_test

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/auth/password"
	"github.com/baken-nl/baken/internal/notify"
	"github.com/baken-nl/baken/internal/notify/notifytest"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/signal"
	"github.com/baken-nl/baken/internal/store"
)

type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (f *fixture) email(t testing.TB, s policy.Subject) string {
	t.Helper()
	var e string
	if err := f.db.Tx(f.ctx, func(tx *store.Tx) error {
		return tx.QueryRow(f.ctx, `SELECT email FROM users WHERE id = ?`, s.UserID).Scan(&e)
	}); err != nil {
		t.Fatal(err)
	}
	return e
}

// moreCoordinators adds a care coordinator working for Assen (in Noord) and
// a disabled one of Noord, and returns the Assen coordinator's address.
func (f *fixture) moreCoordinators(t testing.TB) string {
	t.Helper()
	orgs := org.NewService(f.db, audit.New(f.keys), password.Fast)
	add := func(email, orgID string) org.User {
		u, err := orgs.CreateUser(f.ctx, org.System, org.UserInput{Email: email, Name: "Coördinator", OrganisationID: orgID,
			Roles: []policy.Role{policy.Zorgcoordinator}, Password: "correct horse battery staple"})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	add("coordinator.assen@baken.test", f.assen.ID)
	gone := add("vertrokken.noord@baken.test", f.noord.ID)
	if err := f.db.Tx(f.ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(f.ctx, `UPDATE users SET disabled_at = ? WHERE id = ?`, tx.Now, gone.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return "coordinator.assen@baken.test"
}

func noMessage(t *testing.T, srv *notifytest.Server, n *notify.SMTP, before int) {
	t.Helper()
	n.Wait()
	if c := srv.Connections(); c != before || len(srv.Messages) != 0 {
		t.Fatalf("SMTP server got %d connections (want %d) and %d messages, want none", c, before, len(srv.Messages))
	}
}

func TestEmailNotice(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		assen := f.moreCoordinators(t)
		srv := notifytest.New(t)
		var logs logBuffer
		n := notify.New(notify.Config{Addr: srv.Addr, From: "baken@gemeente.test", BaseURL: "https://baken.gemeente.test"},
			slog.New(slog.NewTextHandler(&logs, nil)))
		f.svc.SetNotifier(n)

		in := input()
		sig := f.create(t, f.sig, in)
		// One message per recipient (F13).
		m, m2 := srv.Next(t), srv.Next(t)
		n.Wait()
		want := []string{f.email(t, f.coordNoord), assen}
		slices.Sort(want)
		got := append(slices.Clone(m.To), m2.To...)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("notice went to %v, want Noord's active coordinators %v (not Zuid's %s)", got, want, f.email(t, f.coordZuid))
		}
		if !strings.Contains(m.Data, "\r\nhttps://baken.gemeente.test/signalen/inbox\r\n") {
			t.Errorf("no inbox link:\n%s", m.Data)
		}
		for _, secret := range []string{in.Persons[0].Alias, in.Persons[1].Alias, in.Persons[0].Name, in.Persons[0].Contact,
			"Oosterstraat", in.Place, in.CameToLight, "Zorgwekkend-xq7", sig.Reference, sig.ID, "Groningen"} {
			if strings.Contains(m.Data, secret) {
				t.Errorf("the e-mail holds %q:\n%s", secret, m.Data)
			}
		}
		if len(srv.Messages) != 0 {
			t.Fatalf("%d more messages, want one per recipient", len(srv.Messages))
		}
		for _, secret := range []string{"coordinator.assen", in.Persons[0].Alias, sig.Reference, sig.ID} {
			if strings.Contains(logs.String(), secret) {
				t.Errorf("the log holds %q: %s", secret, logs.String())
			}
		}

		// Zuid's signal goes to Zuid's coordinator only.
		f.create(t, f.sigZuid, consultation())
		if m := srv.Next(t); !slices.Equal(m.To, []string{f.email(t, f.coordZuid)}) {
			t.Fatalf("Zuid's notice went to %v", m.To)
		}

		// A failed create sends nothing.
		n.Wait()
		before := srv.Connections()
		bad := input()
		bad.Department = "nope"
		if _, err := f.svc.Create(f.ctx, f.sig, bad); err == nil {
			t.Fatal("invalid signal accepted")
		}
		if _, err := f.svc.Create(f.ctx, f.sigZuid, signal.Input{Department: "wmo", ObservedOn: "2026-02-27",
			MunicipalityID: f.groningen.ID}); err == nil {
			t.Fatal("signal for another region accepted")
		}
		noMessage(t, srv, n, before)
	})
}

func TestEmailNoticeOff(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		srv := notifytest.New(t)
		// The fixture's service has no notifier: no SMTP configured.
		f.create(t, f.sig, input())
		f.create(t, f.sigZuid, consultation())
		if c := srv.Connections(); c != 0 {
			t.Fatalf("SMTP server got %d connections without SMTP configured", c)
		}
	})
}

func TestEmailNoticeUnreachable(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close() // nothing listens there any more
		var logs logBuffer
		n := notify.New(notify.Config{Addr: addr, From: "baken@gemeente.test", BaseURL: "https://baken.gemeente.test"},
			slog.New(slog.NewTextHandler(&logs, nil)))
		f.svc.SetNotifier(n)
		in := input()
		sig, err := f.svc.Create(context.Background(), f.sig, in)
		if err != nil {
			t.Fatalf("an unreachable mail server failed the create: %v", err)
		}
		if got, err := f.svc.Get(f.ctx, f.coordNoord, sig.ID); err != nil || got.Reference != sig.Reference {
			t.Fatalf("signal not stored: %v", err)
		}
		n.Wait()
		out := logs.String()
		if !strings.Contains(out, "e-mail notice not sent") || !strings.Contains(out, "recipients=1") {
			t.Fatalf("failure not logged: %s", out)
		}
		local, _, _ := strings.Cut(f.email(t, f.coordNoord), "@")
		for _, secret := range []string{local + "@", in.Persons[0].Alias, sig.Reference, sig.ID} {
			if strings.Contains(out, secret) {
				t.Errorf("the log holds %q: %s", secret, out)
			}
		}
	})
}
