package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/baken-nl/baken/internal/app"
	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/auth"
	"github.com/baken-nl/baken/internal/config"
	"github.com/baken-nl/baken/internal/demo"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
)

// dbFlags are the options every command that opens the database takes.
var dbFlags = []string{"db", "data-dir", "key-file", "log-format", "log-level"}

// parse builds a FlagSet for cmd, registers the config options in which and
// any extra flags, and parses args. ok is false when the command must stop
// with code (after --help: 0; on a flag error: 2).
func parse(cmd, synopsis string, args []string, e env, which []string, extra func(fs *flag.FlagSet)) (cfg config.Config, code int, ok bool) {
	cfg = config.Defaults()
	fs := flag.NewFlagSet("baken "+cmd, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: baken %s %s\n\nFlags:\n", cmd, synopsis)
		fs.PrintDefaults()
	}
	finish, err := cfg.Flags(fs, config.Env(e.lookup), which...)
	if err != nil {
		fmt.Fprintf(e.stderr, "baken %s: %v\n", cmd, err)
		return cfg, exitUsage, false
	}
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(e.stdout)
			fs.Usage()
			return cfg, exitOK, false
		}
		return cfg, exitUsage, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "baken %s: unexpected argument %q\n", cmd, fs.Arg(0))
		return cfg, exitUsage, false
	}
	if err := finish(); err != nil {
		fmt.Fprintf(e.stderr, "baken %s: %v\n", cmd, err)
		return cfg, exitUsage, false
	}
	return cfg, exitOK, true
}

func logger(cfg config.Config, e env) *slog.Logger {
	lvl, _ := cfg.Level()
	opts := &slog.HandlerOptions{Level: lvl}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(e.stderr, opts))
	}
	return slog.New(slog.NewTextHandler(e.stderr, opts))
}

// open opens the wired app for a command, printing a clear message on failure.
func open(ctx context.Context, cmd string, cfg config.Config, e env, l *slog.Logger) (*app.App, bool) {
	a, err := app.Open(ctx, cfg, l, app.Options{})
	if err != nil {
		fmt.Fprintf(e.stderr, "baken %s: %v\n", cmd, err)
		return nil, false
	}
	return a, true
}

func cmdServe(ctx context.Context, args []string, e env) int {
	cfg, code, ok := parse("serve", "[flags]", args, e, []string{"all"}, nil)
	if !ok {
		return code
	}
	l := logger(cfg, e)
	a, ok := open(ctx, "serve", cfg, e, l)
	if !ok {
		return exitFailure
	}
	defer a.Close()
	if cfg.Demo {
		pw, _ := e.lookup("BAKEN_DEMO_PASSWORD")
		res, err := demo.Seed(ctx, a.Orgs, pw)
		if err != nil {
			fmt.Fprintf(e.stderr, "baken serve: demo: %v\n", err)
			return exitFailure
		}
		if _, err := demo.SeedContent(ctx, demo.Services{DB: a.DB, Orgs: a.Orgs, Signals: a.Signals, Cases: a.Cases, Kader: a.Kader}); err != nil {
			fmt.Fprintf(e.stderr, "baken serve: demo: %v\n", err)
			return exitFailure
		}
		demo.Print(e.stdout, cfg.BaseURL, res)
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		fmt.Fprintf(e.stderr, "baken serve: cannot listen on %s: %v\n", cfg.Listen, err)
		return exitFailure
	}
	var metricsDone chan error
	if cfg.MetricsListen != "" {
		mln, err := net.Listen("tcp", cfg.MetricsListen)
		if err != nil {
			ln.Close()
			fmt.Fprintf(e.stderr, "baken serve: cannot listen on %s (metrics): %v\n", cfg.MetricsListen, err)
			return exitFailure
		}
		metricsDone = make(chan error, 1)
		mctx, stop := context.WithCancel(ctx)
		defer func() {
			stop()
			if err := <-metricsDone; err != nil {
				fmt.Fprintf(e.stderr, "baken serve: metrics: %v\n", err)
			}
		}()
		go func() { metricsDone <- a.ServeMetrics(mctx, mln) }()
	}
	if err := a.Serve(ctx, ln); err != nil {
		fmt.Fprintf(e.stderr, "baken serve: %v\n", err)
		return exitFailure
	}
	return exitOK
}

func cmdMigrate(ctx context.Context, args []string, e env) int {
	var status bool
	cfg, code, ok := parse("migrate", "[--status] [flags]", args, e, []string{"db", "log-format", "log-level"}, func(fs *flag.FlagSet) {
		fs.BoolVar(&status, "status", false, "list pending migrations without applying them")
	})
	if !ok {
		return code
	}
	db, err := store.Open(ctx, cfg.DB, store.Options{})
	if err != nil {
		fmt.Fprintf(e.stderr, "baken migrate: %v\n", err)
		return exitFailure
	}
	defer db.Close()
	if status {
		pending, err := db.Pending(ctx)
		if err != nil {
			fmt.Fprintf(e.stderr, "baken migrate: %v\n", err)
			return exitFailure
		}
		if len(pending) == 0 {
			fmt.Fprintln(e.stdout, "up to date")
		}
		for _, p := range pending {
			fmt.Fprintln(e.stdout, "pending:", p)
		}
		return exitOK
	}
	applied, err := db.Migrate(ctx)
	for _, m := range applied {
		fmt.Fprintln(e.stdout, "applied:", m)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "baken migrate: %v\n", err)
		return exitFailure
	}
	if len(applied) == 0 {
		fmt.Fprintln(e.stdout, "up to date")
	}
	return exitOK
}

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(s string) error { *m = append(*m, s); return nil }

func cmdUserAdd(ctx context.Context, args []string, e env) int {
	var email, name, orgName, locale string
	var roles multi
	var pwStdin bool
	cfg, code, ok := parse("user add", "--email EMAIL --name NAME --org ORG --role ROLE [--role ROLE] [--password-stdin] [flags]", args, e, dbFlags, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "e-mail address (the login)")
		fs.StringVar(&name, "name", "", "full name")
		fs.StringVar(&orgName, "org", "", "organisation: its id or its exact name")
		fs.Var(&roles, "role", "role, repeatable: "+roleList())
		fs.StringVar(&locale, "locale", "nl", "language: nl or en")
		fs.BoolVar(&pwStdin, "password-stdin", false, "read the password from standard input (default: generate and print one)")
	})
	if !ok {
		return code
	}
	pw := ""
	generated := false
	if pwStdin {
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			fmt.Fprintf(e.stderr, "baken user add: reading password: %v\n", err)
			return exitFailure
		}
		pw = strings.TrimRight(line, "\r\n")
	} else {
		pw, generated = demoPassword(), true
	}
	a, ok := open(ctx, "user add", cfg, e, logger(cfg, e))
	if !ok {
		return exitFailure
	}
	defer a.Close()
	orgID, err := findOrg(ctx, a, orgName)
	if err != nil && orgName != "" {
		fmt.Fprintf(e.stderr, "baken user add: %v\n", err)
		return exitFailure
	}
	rs := make([]policy.Role, len(roles))
	for i, r := range roles {
		rs[i] = policy.Role(r)
	}
	u, err := a.Orgs.CreateUser(ctx, org.System, org.UserInput{Email: email, Name: name, OrganisationID: orgID, Roles: rs, Locale: locale, Password: pw})
	if err != nil {
		printErr(e.stderr, "user add", a, err)
		return exitFailure
	}
	fmt.Fprintf(e.stdout, "created %s (%s) in %s with roles %s\n", u.Email, u.ID, u.Organisation.Name, roles.String())
	if generated {
		fmt.Fprintf(e.stdout, "password: %s\n", pw)
	}
	return exitOK
}

func roleList() string {
	s := make([]string, len(policy.Roles))
	for i, r := range policy.Roles {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

func demoPassword() string { return demo.RandomPassword() }

func findOrg(ctx context.Context, a *app.App, ref string) (string, error) {
	orgs, err := a.Orgs.ListOrgs(ctx, org.System)
	if err != nil {
		return "", err
	}
	var match []org.Organisation
	for _, o := range orgs {
		if o.ID == ref || o.Name == ref {
			match = append(match, o)
		}
	}
	switch len(match) {
	case 1:
		return match[0].ID, nil
	case 0:
		return "", fmt.Errorf("no organisation %q", ref)
	}
	return "", fmt.Errorf("%d organisations are named %q: give the id", len(match), ref)
}

// printErr prints a domain error with every field error in English.
func printErr(w io.Writer, cmd string, a *app.App, err error) {
	e := errs.As(err)
	if e == nil || e.Code == errs.Internal {
		fmt.Fprintf(w, "baken %s: %v\n", cmd, err)
		return
	}
	key := e.Key
	if key == "" {
		key = "error." + string(e.Code)
	}
	fmt.Fprintf(w, "baken %s: %s\n", cmd, a.I18n.T("en", key))
	for _, f := range e.Fields {
		fmt.Fprintf(w, "  %s: %s\n", f.Field, a.I18n.T("en", f.Key))
	}
}

func cmdTokenCreate(ctx context.Context, args []string, e env) int {
	var email, name string
	var days int
	cfg, code, ok := parse("token create", "--user EMAIL [--name NAME] [--days N] [flags]", args, e, dbFlags, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "user", "", "e-mail address of the user the token acts as")
		fs.StringVar(&name, "name", "", "what the token is for (default: cli YYYY-MM-DD)")
		fs.IntVar(&days, "days", auth.DefaultTokenDays, fmt.Sprintf("days the token is valid (1 to %d)", auth.MaxTokenDays))
	})
	if !ok {
		return code
	}
	if email == "" {
		fmt.Fprintln(e.stderr, "baken token create: --user is required")
		return exitUsage
	}
	if name == "" {
		name = "cli " + time.Now().Format("2006-01-02")
	}
	a, ok := open(ctx, "token create", cfg, e, logger(cfg, e))
	if !ok {
		return exitFailure
	}
	defer a.Close()
	u, err := userByEmail(ctx, a, email)
	if err != nil {
		fmt.Fprintf(e.stderr, "baken token create: %v\n", err)
		return exitFailure
	}
	secret, t, err := a.Auth.CreateTokenFor(ctx, org.System, u.ID, name, days)
	if err != nil {
		printErr(e.stderr, "token create", a, err)
		return exitFailure
	}
	fmt.Fprintf(e.stdout, "token %q for %s (id %s), valid until %s; it is shown only now:\n%s\n", t.Name, u.Email, t.ID,
		t.ExpiresAt.Format(time.RFC3339), secret)
	return exitOK
}

func userByEmail(ctx context.Context, a *app.App, email string) (org.User, error) {
	var u org.User
	err := a.DB.Tx(ctx, func(tx *store.Tx) error {
		var err error
		u, err = org.LoadUserByEmail(ctx, tx, email)
		return err
	})
	if errs.Is(err, errs.NotFound) {
		return u, fmt.Errorf("no user %q", email)
	}
	return u, err
}

func cmdAuditVerify(ctx context.Context, args []string, e env) int {
	cfg, code, ok := parse("audit verify", "[flags]", args, e, []string{"db", "log-format", "log-level"}, nil)
	if !ok {
		return code
	}
	db, err := store.Open(ctx, cfg.DB, store.Options{})
	if err != nil {
		fmt.Fprintf(e.stderr, "baken audit verify: %v\n", err)
		return exitFailure
	}
	defer db.Close()
	n, problem, err := audit.Verify(ctx, db)
	if err != nil {
		fmt.Fprintf(e.stderr, "baken audit verify: %v\n", err)
		return exitFailure
	}
	if problem != nil {
		fmt.Fprintf(e.stdout, "BROKEN: %d records intact; first broken record: %d: %s\n", n, problem.Seq, problem.Reason)
		return exitFailure
	}
	fmt.Fprintf(e.stdout, "intact: %d records\n", n)
	return exitOK
}

func cmdAuditList(ctx context.Context, args []string, e env) int {
	var object, actor, action string
	var subjectStdin bool
	var limit int
	var asJSON bool
	var before int64
	cfg, code, ok := parse("audit list", "[--object ID] [--actor EMAIL] [--action ACTION] [--subject-stdin] [--limit N] [--json] [flags]", args, e, dbFlags, func(fs *flag.FlagSet) {
		fs.StringVar(&object, "object", "", "only records about this object id")
		fs.StringVar(&actor, "actor", "", "only records of this user (e-mail address or id)")
		fs.StringVar(&action, "action", "", "only this action, e.g. auth.login")
		fs.BoolVar(&subjectStdin, "subject-stdin", false, "only records about the data subject id read from standard input (kept out of the command line, which others can see)")
		fs.IntVar(&limit, "limit", 50, "at most this many records (max 500)")
		fs.Int64Var(&before, "before", 0, "only records older than this sequence number (paging)")
		fs.BoolVar(&asJSON, "json", false, "print JSON lines")
	})
	if !ok {
		return code
	}
	subject := ""
	if subjectStdin {
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			fmt.Fprintf(e.stderr, "baken audit list: reading subject: %v\n", err)
			return exitFailure
		}
		if subject = strings.TrimSpace(line); subject == "" {
			fmt.Fprintln(e.stderr, "baken audit list: --subject-stdin: no subject id on standard input")
			return exitUsage
		}
	}
	a, ok := open(ctx, "audit list", cfg, e, logger(cfg, e))
	if !ok {
		return exitFailure
	}
	defer a.Close()
	actorID := actor
	if strings.Contains(actor, "@") {
		u, err := userByEmail(ctx, a, actor)
		if err != nil {
			fmt.Fprintf(e.stderr, "baken audit list: %v\n", err)
			return exitFailure
		}
		actorID = u.ID
	}
	recs, next, err := a.Viewer.Search(ctx, org.System, audit.Filter{ObjectID: object, ActorID: actorID, Action: action, Limit: limit, Before: before}, subject)
	if err != nil {
		printErr(e.stderr, "audit list", a, err)
		return exitFailure
	}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		for _, r := range recs {
			if err := enc.Encode(r); err != nil {
				return exitFailure
			}
		}
		return exitOK
	}
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SEQ\tTIME\tACTOR\tACTION\tOBJECT\tOUTCOME\tTRACE")
	for _, r := range recs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Seq, r.OccurredAt.Format(time.RFC3339), r.ActorID, r.Action,
			strings.Trim(r.ObjectType+" "+r.ObjectID, " "), r.Outcome, r.TraceID)
	}
	tw.Flush()
	if next > 0 {
		fmt.Fprintf(e.stdout, "more: --before %d\n", next)
	}
	return exitOK
}

func cmdBackup(ctx context.Context, args []string, e env) int {
	var to string
	cfg, code, ok := parse("backup", "--to FILE [flags]", args, e, []string{"db", "log-format", "log-level"}, func(fs *flag.FlagSet) {
		fs.StringVar(&to, "to", "", "file to write the copy to (must not exist)")
	})
	if !ok {
		return code
	}
	if to == "" {
		fmt.Fprintln(e.stderr, "baken backup: --to is required")
		return exitUsage
	}
	db, err := store.Open(ctx, cfg.DB, store.Options{})
	if err != nil {
		fmt.Fprintf(e.stderr, "baken backup: %v\n", err)
		return exitFailure
	}
	defer db.Close()
	if db.Dialect() == store.Postgres {
		fmt.Fprintln(e.stderr, "baken backup: this is a PostgreSQL database: use pg_dump (for example: pg_dump --format=custom --file=baken.dump \"$BAKEN_DB\"), and back up the key file separately")
		return exitUsage
	}
	if _, err := os.Stat(to); err == nil {
		fmt.Fprintf(e.stderr, "baken backup: %s exists: choose a new file\n", to)
		return exitFailure
	}
	abs, _ := filepath.Abs(to)
	start := time.Now()
	if err := db.Backup(ctx, abs); err != nil {
		fmt.Fprintf(e.stderr, "baken backup: %v\n", err)
		return exitFailure
	}
	st, _ := os.Stat(abs)
	var size int64
	if st != nil {
		size = st.Size()
	}
	fmt.Fprintf(e.stdout, "backup written to %s (%d bytes, %s). The key file is not in it: back it up separately.\n", abs, size, time.Since(start).Round(time.Millisecond))
	return exitOK
}

func cmdVersion(ctx context.Context, args []string, e env) int {
	if _, code, ok := parse("version", "", args, e, nil, nil); !ok {
		return code
	}
	fmt.Fprintf(e.stdout, "baken %s\n", app.Version)
	return exitOK
}
