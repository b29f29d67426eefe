package app

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/auth/password"
	"github.com/baken-nl/baken/internal/config"
	"github.com/baken-nl/baken/internal/store"
	"github.com/baken-nl/baken/internal/store/storetest"
)

func testConfig(t testing.TB, d store.Dialect) config.Config {
	cfg := config.Defaults()
	cfg.DB = storetest.URL(t, d)
	cfg.KeyFile = filepath.Join(t.TempDir(), "baken.key")
	cfg.ShutdownTimeout = 10 * time.Second
	return cfg
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestGracefulShutdownFinishesInFlight: after the stop signal the server
// accepts no new connections but the request already being served completes.
func TestGracefulShutdownFinishesInFlight(t *testing.T) {
	a, err := Open(context.Background(), testConfig(t, store.SQLite), quiet(), Options{PasswordParams: password.Fast})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	started, release := make(chan struct{}), make(chan struct{})
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		io.WriteString(w, "finished")
	})
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- a.serve(ctx, ln, slow) }()

	type reply struct {
		body string
		err  error
	}
	got := make(chan reply, 1)
	go func() {
		resp, err := http.Get("http://" + addr + "/slow")
		if err != nil {
			got <- reply{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- reply{string(b), err}
	}()
	<-started
	cancel()
	// Wait until the listener is closed: new connections are refused.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("listener still accepting after shutdown began")
		}
		time.Sleep(10 * time.Millisecond)
	}
	close(release)
	r := <-got
	if r.err != nil || r.body != "finished" {
		t.Fatalf("in-flight request: %q %v", r.body, r.err)
	}
	if err := <-served; err != nil {
		t.Fatalf("serve: %v", err)
	}
}

func TestOpsEndpoints(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			a, err := Open(context.Background(), testConfig(t, d), quiet(), Options{PasswordParams: password.Fast})
			if err != nil {
				t.Fatal(err)
			}
			h, err := a.Handler()
			if err != nil {
				t.Fatal(err)
			}
			srv := newServer(t, h)
			// The metrics live on their own listener (F7), never on the app port.
			mln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			mdone := make(chan error, 1)
			go func() { mdone <- a.ServeMetrics(ctx, mln) }()
			defer func() {
				cancel()
				if err := <-mdone; err != nil {
					t.Errorf("metrics listener: %v", err)
				}
			}()
			metricsURL := "http://" + mln.Addr().String()
			// In this order: /metrics counts the two requests before it.
			for _, c := range []struct{ base, path, want string }{{srv, "/healthz", "ok"}, {srv, "/readyz", "ready"},
				{metricsURL, "/metrics", `baken_http_requests_total{method="GET",route="GET /readyz",status="200"} 1`}} {
				path, want := c.path, c.want
				resp, err := http.Get(c.base + path)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || !strings.Contains(string(b), want) {
					t.Errorf("%s: %d, want %q in the body", path, resp.StatusCode, want)
				}
				if resp.Header.Get("X-Request-Id") == "" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
					t.Errorf("%s: missing request id or CSP", path)
				}
			}
			// The app port has no metrics: the 404 page, without a counter in it.
			resp, err := http.Get(srv + "/metrics")
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotFound || strings.Contains(string(b), "baken_http_requests_total") {
				t.Errorf("/metrics on the app port: %d, want 404 without metrics", resp.StatusCode)
			}
			// The metrics listener serves nothing else.
			resp, err = http.Get(metricsURL + "/healthz")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("/healthz on the metrics listener: %d, want 404", resp.StatusCode)
			}
			// The database goes away: readiness says so, liveness does not.
			a.Close()
			resp, err = http.Get(srv + "/readyz")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("/readyz with the database closed: %d", resp.StatusCode)
			}
			resp, _ = http.Get(srv + "/healthz")
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("/healthz with the database closed: %d", resp.StatusCode)
			}
		})
	}
}

func newServer(t testing.TB, h http.Handler) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &http.Server{Handler: h}
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	return "http://" + ln.Addr().String()
}

// BenchmarkColdStartToReady measures, on an existing SQLite database, the
// time from opening the app (key file, database, migrations check, services,
// templates) to the first 200 from /readyz.
func BenchmarkColdStartToReady(b *testing.B) {
	cfg := testConfig(b, store.SQLite)
	a, err := Open(context.Background(), cfg, quiet(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	a.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a, err := Open(context.Background(), cfg, quiet(), Options{})
		if err != nil {
			b.Fatal(err)
		}
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		ctx, cancel := context.WithCancel(context.Background())
		h, err := a.Handler()
		if err != nil {
			b.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- a.serve(ctx, ln, h) }()
		resp, err := http.Get("http://" + ln.Addr().String() + "/readyz")
		if err != nil || resp.StatusCode != 200 {
			b.Fatalf("readyz: %v", err)
		}
		resp.Body.Close()
		b.StopTimer()
		cancel()
		<-done
		a.Close()
		b.StartTimer()
	}
}

// TestSMTPWiring: e-mail notices are off unless an SMTP server is configured.
func TestSMTPWiring(t *testing.T) {
	a, err := Open(context.Background(), testConfig(t, store.SQLite), quiet(), Options{PasswordParams: password.Fast})
	if err != nil {
		t.Fatal(err)
	}
	if a.Notify != nil {
		t.Fatal("a notifier without SMTP configured")
	}
	a.Close()
	cfg := testConfig(t, store.SQLite)
	cfg.SMTPAddr, cfg.SMTPFrom = "127.0.0.1:2525", "baken@gemeente.test"
	a, err = Open(context.Background(), cfg, quiet(), Options{PasswordParams: password.Fast})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if a.Notify == nil {
		t.Fatal("no notifier with SMTP configured")
	}
}
