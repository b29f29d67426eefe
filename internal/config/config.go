// Package config holds Baken's configuration: flags with BAKEN_* environment
// fallbacks, parsed into a Config value that is passed along (no globals).
package config

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is everything a Baken process can be told.
type Config struct {
	Listen          string        // address to listen on
	MetricsListen   string        // address of the separate /metrics listener; "" = no metrics endpoint
	DB              string        // sqlite:PATH or postgres://…
	BaseURL         string        // public URL, for links in e-mails and Secure cookies
	DataDir         string        // where the key file and SQLite data live by default
	KeyFile         string        // field-encryption keyring
	LogFormat       string        // text or json
	LogLevel        string        // debug, info, warn, error
	SessionIdle     time.Duration // idle timeout of a web session
	SessionAbsolute time.Duration // absolute lifetime of a web session
	TrustProxy      bool          // believe X-Forwarded-Proto and X-Forwarded-For from one reverse proxy
	HashBudget      int64         // bytes all argon2id hashes running at the same time may use together
	LoginPerClient  int64         // sign-in attempts a minute per client address
	MaxBody         int64         // request body cap in bytes
	ShutdownTimeout time.Duration // grace period for in-flight requests on SIGTERM
	Demo            bool          // seed the demo world
	SMTPAddr        string        // host:port of the SMTP server for e-mail notices; "" = no e-mail
	SMTPFrom        string        // sender address of the notices
	SMTPUser        string        // optional SMTP user (PLAIN auth, only over TLS or to localhost)
	SMTPPassword    string        // its password
}

// Defaults returns the configuration without flags or environment.
func Defaults() Config {
	return Config{
		Listen:          "127.0.0.1:8080",
		DB:              "sqlite:baken.db",
		LogFormat:       "text",
		LogLevel:        "info",
		SessionIdle:     30 * time.Minute,
		SessionAbsolute: 12 * time.Hour,
		MaxBody:         1 << 20,
		ShutdownTimeout: 20 * time.Second,
		HashBudget:      256 << 20,
		LoginPerClient:  30,
	}
}

// Env is how a process reads its environment (os.LookupEnv; a map in tests).
type Env func(string) (string, bool)

type option struct {
	name, env, usage string
	bind             func(fs *flag.FlagSet, name, usage string)
	fromEnv          func(string) error
}

// Flags registers the options named in which ("all" for every one) on fs,
// with defaults taken from the environment. The returned function finishes
// the configuration after fs.Parse.
func (c *Config) Flags(fs *flag.FlagSet, env Env, which ...string) (finish func() error, err error) {
	opts := []option{
		str("listen", "address to listen on", &c.Listen),
		str("metrics-listen", "address of a separate listener for /metrics, e.g. 127.0.0.1:9090 (loopback recommended); empty: no metrics endpoint", &c.MetricsListen),
		str("db", "database: sqlite:PATH or postgres://user@host/db", &c.DB),
		str("base-url", "public URL of this Baken, e.g. https://baken.example.nl (default http://LISTEN)", &c.BaseURL),
		str("data-dir", "directory for the key file (default: the SQLite file's directory, else .)", &c.DataDir),
		str("key-file", "field-encryption keyring (default DATA-DIR/baken.key; created when missing)", &c.KeyFile),
		str("log-format", "log format: text or json", &c.LogFormat),
		str("log-level", "log level: debug, info, warn or error", &c.LogLevel),
		dur("session-idle", "a web session ends after this long unused", &c.SessionIdle),
		dur("session-absolute", "a web session ends this long after sign-in", &c.SessionAbsolute),
		boolean("trust-proxy", "trust X-Forwarded-Proto and the rightmost X-Forwarded-For entry from one reverse proxy", &c.TrustProxy),
		int64opt("hash-memory-budget", "bytes of memory all password hashes running at once may use together (each takes 64 MiB)", &c.HashBudget),
		int64opt("login-attempts-per-client", "sign-in attempts a minute one client address may make", &c.LoginPerClient),
		int64opt("max-body", "request body limit in bytes", &c.MaxBody),
		dur("shutdown-timeout", "how long in-flight requests may finish on SIGTERM", &c.ShutdownTimeout),
		boolean("demo", "seed the demo world (idempotent) and print its accounts", &c.Demo),
		str("smtp-addr", "SMTP server host:port for e-mail notices (a link only); empty: no e-mail", &c.SMTPAddr),
		str("smtp-from", "sender address of e-mail notices (required with smtp-addr)", &c.SMTPFrom),
		str("smtp-user", "SMTP user for PLAIN auth (only over TLS or to localhost)", &c.SMTPUser),
		secret("smtp-password", "SMTP password (prefer the environment variable)", &c.SMTPPassword),
	}
	all := len(which) == 1 && which[0] == "all"
	for _, o := range opts {
		if !all && !contains(which, o.name) {
			continue
		}
		if v, ok := env(o.env); ok && v != "" {
			if err := o.fromEnv(v); err != nil {
				return nil, fmt.Errorf("%s: %w", o.env, err)
			}
		}
		o.bind(fs, o.name, o.usage+" (env "+o.env+")")
	}
	return c.finish, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func envName(flagName string) string {
	return "BAKEN_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func str(name, usage string, p *string) option {
	return option{name: name, env: envName(name), usage: usage,
		bind:    func(fs *flag.FlagSet, n, u string) { fs.StringVar(p, n, *p, u) },
		fromEnv: func(v string) error { *p = v; return nil }}
}

// secretValue is a string flag whose value --help never shows (the
// environment's value would otherwise be printed as the default).
type secretValue struct{ p *string }

func (v secretValue) String() string     { return "" }
func (v secretValue) Set(s string) error { *v.p = s; return nil }

// secret is a string option for a password.
func secret(name, usage string, p *string) option {
	return option{name: name, env: envName(name), usage: usage,
		bind:    func(fs *flag.FlagSet, n, u string) { fs.Var(secretValue{p}, n, u) },
		fromEnv: func(v string) error { *p = v; return nil }}
}

func dur(name, usage string, p *time.Duration) option {
	return option{name: name, env: envName(name), usage: usage,
		bind: func(fs *flag.FlagSet, n, u string) { fs.DurationVar(p, n, *p, u) },
		fromEnv: func(v string) error {
			d, err := time.ParseDuration(v)
			if err != nil {
				return fmt.Errorf("not a duration (like 30m): %q", v)
			}
			*p = d
			return nil
		}}
}

func boolean(name, usage string, p *bool) option {
	return option{name: name, env: envName(name), usage: usage,
		bind: func(fs *flag.FlagSet, n, u string) { fs.BoolVar(p, n, *p, u) },
		fromEnv: func(v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("not true or false: %q", v)
			}
			*p = b
			return nil
		}}
}

func int64opt(name, usage string, p *int64) option {
	return option{name: name, env: envName(name), usage: usage,
		bind: func(fs *flag.FlagSet, n, u string) { fs.Int64Var(p, n, *p, u) },
		fromEnv: func(v string) error {
			i, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return fmt.Errorf("not a number: %q", v)
			}
			*p = i
			return nil
		}}
}

// finish fills derived defaults and checks the values.
func (c *Config) finish() error {
	var problems []string
	if c.DataDir == "" {
		c.DataDir = "."
		if strings.HasPrefix(c.DB, "sqlite:") {
			c.DataDir = filepath.Dir(strings.TrimPrefix(c.DB, "sqlite:"))
		}
	}
	if c.KeyFile == "" {
		c.KeyFile = filepath.Join(c.DataDir, "baken.key")
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Listen
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		problems = append(problems, fmt.Sprintf("base URL %q: want http(s)://host", c.BaseURL))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		problems = append(problems, fmt.Sprintf("log format %q: want text or json", c.LogFormat))
	}
	if _, err := c.Level(); err != nil {
		problems = append(problems, err.Error())
	}
	if c.SessionIdle <= 0 || c.SessionAbsolute <= 0 || c.SessionIdle > c.SessionAbsolute {
		problems = append(problems, "session lifetimes: want 0 < idle <= absolute")
	}
	if c.HashBudget < 1<<20 {
		problems = append(problems, "hash memory budget: want at least 1048576 bytes (one hash at a time below its own cost)")
	}
	if c.LoginPerClient < 1 {
		problems = append(problems, "login attempts per client: want at least 1")
	}
	if c.MaxBody < 1024 {
		problems = append(problems, "max body: want at least 1024 bytes")
	}
	if c.MetricsListen != "" {
		if _, _, err := net.SplitHostPort(c.MetricsListen); err != nil {
			problems = append(problems, fmt.Sprintf("metrics listen %q: want host:port", c.MetricsListen))
		}
	}
	problems = append(problems, c.checkSMTP()...)
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// checkSMTP checks the e-mail options: without an SMTP address there is no
// e-mail and the others are unused; with one, a sender is required.
func (c *Config) checkSMTP() []string {
	var problems []string
	if c.SMTPAddr == "" {
		return nil // no e-mail; the other options are unused
	}
	if host, port, err := net.SplitHostPort(c.SMTPAddr); err != nil || host == "" || port == "" {
		problems = append(problems, fmt.Sprintf("smtp address %q: want host:port", c.SMTPAddr))
	}
	if c.SMTPFrom == "" {
		problems = append(problems, "smtp from: required with smtp-addr")
	} else if a, err := mail.ParseAddress(c.SMTPFrom); err != nil || a.Name != "" {
		problems = append(problems, "smtp from: want a plain e-mail address")
	}
	if (c.SMTPUser == "") != (c.SMTPPassword == "") {
		problems = append(problems, "smtp user and password: give both or neither")
	}
	return problems
}

// Level returns the slog level.
func (c Config) Level() (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return l, fmt.Errorf("log level %q: want debug, info, warn or error", c.LogLevel)
	}
	return l, nil
}

// SecureCookies reports whether cookies must carry Secure (Baken is reached over https).
func (c Config) SecureCookies() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// Logger builds the process logger.
func (c Config) Logger(w *os.File) *slog.Logger {
	lvl, _ := c.Level()
	opts := &slog.HandlerOptions{Level: lvl}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
