// Package app wires Baken together: it opens the keyring and the database,
// applies migrations, builds the services and serves the web pages, the API
// and the operational endpoints. cmd/baken and the end-to-end tests both use it.
package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/baken-nl/baken/internal/api"
	"github.com/baken-nl/baken/internal/assess"
	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/auth"
	"github.com/baken-nl/baken/internal/auth/password"
	"github.com/baken-nl/baken/internal/cases"
	"github.com/baken-nl/baken/internal/config"
	"github.com/baken-nl/baken/internal/content"
	"github.com/baken-nl/baken/internal/fieldcrypt"
	"github.com/baken-nl/baken/internal/httpx"
	"github.com/baken-nl/baken/internal/i18n"
	"github.com/baken-nl/baken/internal/kader"
	"github.com/baken-nl/baken/internal/notify"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/signal"
	"github.com/baken-nl/baken/internal/store"
	"github.com/baken-nl/baken/internal/web"
)

// Version is set at build time (-ldflags "-X github.com/baken-nl/baken/internal/app.Version=…").
var Version = "dev"

// Options are what tests change beyond the Config.
type Options struct {
	Clock          store.Clock
	PasswordParams password.Params // zero: password.Default
	// ContentFS, when set, replaces the embedded content catalogue: the
	// *.yaml files in its directory "data" (tests of a broken catalogue).
	ContentFS fs.FS
}

// App is a wired Baken.
type App struct {
	Cfg     config.Config
	Logger  *slog.Logger
	Keys    *fieldcrypt.Keyring
	DB      *store.DB
	Audit   *audit.Log
	Viewer  *audit.Viewer
	Orgs    *org.Service
	Auth    *auth.Service
	I18n    *i18n.Bundle
	Content *content.Catalog // the validated domain catalogue
	Engine  *assess.Engine   // the assessment engine over Content
	Signals *signal.Service  // signals: intake, routing, triage
	Cases   *cases.Service   // care coordination: cases from registration to aftercare
	Kader   *kader.Service   // self-assessment against the Kader and the action plan
	Notify  *notify.SMTP     // e-mail notices; nil when no SMTP server is configured
	Reg     *prometheus.Registry
	Started time.Time
}

// Open loads the keyring (creating it when missing), opens and migrates the
// database and builds the services.
func Open(ctx context.Context, cfg config.Config, logger *slog.Logger, opt Options) (*App, error) {
	started := time.Now()
	// The catalogue first: a broken content file stops start-up before
	// anything is opened, with an error naming each file and entry.
	cat, engine, err := loadContent(opt.ContentFS)
	if err != nil {
		return nil, err
	}
	keys, created, err := fieldcrypt.LoadOrCreate(cfg.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("encryption key: %w", err)
	}
	if created {
		logger.Warn("generated a new encryption key: back it up, without it encrypted data cannot be read",
			slog.String("key_file", cfg.KeyFile), slog.String("key_id", keys.ActiveKeyID()))
	}
	db, err := store.Open(ctx, cfg.DB, store.Options{Clock: opt.Clock})
	if err != nil {
		return nil, err
	}
	warnReadable(logger, db)
	applied, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	for _, m := range applied {
		logger.Info("applied migration", slog.String("name", m))
	}
	params := opt.PasswordParams
	if params == (password.Params{}) {
		params = password.Default
	}
	log := audit.New(keys)
	// Every password hash of the process (sign-in, password change, an
	// administrator's create or reset) runs within this memory budget.
	password.SetMemoryBudget(cfg.HashBudget, 0)
	logger.Debug("password hashing bounded", slog.Int64("budget_bytes", cfg.HashBudget), slog.Int("at_a_time", password.Slots(params)))
	authSvc, err := auth.NewService(db, log, keys, auth.Config{IdleTimeout: cfg.SessionIdle, AbsoluteTimeout: cfg.SessionAbsolute,
		Params: params, ClientAttempts: int(cfg.LoginPerClient)})
	if err != nil {
		db.Close()
		return nil, err
	}
	bundle, err := i18n.Load()
	if err != nil {
		db.Close()
		return nil, err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(db.SQL(), string(db.Dialect())))
	signals := signal.NewService(db, log, keys, cat, engine)
	var mailer *notify.SMTP
	if cfg.SMTPAddr != "" {
		mailer = notify.New(notify.Config{Addr: cfg.SMTPAddr, From: cfg.SMTPFrom, User: cfg.SMTPUser,
			Password: cfg.SMTPPassword, BaseURL: cfg.BaseURL}, logger)
		signals.SetNotifier(mailer)
	}
	// The inbox's "would change" previews of the open signals, recomputed
	// when the ruleset or the content version is new (a no-op otherwise: one
	// walk that finds every preview current). In batches of short
	// transactions, before the server takes requests.
	if n, err := signals.RefreshPreviews(ctx, signal.DefaultRefreshBatch); err != nil {
		db.Close()
		return nil, fmt.Errorf("signal previews: %w", err)
	} else if n > 0 {
		logger.Info("refreshed the would-change previews of open signals", slog.Int("signals", n),
			slog.String("ruleset", engine.Ruleset()), slog.String("content_version", cat.Meta.Version))
	}
	orgs := org.NewService(db, log, params)
	if n, err := orgs.FoldNames(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("fold user names: %w", err)
	} else if n > 0 {
		logger.Info("folded user names for search", slog.Int("users", n))
	}
	return &App{Cfg: cfg, Logger: logger, Keys: keys, DB: db, Audit: log, Viewer: audit.NewViewer(db, log),
		Orgs: orgs, Auth: authSvc, I18n: bundle, Content: cat, Engine: engine,
		Signals: signals, Cases: cases.NewService(db, log, keys, cat, signals),
		Kader: kader.NewService(db, log, cat), Notify: mailer, Reg: reg, Started: started}, nil
}

// warnReadable warns when group or others may read the SQLite database or
// its WAL: Baken creates them 0600, but a copy, a restore or an old install
// may have left them open. (The key file is checked more strictly: a
// readable one is refused, see fieldcrypt.LoadOrCreate.)
func warnReadable(logger *slog.Logger, db *store.DB) {
	if db.Dialect() != store.SQLite || runtime.GOOS == "windows" {
		return
	}
	for _, p := range []string{db.Path(), db.Path() + "-wal", db.Path() + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			continue
		}
		if m := fi.Mode().Perm(); m&0o077 != 0 {
			logger.Warn("database file is readable by others: it holds victims' data; make it private (chmod 600)",
				slog.String("file", p), slog.String("mode", fmt.Sprintf("%04o", m)))
		}
	}
}

// loadContent loads and validates the content catalogue (the embedded one
// when fsys is nil) and builds the assessment engine over it.
func loadContent(fsys fs.FS) (*content.Catalog, *assess.Engine, error) {
	var (
		cat *content.Catalog
		err error
	)
	if fsys == nil {
		cat, err = content.Load()
	} else {
		cat, err = content.LoadFS(fsys, "data")
	}
	if err != nil {
		return nil, nil, err // "content: …", naming each file and entry
	}
	engine, err := assess.New(cat)
	if err != nil {
		return nil, nil, fmt.Errorf("content catalogue: %w", err)
	}
	return cat, engine, nil
}

// Close lets e-mail notices under way finish (each is bounded by its
// timeout) and releases the database.
func (a *App) Close() error {
	if a.Notify != nil {
		a.Notify.Wait()
	}
	return a.DB.Close()
}

// Handler returns the whole HTTP surface.
func (a *App) Handler() (http.Handler, error) {
	webH, err := web.New(web.Deps{Cfg: a.Cfg, Logger: a.Logger, DB: a.DB, Auth: a.Auth, Orgs: a.Orgs,
		Viewer: a.Viewer, I18n: a.I18n, Content: a.Content, Engine: a.Engine, Signals: a.Signals, Cases: a.Cases, Kader: a.Kader, Version: Version})
	if err != nil {
		return nil, err
	}
	apiH, err := api.New(api.Deps{Cfg: a.Cfg, Logger: a.Logger, DB: a.DB, Auth: a.Auth, Orgs: a.Orgs,
		Viewer: a.Viewer, I18n: a.I18n, Content: a.Content, Engine: a.Engine, Signals: a.Signals, Cases: a.Cases, Kader: a.Kader, Version: Version})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		httpx.SetRoute(r, "GET /healthz")
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		httpx.SetRoute(r, "GET /readyz")
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := a.DB.Ping(ctx); err != nil {
			a.Logger.WarnContext(r.Context(), "readiness: database not reachable", slog.Any("err", err))
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "database not reachable")
			return
		}
		fmt.Fprintln(w, "ready")
	})
	// /metrics is not here: it has its own listener (MetricsHandler,
	// ServeMetrics), so that the application port does not publish it.
	// Both surfaces apply Go's cross-origin protection themselves, each
	// refusing with its own error format (the 403 page, problem+json).
	mux.Handle("/api/", apiH)
	mux.Handle("/", webH)

	return httpx.Chain(mux,
		httpx.Trace,
		httpx.Observe(a.Logger, httpx.NewMetrics(a.Reg)),
		httpx.SecureHeaders(a.Cfg.SecureCookies()),
		httpx.MaxBody(a.Cfg.MaxBody),
	), nil
}

// MetricsHandler serves the Prometheus metrics at GET /metrics and nothing
// else (404). It is meant for its own listener (--metrics-listen), never the
// application port.
func (a *App) MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(a.Reg, promhttp.HandlerOpts{}))
	return httpx.Chain(mux, httpx.Trace, httpx.SecureHeaders(false), httpx.MaxBody(1024))
}

// ServeMetrics serves MetricsHandler on ln until ctx ends.
func (a *App) ServeMetrics(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           a.MetricsHandler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(a.Logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	a.Logger.Info("metrics are listening", slog.String("addr", ln.Addr().String()))
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("metrics shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Serve serves on ln until ctx ends, then stops accepting connections and
// lets in-flight requests finish within the shutdown timeout.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	h, err := a.Handler()
	if err != nil {
		return err
	}
	return a.serve(ctx, ln, h)
}

func (a *App) serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.Logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	a.Logger.Info("baken is listening", slog.String("addr", ln.Addr().String()), slog.String("version", Version),
		slog.String("database", string(a.DB.Dialect())), slog.Duration("startup", time.Since(a.Started)))
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.Logger.Info("shutting down: finishing in-flight requests", slog.Duration("timeout", a.Cfg.ShutdownTimeout))
	sctx, cancel := context.WithTimeout(context.Background(), a.Cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	a.Logger.Info("stopped")
	return nil
}
