package notify_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/baken-nl/baken/internal/notify"
	"github.com/baken-nl/baken/internal/notify/notifytest"
)

// syncBuffer is a log sink safe for the sender's goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestNewSignal(t *testing.T) {
	srv := notifytest.New(t)
	var logs syncBuffer
	n := notify.New(notify.Config{Addr: srv.Addr, From: "baken@gemeente.test", BaseURL: "https://baken.gemeente.test/"},
		slog.New(slog.NewTextHandler(&logs, nil)))
	n.NewSignal(context.Background(), []string{"coordinator.noord@gemeente.test", "tweede@gemeente.test"})
	// One message per recipient (F13: one refusal must not stop the others).
	m, m2 := srv.Next(t), srv.Next(t)
	n.Wait()
	if m.From != "baken@gemeente.test" || strings.Join(m.To, ",") != "coordinator.noord@gemeente.test" ||
		strings.Join(m2.To, ",") != "tweede@gemeente.test" {
		t.Fatalf("envelopes: %+v %+v", m, m2)
	}
	if c := srv.Connections(); c != 1 {
		t.Errorf("%d connections, want one for every recipient", c)
	}
	for _, want := range []string{
		"Subject: Nieuw signaal in Baken / New signal in Baken\r\n",
		"To: undisclosed-recipients:;\r\n",
		"\r\nhttps://baken.gemeente.test/signalen/inbox\r\n",
		"Baken zet nooit persoonsgegevens in e-mail",
		"Baken never puts personal data in e-mail",
	} {
		if !strings.Contains(m.Data, want) {
			t.Errorf("message lacks %q:\n%s", want, m.Data)
		}
	}
	if strings.Contains(m.Data, "coordinator.noord") || strings.Contains(m.Data, "tweede") {
		t.Errorf("the recipients see each other's addresses:\n%s", m.Data)
	}
	if !strings.Contains(logs.String(), "recipients=2") || strings.Contains(logs.String(), "coordinator.noord") {
		t.Errorf("log: %s", logs.String())
	}
}

// TestOneRejectedRecipient (security review F13): a server that refuses one
// recipient (550 at RCPT TO) no longer cancels the notice for everyone: the
// others get it, and the log says which one failed (its position and
// domain, the server's reply redacted) without any address.
func TestOneRejectedRecipient(t *testing.T) {
	srv := notifytest.New(t)
	srv.Reject("vertrokken.collega@gemeente.test")
	var logs syncBuffer
	n := notify.New(notify.Config{Addr: srv.Addr, From: "baken@gemeente.test", BaseURL: "https://baken.gemeente.test/"},
		slog.New(slog.NewTextHandler(&logs, nil)))
	n.NewSignal(context.Background(), []string{"eerste@gemeente.test", "vertrokken.collega@gemeente.test", "derde@regio.test"})
	got := []string{strings.Join(srv.Next(t).To, ","), strings.Join(srv.Next(t).To, ",")}
	n.Wait()
	if strings.Join(got, " ") != "eerste@gemeente.test derde@regio.test" {
		t.Fatalf("delivered to %v", got)
	}
	select {
	case m := <-srv.Messages:
		t.Fatalf("a message for the refused recipient: %+v", m)
	default:
	}
	out := logs.String()
	for _, want := range []string{"e-mail notice not delivered to one recipient", "recipient=2", "domain=gemeente.test",
		"5.1.1", "e-mail notice sent", "recipients=3", "delivered=2", "failed=1"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q: %s", want, out)
		}
	}
	for _, addr := range []string{"vertrokken", "eerste", "derde"} {
		if strings.Contains(out, addr) {
			t.Errorf("log holds an address (%s): %s", addr, out)
		}
	}
	// Send itself says who was not reached, by position.
	err := notify.New(notify.Config{Addr: srv.Addr, From: "baken@gemeente.test", BaseURL: "http://x"}, slog.New(slog.DiscardHandler)).
		Send(context.Background(), []string{"vertrokken.collega@gemeente.test", "eerste@gemeente.test"}, notify.NewSignalMessage("http://x"))
	var pe *notify.PartialError
	if !errors.As(err, &pe) || pe.Total != 2 || len(pe.Failed) != 1 || pe.Failed[0].Index != 0 || pe.Failed[0].Domain != "gemeente.test" {
		t.Fatalf("Send = %v", err)
	}
	if m := srv.Next(t); strings.Join(m.To, ",") != "eerste@gemeente.test" {
		t.Fatalf("delivered %+v", m)
	}
}

func TestNoRecipients(t *testing.T) {
	srv := notifytest.New(t)
	n := notify.New(notify.Config{Addr: srv.Addr, From: "baken@gemeente.test", BaseURL: "http://x"}, slog.New(slog.DiscardHandler))
	n.NewSignal(context.Background(), nil)
	n.Wait()
	if c := srv.Connections(); c != 0 {
		t.Fatalf("%d connections for no recipients", c)
	}
}

func TestUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens here now
	var logs syncBuffer
	n := notify.New(notify.Config{Addr: addr, From: "baken@gemeente.test", BaseURL: "http://x"},
		slog.New(slog.NewTextHandler(&logs, nil)))
	n.NewSignal(context.Background(), []string{"jan.jansen@gemeente.test"})
	n.Wait()
	out := logs.String()
	if !strings.Contains(out, "e-mail notice not sent") || !strings.Contains(out, "recipients=1") {
		t.Fatalf("failure not logged: %s", out)
	}
	if strings.Contains(out, "jan.jansen") {
		t.Fatalf("log holds an address: %s", out)
	}
}

func TestRedact(t *testing.T) {
	got := notify.Redact("550 5.1.1 <jan.jansen@gemeente.test>: Recipient address rejected; also piet@x.nl")
	if strings.Contains(got, "jan.jansen") || strings.Contains(got, "piet") || !strings.Contains(got, "@gemeente.test") {
		t.Fatalf("Redact = %q", got)
	}
}
