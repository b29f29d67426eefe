package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/baken-nl/baken/internal/app"
	"github.com/baken-nl/baken/internal/auth/password"
	"github.com/baken-nl/baken/internal/config"
	"github.com/baken-nl/baken/internal/demo"
	"github.com/baken-nl/baken/internal/store"
	"github.com/baken-nl/baken/internal/store/storetest"
)

type result struct {
	code           int
	stdout, stderr string
}

// cli runs baken with args against the database URL and key file of dir.
func cli(t *testing.T, dbURL, keyFile, stdin string, envs map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	lookup := func(k string) (string, bool) {
		switch k {
		case "BAKEN_DB":
			return dbURL, dbURL != ""
		case "BAKEN_KEY_FILE":
			return keyFile, keyFile != ""
		}
		v, ok := envs[k]
		return v, ok
	}
	code := run(context.Background(), args, env{strings.NewReader(stdin), &out, &errb, lookup})
	return result{code, out.String(), errb.String()}
}

func eachDB(t *testing.T, fn func(t *testing.T, dbURL, keyFile string)) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			fn(t, storetest.URL(t, d), filepath.Join(t.TempDir(), "baken.key"))
		})
	}
}

func TestHelpForEveryCommand(t *testing.T) {
	for _, c := range commands() {
		args := append(splitWords(c.name), "--help")
		r := cli(t, "", "", "", nil, args...)
		if r.code != 0 || !strings.Contains(r.stdout, "Usage: baken "+c.name) {
			t.Errorf("%s --help: code %d, stdout %q stderr %q", c.name, r.code, r.stdout, r.stderr)
		}
	}
	if r := cli(t, "", "", "", nil, "--help"); r.code != 0 || !strings.Contains(r.stdout, "audit verify") {
		t.Errorf("baken --help: %+v", r)
	}
	if r := cli(t, "", "", "", nil); r.code != exitUsage {
		t.Errorf("baken without command: %d", r.code)
	}
	for _, args := range [][]string{{"frobnicate"}, {"user"}, {"audit", "shred"}, {"serve", "--no-such-flag"}, {"version", "extra"}} {
		if r := cli(t, "", "", "", nil, args...); r.code != exitUsage || r.stderr == "" {
			t.Errorf("%v: code %d stderr %q", args, r.code, r.stderr)
		}
	}
	if r := cli(t, "", "", "", nil, "version"); r.code != 0 || !strings.HasPrefix(r.stdout, "baken ") {
		t.Errorf("version: %+v", r)
	}
}

func TestAccountsTokensAndAudit(t *testing.T) {
	eachDB(t, func(t *testing.T, dbURL, keyFile string) {
		if r := cli(t, dbURL, keyFile, "", nil, "migrate", "--status"); r.code != 0 || !strings.Contains(r.stdout, "pending: 0001_foundation") {
			t.Fatalf("migrate --status on empty db: %+v", r)
		}
		if r := cli(t, dbURL, keyFile, "", nil, "migrate"); r.code != 0 || !strings.Contains(r.stdout, "applied: 0001_foundation") {
			t.Fatalf("migrate: %+v", r)
		}
		if r := cli(t, dbURL, keyFile, "", nil, "migrate"); r.code != 0 || !strings.Contains(r.stdout, "up to date") {
			t.Fatalf("migrate again: %+v", r)
		}
		seed(t, dbURL, keyFile)

		// Bad input: every error at once, nothing written.
		r := cli(t, dbURL, keyFile, "short\n", nil, "user", "add", "--email", "not-an-email", "--org", "Gemeente A", "--role", "koning", "--password-stdin")
		if r.code != exitFailure || !strings.Contains(r.stderr, "email:") || !strings.Contains(r.stderr, "name:") ||
			!strings.Contains(r.stderr, "roles:") || !strings.Contains(r.stderr, "password:") {
			t.Fatalf("invalid user add: %+v", r)
		}
		if r := cli(t, dbURL, keyFile, "", nil, "user", "add", "--email", "x@baken.test", "--name", "X", "--org", "Nergens", "--role", "analist"); r.code != exitFailure || !strings.Contains(r.stderr, "no organisation") {
			t.Fatalf("unknown org: %+v", r)
		}

		r = cli(t, dbURL, keyFile, "een lang genoeg wachtwoord\n", nil, "user", "add", "--email", "Wmo@Gemeente-A.test", "--name", "Wim Wmo", "--org", "Gemeente A", "--role", "signaleerder", "--password-stdin")
		if r.code != 0 || !strings.Contains(r.stdout, "created wmo@gemeente-a.test") || strings.Contains(r.stdout, "password:") {
			t.Fatalf("user add: %+v", r)
		}
		r = cli(t, dbURL, keyFile, "", nil, "user", "add", "--email", "gen@gemeente-a.test", "--name", "Gen", "--org", "Gemeente A", "--role", "analist", "--role", "signaleerder")
		if r.code != 0 || !strings.Contains(r.stdout, "password: ") {
			t.Fatalf("user add with generated password: %+v", r)
		}
		if r := cli(t, dbURL, keyFile, "een lang genoeg wachtwoord\n", nil, "user", "add", "--email", "wmo@gemeente-a.test", "--name", "Dubbel", "--org", "Gemeente A", "--role", "signaleerder", "--password-stdin"); r.code != exitFailure || !strings.Contains(r.stderr, "already exists") {
			t.Fatalf("duplicate user: %+v", r)
		}

		r = cli(t, dbURL, keyFile, "", nil, "token", "create", "--user", "wmo@gemeente-a.test", "--name", "script")
		lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
		token := lines[len(lines)-1]
		if r.code != 0 || !strings.HasPrefix(token, "bkn_") || len(token) < 40 {
			t.Fatalf("token create: %+v", r)
		}
		if !strings.Contains(r.stdout, "valid until "+time.Now().UTC().AddDate(0, 0, 90).Format("2006-01-02")) {
			t.Errorf("token create does not tell the default expiry: %s", r.stdout)
		}
		r = cli(t, dbURL, keyFile, "", nil, "token", "create", "--user", "wmo@gemeente-a.test", "--name", "week", "--days", "7")
		if r.code != 0 || !strings.Contains(r.stdout, "valid until "+time.Now().UTC().AddDate(0, 0, 7).Format("2006-01-02")) {
			t.Errorf("token create --days 7: %+v", r)
		}
		if r := cli(t, dbURL, keyFile, "", nil, "token", "create", "--user", "wmo@gemeente-a.test", "--days", "366"); r.code != exitFailure {
			t.Errorf("token create --days 366: %+v", r)
		}
		if r := cli(t, dbURL, keyFile, "", nil, "token", "create", "--user", "nobody@baken.test"); r.code != exitFailure {
			t.Fatalf("token for unknown user: %+v", r)
		}
		if r := cli(t, dbURL, keyFile, "", nil, "token", "create"); r.code != exitUsage {
			t.Fatalf("token without --user: %+v", r)
		}

		r = cli(t, dbURL, keyFile, "", nil, "audit", "list", "--action", "token.create", "--json")
		if r.code != 0 {
			t.Fatalf("audit list: %+v", r)
		}
		var rec struct {
			Action, ActorID string
			Seq             int64
		}
		if err := json.Unmarshal([]byte(strings.Split(r.stdout, "\n")[0]), &rec); err != nil || rec.Action != "token.create" || rec.ActorID != "system" {
			t.Fatalf("audit list json: %v %+v in %q", err, rec, r.stdout)
		}
		if strings.Contains(r.stdout, token) {
			t.Fatal("token secret in the processing log")
		}
		r = cli(t, dbURL, keyFile, "", nil, "audit", "list", "--actor", "wmo@gemeente-a.test")
		if r.code != 0 || !strings.Contains(r.stdout, "SEQ") {
			t.Fatalf("audit list table: %+v", r)
		}

		if r := cli(t, dbURL, keyFile, "", nil, "audit", "verify"); r.code != 0 || !strings.HasPrefix(r.stdout, "intact: ") {
			t.Fatalf("audit verify: %+v", r)
		}
		tamperSeq(t, dbURL, 3)
		r = cli(t, dbURL, keyFile, "", nil, "audit", "verify")
		if r.code != exitFailure || !strings.Contains(r.stdout, "first broken record: 3") {
			t.Fatalf("audit verify after tampering: %+v", r)
		}
	})
}

// seed creates the demo organisations and users with the code `serve --demo` runs.
func seed(t *testing.T, dbURL, keyFile string) {
	t.Helper()
	ctx := context.Background()
	cfg := config.Defaults()
	cfg.DB, cfg.KeyFile = dbURL, keyFile
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Options{PasswordParams: password.Fast})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := demo.Seed(ctx, a.Orgs, "demo-wachtwoord-voor-tests"); err != nil {
		t.Fatal(err)
	}
}

func tamperSeq(t *testing.T, dbURL string, seq int) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dbURL, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Tx(ctx, func(tx *store.Tx) error {
		if db.Dialect() == store.Postgres {
			if _, err := tx.Exec(ctx, `ALTER TABLE processing_log DISABLE TRIGGER processing_log_no_change`); err != nil {
				return err
			}
		} else if _, err := tx.Exec(ctx, `DROP TRIGGER processing_log_no_update`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE processing_log SET outcome = 'ok-ish' WHERE seq = ?`, seq)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestBackup(t *testing.T) {
	dir := t.TempDir()
	dbURL := "sqlite:" + filepath.Join(dir, "baken.db")
	keyFile := filepath.Join(dir, "baken.key")
	seed(t, dbURL, keyFile)
	to := filepath.Join(dir, "copy.db")
	r := cli(t, dbURL, keyFile, "", nil, "backup", "--to", to)
	if r.code != 0 || !strings.Contains(r.stdout, "backup written") {
		t.Fatalf("backup: %+v", r)
	}
	// The copy is private (F8), whatever the umask.
	if fi, err := os.Stat(to); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup mode: %v %v, want 0600", fi.Mode().Perm(), err)
	}
	// The copy is a complete database: its log verifies and it holds the users.
	if r := cli(t, "sqlite:"+to, keyFile, "", nil, "audit", "verify"); r.code != 0 {
		t.Fatalf("verify the copy: %+v", r)
	}
	db, err := sql.Open("sqlite", to)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM users`).Scan(&n); err != nil || n != 8 {
		t.Fatalf("users in copy: %d %v", n, err)
	}
	if r := cli(t, dbURL, keyFile, "", nil, "backup", "--to", to); r.code != exitFailure || !strings.Contains(r.stderr, "exists") {
		t.Fatalf("backup over an existing file: %+v", r)
	}
	if r := cli(t, dbURL, keyFile, "", nil, "backup"); r.code != exitUsage {
		t.Fatalf("backup without --to: %+v", r)
	}
	if pg := os.Getenv(storetest.EnvPostgres); pg != "" {
		r := cli(t, pg, keyFile, "", nil, "backup", "--to", filepath.Join(dir, "x"))
		if r.code != exitUsage || !strings.Contains(r.stderr, "pg_dump") {
			t.Fatalf("backup on postgres: %+v", r)
		}
	}
}

func TestStartupFailuresAreClear(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.key")
	os.WriteFile(bad, []byte("not a keyring"), 0o600)
	r := cli(t, "sqlite:"+filepath.Join(dir, "b.db"), bad, "", nil, "serve", "--listen", "127.0.0.1:0")
	if r.code != exitFailure || !strings.Contains(r.stderr, "encryption key") || !strings.Contains(r.stderr, bad) {
		t.Fatalf("bad key file: %+v", r)
	}
	unreadable := filepath.Join(dir, "dir.key")
	os.Mkdir(unreadable, 0o700)
	if r := cli(t, "sqlite:"+filepath.Join(dir, "b.db"), unreadable, "", nil, "serve"); r.code != exitFailure || !strings.Contains(r.stderr, "encryption key") {
		t.Fatalf("unreadable key file: %+v", r)
	}
	r = cli(t, "postgres://baken@127.0.0.1:1/baken?connect_timeout=2", filepath.Join(dir, "k.key"), "", nil, "serve")
	if r.code != exitFailure || !strings.Contains(r.stderr, "not reachable") {
		t.Fatalf("database down: %+v", r)
	}
	if r := cli(t, "mysql://x", filepath.Join(dir, "k.key"), "", nil, "migrate"); r.code != exitFailure || !strings.Contains(r.stderr, "unsupported database") {
		t.Fatalf("unsupported database: %+v", r)
	}
	if r := cli(t, "", "", "", map[string]string{"BAKEN_SESSION_IDLE": "eventually"}, "serve"); r.code != exitUsage || !strings.Contains(r.stderr, "BAKEN_SESSION_IDLE") {
		t.Fatalf("bad env: %+v", r)
	}
}

func TestServeFirstStartAndGracefulStop(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "data", "baken.key")
	dbURL := "sqlite:" + filepath.Join(dir, "baken.db")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb bytes.Buffer
	done := make(chan int)
	go func() {
		lookup := func(k string) (string, bool) {
			m := map[string]string{"BAKEN_DB": dbURL, "BAKEN_KEY_FILE": keyFile, "BAKEN_LISTEN": addr}
			v, ok := m[k]
			return v, ok
		}
		done <- run(ctx, []string{"serve"}, env{strings.NewReader(""), &out, &errb, lookup})
	}()
	url := "http://" + addr
	var resp *http.Response
	for i := 0; i < 200; i++ {
		resp, err = http.Get(url + "/readyz")
		if err == nil {
			break
		}
		time.Sleep(25 * time.Millisecond)
	}
	if err != nil {
		cancel()
		t.Fatalf("server never became ready: %v\n%s", err, errb.String())
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("/readyz: %d", resp.StatusCode)
	}
	st, err := os.Stat(keyFile)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file not generated with mode 0600: %v %v", err, st)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d: %s", code, errb.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop after the signal")
	}
	logs := errb.String()
	for _, want := range []string{"generated a new encryption key", keyFile, "baken is listening", "shutting down", "stopped"} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
	fmt.Fprint(&out) // keep out used
}
