package config

import (
	"flag"
	"io"
	"testing"
	"time"
)

func parse(t *testing.T, env map[string]string, args ...string) (Config, error) {
	t.Helper()
	c := Defaults()
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	finish, err := c.Flags(fs, func(k string) (string, bool) { v, ok := env[k]; return v, ok }, "all")
	if err != nil {
		return c, err
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	return c, finish()
}

func TestPrecedence(t *testing.T) {
	c, err := parse(t, nil)
	if err != nil || c.Listen != "127.0.0.1:8080" || c.DB != "sqlite:baken.db" || c.KeyFile != "baken.key" || c.BaseURL != "http://127.0.0.1:8080" {
		t.Fatalf("defaults: %+v %v", c, err)
	}
	c, err = parse(t, map[string]string{"BAKEN_LISTEN": ":9000", "BAKEN_SESSION_IDLE": "10m", "BAKEN_DB": "sqlite:/var/lib/baken/b.db"})
	if err != nil || c.Listen != ":9000" || c.SessionIdle != 10*time.Minute || c.KeyFile != "/var/lib/baken/baken.key" {
		t.Fatalf("env: %+v %v", c, err)
	}
	c, err = parse(t, map[string]string{"BAKEN_LISTEN": ":9000"}, "--listen", ":7000")
	if err != nil || c.Listen != ":7000" {
		t.Fatalf("flag over env: %+v %v", c, err)
	}
}

func TestInvalid(t *testing.T) {
	for name, tc := range map[string]struct {
		env  map[string]string
		args []string
	}{
		"bad env duration": {env: map[string]string{"BAKEN_SESSION_IDLE": "soon"}},
		"bad env bool":     {env: map[string]string{"BAKEN_DEMO": "ja"}},
		"bad log format":   {args: []string{"--log-format", "xml"}},
		"bad level":        {args: []string{"--log-level", "loud"}},
		"idle > absolute":  {args: []string{"--session-idle", "13h"}},
		"bad base url":     {args: []string{"--base-url", "baken.example"}},
	} {
		if _, err := parse(t, tc.env, tc.args...); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
