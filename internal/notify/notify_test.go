package notify_test

import (
	"bytes"
	"context"
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
	m := srv.Next(t)
	n.Wait()
	if m.From != "baken@gemeente.test" || strings.Join(m.To, ",") != "coordinator.noord@gemeente.test,tweede@gemeente.test" {
		t.Fatalf("envelope: %+v", m)
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
