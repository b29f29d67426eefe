// Package auth signs users in: local accounts with argon2id passwords,
// server-side sessions, login throttling, and API tokens. Secrets are stored
// only as SHA-256 hashes; the cookie or token holds the only copy.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/auth/password"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/fieldcrypt"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/store"
)

// Config tunes sessions and throttling.
type Config struct {
	IdleTimeout     time.Duration // a session unused this long ends (default 30m)
	AbsoluteTimeout time.Duration // a session ends this long after sign-in (default 12h)
	MaxFailures     int           // failed sign-ins within Window before a lockout (default 5)
	Window          time.Duration // default 15m
	Lockout         time.Duration // default 15m
	Params          password.Params
}

func (c *Config) defaults() {
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = 30 * time.Minute
	}
	if c.AbsoluteTimeout <= 0 {
		c.AbsoluteTimeout = 12 * time.Hour
	}
	if c.MaxFailures <= 0 {
		c.MaxFailures = 5
	}
	if c.Window <= 0 {
		c.Window = 15 * time.Minute
	}
	if c.Lockout <= 0 {
		c.Lockout = 15 * time.Minute
	}
	if c.Params == (password.Params{}) {
		c.Params = password.Default
	}
}

// Service authenticates users.
type Service struct {
	db        *store.DB
	log       *audit.Log
	keys      *fieldcrypt.Keyring
	cfg       Config
	dummyHash string
}

// NewService returns the auth service.
func NewService(db *store.DB, log *audit.Log, keys *fieldcrypt.Keyring, cfg Config) (*Service, error) {
	cfg.defaults()
	// The hash unknown users are checked against, so that they take as long as known ones.
	return &Service{db: db, log: log, keys: keys, cfg: cfg, dummyHash: password.Dummy(cfg.Params)}, nil
}

// Config returns the effective configuration.
func (s *Service) Config() Config { return s.cfg }

// Session is a signed-in browser.
type Session struct {
	ID         string
	UserID     string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

// Errors callers show. Unknown address, wrong password and disabled account
// all give ErrInvalidCredentials: the answer reveals nothing.
var (
	ErrInvalidCredentials = errs.E(errs.Unauthenticated, "auth.invalid_credentials")
	ErrLocked             = errs.E(errs.TooMany, "auth.locked")
	ErrNoSession          = errs.E(errs.Unauthenticated, "auth.session_expired")
	ErrBadToken           = errs.E(errs.Unauthenticated, "auth.token_invalid")
)

func hashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// Login checks an e-mail address and password. On success it starts a new
// session (ending the one in replaceCookie, if any: the id rotates at sign-in)
// and returns the cookie value "id.secret". Every attempt is in the processing
// log. Unknown addresses are throttled and timed exactly like known ones.
func (s *Service) Login(ctx context.Context, email, pw, replaceCookie string) (cookie string, u org.User, err error) {
	email = strings.ToLower(strings.TrimSpace(email))
	key := s.keys.Index("login", email)
	var locked bool
	var found bool
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		u, err = org.LoadUserByEmail(ctx, tx, email)
		if err != nil && !errs.Is(err, errs.NotFound) {
			return err
		}
		found = err == nil
		return nil
	})
	if err != nil {
		return "", u, errs.Wrap(err, "login")
	}
	hash := s.dummyHash
	if found && u.PasswordHash != "" {
		hash = u.PasswordHash
	}
	ok, _ := password.Check(pw, hash) // always pay the full cost
	ok = ok && found && !u.Disabled && u.PasswordHash != ""
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		// Whether the account key is locked is decided here, holding its
		// throttle row, so that guesses sent at the same moment are counted
		// one after another: no more than MaxFailures of them get an answer.
		if _, err := tx.Exec(ctx, `INSERT INTO login_throttle (key, failures, window_start) VALUES (?, 0, ?) ON CONFLICT (key) DO NOTHING`,
			key, tx.Now); err != nil {
			return err
		}
		forUpdate := ""
		if tx.Dialect() == store.Postgres {
			forUpdate = " FOR UPDATE"
		}
		var until store.NullTime
		if err := tx.QueryRow(ctx, `SELECT locked_until FROM login_throttle WHERE key = ?`+forUpdate, key).Scan(&until); err != nil {
			return err
		}
		locked = until.Valid && until.Time.After(tx.Now)
		entry := audit.Entry{ActorID: u.ID, ActorOrgID: u.OrganisationID, Action: "auth.login", ObjectType: "user", ObjectID: u.ID,
			Activity: audit.ActivitySecurity, Subject: u.ID, SubjectType: audit.SubjectUser}
		if !found {
			entry.Subject, entry.SubjectType, entry.Detail = email, audit.SubjectEmail, "unknown account"
		}
		switch {
		case locked:
			entry.Outcome, entry.Detail = audit.Denied, strings.TrimPrefix(entry.Detail+"; locked out", "; ")
			return s.log.Write(ctx, tx, entry)
		case !ok:
			entry.Outcome = audit.Denied
			if found && u.Disabled {
				entry.Detail = "account disabled"
			}
			if err := s.recordFailure(ctx, tx, key); err != nil {
				return err
			}
			return s.log.Write(ctx, tx, entry)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM login_throttle WHERE key = ?`, key); err != nil {
			return err
		}
		if id, secret, ok := strings.Cut(replaceCookie, "."); ok && id != "" {
			// Only with the right secret: a session id alone ends nobody's session.
			if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE id = ? AND secret_hash = ?`, id, hashSecret(secret)); err != nil {
				return err
			}
		}
		id, secret := randomToken(15), randomToken(32)
		if _, err := tx.Exec(ctx, `INSERT INTO sessions (id, secret_hash, user_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
			id, hashSecret(secret), u.ID, tx.Now, tx.Now, tx.Now.Add(s.cfg.AbsoluteTimeout)); err != nil {
			return err
		}
		// Clean up expired sessions of this user while we are here.
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND (expires_at < ? OR last_seen_at < ?)`,
			u.ID, tx.Now, tx.Now.Add(-s.cfg.IdleTimeout)); err != nil {
			return err
		}
		cookie = id + "." + secret
		return s.log.Write(ctx, tx, entry)
	})
	if err != nil {
		return "", org.User{}, errs.Wrap(err, "login")
	}
	switch {
	case locked:
		return "", org.User{}, ErrLocked
	case !ok:
		return "", org.User{}, ErrInvalidCredentials
	}
	return cookie, u, nil
}

func (s *Service) recordFailure(ctx context.Context, tx *store.Tx, key string) error {
	var failures int
	var start store.Time
	err := tx.QueryRow(ctx, `SELECT failures, window_start FROM login_throttle WHERE key = ?`, key).Scan(&failures, &start)
	switch {
	case isNoRows(err):
		_, err = tx.Exec(ctx, `INSERT INTO login_throttle (key, failures, window_start) VALUES (?, 1, ?)`, key, tx.Now)
		return err
	case err != nil:
		return err
	}
	if tx.Now.Sub(start.Time) > s.cfg.Window {
		failures, start.Time = 0, tx.Now
	}
	failures++
	var until any
	if failures >= s.cfg.MaxFailures {
		until = tx.Now.Add(s.cfg.Lockout)
		failures = 0
		start.Time = tx.Now
	}
	_, err = tx.Exec(ctx, `UPDATE login_throttle SET failures = ?, window_start = ?, locked_until = COALESCE(?, locked_until) WHERE key = ?`,
		failures, start.Time, until, key)
	return err
}

func isNoRows(err error) bool { return err != nil && errors.Is(err, errNoRows) }

// touchEvery limits how often a session's last-seen time is written.
const touchEvery = time.Minute

// SessionUser returns the user of a session cookie, checking the idle and
// absolute timeouts and that the account is still enabled.
func (s *Service) SessionUser(ctx context.Context, cookie string) (org.User, Session, error) {
	id, secret, ok := strings.Cut(cookie, ".")
	if !ok || id == "" || secret == "" || len(cookie) > 200 {
		return org.User{}, Session{}, ErrNoSession
	}
	var u org.User
	var sess Session
	var expired, touch bool
	// Read on the read pool; write only when the session must go or its
	// last-seen time is more than a minute old.
	err := s.db.ReadTx(ctx, func(tx *store.Tx) error {
		var hash string
		var c, seen, exp store.Time
		err := tx.QueryRow(ctx, `SELECT secret_hash, user_id, created_at, last_seen_at, expires_at FROM sessions WHERE id = ?`, id).
			Scan(&hash, &sess.UserID, &c, &seen, &exp)
		if isNoRows(err) {
			return ErrNoSession
		}
		if err != nil {
			return err
		}
		sess.ID, sess.CreatedAt, sess.LastSeenAt, sess.ExpiresAt = id, c.Time, seen.Time, exp.Time
		if subtle.ConstantTimeCompare([]byte(hash), []byte(hashSecret(secret))) != 1 {
			return ErrNoSession
		}
		if !tx.Now.Before(sess.ExpiresAt) || tx.Now.Sub(sess.LastSeenAt) >= s.cfg.IdleTimeout {
			expired = true
			return nil
		}
		if u, err = org.LoadUser(ctx, tx, sess.UserID); err != nil {
			return err
		}
		if u.Disabled {
			return ErrNoSession
		}
		touch = tx.Now.Sub(sess.LastSeenAt) >= touchEvery
		return nil
	})
	if errors.Is(err, ErrNoSession) {
		return org.User{}, Session{}, ErrNoSession
	}
	if err != nil {
		return org.User{}, Session{}, errs.Wrap(err, "session")
	}
	if expired {
		err := s.db.Tx(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `DELETE FROM sessions WHERE id = ?`, id)
			return err
		})
		if err != nil {
			return org.User{}, Session{}, errs.Wrap(err, "end session")
		}
		return org.User{}, Session{}, ErrNoSession
	}
	if touch {
		err := s.db.Tx(ctx, func(tx *store.Tx) error {
			sess.LastSeenAt = tx.Now
			_, err := tx.Exec(ctx, `UPDATE sessions SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?`, tx.Now, id, tx.Now)
			return err
		})
		if err != nil {
			return org.User{}, Session{}, errs.Wrap(err, "touch session")
		}
	}
	return u, sess, nil
}

// Logout ends the session of a cookie (a no-op for an unknown one).
func (s *Service) Logout(ctx context.Context, cookie string) error {
	id, secret, ok := strings.Cut(cookie, ".")
	if !ok {
		return nil
	}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var hash, userID string
		err := tx.QueryRow(ctx, `SELECT secret_hash, user_id FROM sessions WHERE id = ?`, id).Scan(&hash, &userID)
		if isNoRows(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if subtle.ConstantTimeCompare([]byte(hash), []byte(hashSecret(secret))) != 1 {
			return nil
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE id = ?`, id); err != nil {
			return err
		}
		return s.log.Write(ctx, tx, audit.Entry{ActorID: userID, Action: "auth.logout", ObjectType: "user", ObjectID: userID,
			Activity: audit.ActivitySecurity, Subject: userID, SubjectType: audit.SubjectUser})
	})
	return errs.Wrap(err, "logout")
}
