package config

import (
	"flag"
	"io"
	"strings"
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

// TestMetricsListen: the metrics listener is off unless asked for (F7),
// through the flag or BAKEN_METRICS_LISTEN, and must be host:port.
func TestMetricsListen(t *testing.T) {
	c, err := parse(t, nil)
	if err != nil || c.MetricsListen != "" {
		t.Fatalf("default: %q %v", c.MetricsListen, err)
	}
	c, err = parse(t, map[string]string{"BAKEN_METRICS_LISTEN": "127.0.0.1:9090"})
	if err != nil || c.MetricsListen != "127.0.0.1:9090" {
		t.Fatalf("env: %q %v", c.MetricsListen, err)
	}
	if _, err := parse(t, nil, "--metrics-listen", "9090"); err == nil {
		t.Fatal("metrics-listen without a port separator accepted")
	}
}

func TestInvalid(t *testing.T) {
	for name, tc := range map[string]struct {
		env  map[string]string
		args []string
	}{
		"bad env duration":  {env: map[string]string{"BAKEN_SESSION_IDLE": "soon"}},
		"bad env bool":      {env: map[string]string{"BAKEN_DEMO": "ja"}},
		"bad log format":    {args: []string{"--log-format", "xml"}},
		"bad level":         {args: []string{"--log-level", "loud"}},
		"idle > absolute":   {args: []string{"--session-idle", "13h"}},
		"bad base url":      {args: []string{"--base-url", "baken.example"}},
		"smtp without from": {env: map[string]string{"BAKEN_SMTP_ADDR": "mail.example.nl:587"}},
		"smtp bad addr":     {args: []string{"--smtp-addr", "mail.example.nl", "--smtp-from", "baken@example.nl"}},
		"smtp bad from":     {args: []string{"--smtp-addr", "mail.example.nl:587", "--smtp-from", "Baken"}},
		"smtp user no pw":   {args: []string{"--smtp-addr", "mail.example.nl:587", "--smtp-from", "baken@example.nl", "--smtp-user", "baken"}},
	} {
		if _, err := parse(t, tc.env, tc.args...); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestSMTP(t *testing.T) {
	c, err := parse(t, nil)
	if err != nil || c.SMTPAddr != "" || c.SMTPFrom != "" {
		t.Fatalf("default: e-mail must be off: %+v %v", c, err)
	}
	c, err = parse(t, map[string]string{"BAKEN_SMTP_ADDR": "mail.example.nl:587", "BAKEN_SMTP_FROM": "baken@example.nl",
		"BAKEN_SMTP_USER": "baken", "BAKEN_SMTP_PASSWORD": "geheim"})
	if err != nil || c.SMTPAddr != "mail.example.nl:587" || c.SMTPFrom != "baken@example.nl" || c.SMTPUser != "baken" || c.SMTPPassword != "geheim" {
		t.Fatalf("env: %+v %v", c, err)
	}
	c, err = parse(t, map[string]string{"BAKEN_SMTP_ADDR": "mail.example.nl:587", "BAKEN_SMTP_FROM": "baken@example.nl"},
		"--smtp-addr", "localhost:25")
	if err != nil || c.SMTPAddr != "localhost:25" || c.SMTPUser != "" {
		t.Fatalf("flag over env: %+v %v", c, err)
	}
}

func TestSecretNotInHelp(t *testing.T) {
	c := Defaults()
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	var out strings.Builder
	fs.SetOutput(&out)
	if _, err := c.Flags(fs, func(k string) (string, bool) {
		v, ok := map[string]string{"BAKEN_SMTP_PASSWORD": "geheim-wachtwoord"}[k]
		return v, ok
	}, "all"); err != nil {
		t.Fatal(err)
	}
	fs.PrintDefaults()
	if c.SMTPPassword != "geheim-wachtwoord" || strings.Contains(out.String(), "geheim") || !strings.Contains(out.String(), "smtp-password") {
		t.Fatalf("help shows the password or lacks the option:\n%s", out.String())
	}
	if err := fs.Parse([]string{"--smtp-password", "ander"}); err != nil || c.SMTPPassword != "ander" {
		t.Fatalf("flag: %q %v", c.SMTPPassword, err)
	}
}
