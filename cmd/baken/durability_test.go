package main

// The kill -9 test: a signal acknowledged with 201 is in the database the
// next instant, on SQLite and PostgreSQL. It builds the real binary, starts
// `baken serve`, records a signal over HTTP, SIGKILLs the process as soon as
// the 201 arrives, starts the binary again and reads the signal back.

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// buildBinary builds ./cmd/baken into dir.
func buildBinary(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "baken")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// server is a running `baken serve`.
type server struct {
	cmd  *exec.Cmd
	url  string
	logs *bytes.Buffer
}

func startServer(t *testing.T, bin string, envs []string) *server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	s := &server{url: "http://" + addr, logs: &bytes.Buffer{}}
	s.cmd = exec.Command(bin, "serve")
	s.cmd.Env = append(os.Environ(), append(envs, "BAKEN_LISTEN="+addr)...)
	s.cmd.Stdout, s.cmd.Stderr = s.logs, s.logs
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			_ = s.cmd.Process.Kill()
			_ = s.cmd.Wait()
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(s.url + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("baken serve never became ready:\n%s", s.logs)
	return nil
}

func TestSignalSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t, t.TempDir())
	eachDB(t, func(t *testing.T, dbURL, keyFile string) {
		seed(t, dbURL, keyFile)
		envs := []string{"BAKEN_DB=" + dbURL, "BAKEN_KEY_FILE=" + keyFile}
		cmd := exec.Command(bin, "token", "create", "--user", "signaleerder@baken.test", "--name", "kill9")
		cmd.Env = append(os.Environ(), envs...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("token create: %v\n%s", err, out)
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		token := lines[len(lines)-1]
		if !strings.HasPrefix(token, "bkn_") {
			t.Fatalf("token create: %s", out)
		}

		s := startServer(t, bin, envs)
		body := `{"department": "wmo", "observedOn": "2026-02-27", "place": "Oosterstraat 12b, Groningen",
			"persons": [{"alias": "Mirela", "birthYear": 1999, "gender": "female", "nationality": "RO", "name": "Mirela Popescu"}],
			"narrative": "De baas heeft haar paspoort.", "riskFactors": ["schulden"], "frontlineSignals": ["ander_voert_het_woord"],
			"assessment": {"forms": ["sexual"], "indicators": ["exploitation.earnings_taken", "coercion.violence"]}}`
		req, _ := http.NewRequest("POST", s.url+"/api/v1/signals", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		created, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("POST /signals: %d %s", resp.StatusCode, created)
		}
		// The instant the 201 is read: SIGKILL, no shutdown of any kind.
		if err := s.cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		_ = s.cmd.Wait()

		var sig map[string]any
		if err := json.Unmarshal(created, &sig); err != nil {
			t.Fatal(err)
		}
		s2 := startServer(t, bin, envs)
		req, _ = http.NewRequest("GET", s2.url+"/api/v1/signals/"+sig["id"].(string), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		read, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET after kill -9: %d %s\n%s", resp.StatusCode, read, s2.logs)
		}
		var got map[string]any
		if err := json.Unmarshal(read, &got); err != nil {
			t.Fatal(err)
		}
		normaliseTimes(sig)
		normaliseTimes(got)
		if !reflect.DeepEqual(got, sig) {
			t.Errorf("after kill -9 the signal reads\n%s\nwas acknowledged as\n%s", read, created)
		}
	})
}

// normaliseTimes rounds every RFC 3339 time in v to the microsecond, the
// precision both databases keep.
func normaliseTimes(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok {
				if tm, err := time.Parse(time.RFC3339Nano, s); err == nil {
					x[k] = tm.Truncate(time.Microsecond).UTC().Format(time.RFC3339Nano)
					continue
				}
			}
			normaliseTimes(e)
		}
	case []any:
		for _, e := range x {
			normaliseTimes(e)
		}
	}
}
