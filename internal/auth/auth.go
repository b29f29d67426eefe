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
	// ClientAttempts is how many sign-in attempts one client address (an
	// IPv6 /64) may make a minute, in a burst or spread (default 30);
	// MaxClients bounds how many addresses are remembered (default 10000).
	ClientAttempts int
	MaxClients     int
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
	if c.ClientAttempts <= 0 {
		c.ClientAttempts = 30
	}
	if c.MaxClients <= 0 {
		c.MaxClients = 10000
	}
}

// Service authenticates users.
type Service struct {
	db        *store.DB
	log       *audit.Log
	keys      *fieldcrypt.Keyring
	cfg       Config
	dummyHash string
	clients   *clientLimiter
}

// NewService returns the auth service.
func NewService(db *store.DB, log *audit.Log, keys *fieldcrypt.Keyring, cfg Config) (*Service, error) {
	cfg.defaults()
	// The hash unknown users are checked against, so that they take as long as known ones.
	return &Service{db: db, log: log, keys: keys, cfg: cfg, dummyHash: password.Dummy(cfg.Params),
		clients: newClientLimiter(cfg.ClientAttempts, cfg.MaxClients)}, nil
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
//
// The attempt is counted before the password is checked (see reserve): a
// locked address, known or not, is refused without hashing; every other
// attempt checks one password (the account's, or a dummy hash for an unknown
// address) within the process's hashing memory budget, and answers
// password.ErrBusy when no room comes free in time.
func (s *Service) Login(ctx context.Context, email, pw, replaceCookie string) (cookie string, u org.User, err error) {
	email = strings.ToLower(strings.TrimSpace(email))
	key := s.keys.Index("login", email)
	var found bool
	var res reservation
	entry := func() audit.Entry {
		e := audit.Entry{ActorID: u.ID, ActorOrgID: u.OrganisationID, Action: "auth.login", ObjectType: "user", ObjectID: u.ID,
			Activity: audit.ActivitySecurity, Subject: u.ID, SubjectType: audit.SubjectUser}
		if !found {
			// What was typed is not kept (it may be a password typed into the
			// wrong field): only a keyed hash, which tells repeated attempts at
			// the same address apart from others and reveals nothing.
			e.Subject, e.SubjectType, e.Detail = s.keys.Index("login.unknown", email), audit.SubjectEmailHash, "unknown account"
		}
		return e
	}
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		u, err = org.LoadUserByEmail(ctx, tx, email)
		if err != nil && !errs.Is(err, errs.NotFound) {
			return err
		}
		found = err == nil
		// Whether the key is locked is decided here, holding its throttle
		// row, before any hashing: guesses sent at the same moment are
		// counted one after another, and no more than MaxFailures of them
		// are checked.
		if res, err = s.reserve(ctx, tx, key); err != nil || !res.locked {
			return err
		}
		e := entry()
		e.Outcome, e.Detail = audit.Denied, strings.TrimPrefix(e.Detail+"; locked out", "; ")
		return s.log.Write(ctx, tx, e)
	})
	if err != nil {
		return "", org.User{}, errs.Wrap(err, "login")
	}
	if res.locked {
		return "", org.User{}, ErrLocked
	}
	hash := s.dummyHash
	if found && u.PasswordHash != "" {
		hash = u.PasswordHash
	}
	ok, cerr := password.CheckContext(ctx, pw, hash) // always pay the full cost
	busy := errors.Is(cerr, password.ErrBusy) || ctx.Err() != nil
	ok = ok && found && !u.Disabled && u.PasswordHash != ""
	// The outcome is recorded even when the caller has gone away meanwhile.
	ctx = context.WithoutCancel(ctx)
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		e := entry()
		switch {
		case busy:
			// Nothing was checked: the attempt gives its count back.
			if err := s.refund(ctx, tx, res); err != nil {
				return err
			}
			e.Outcome, e.Detail = audit.Denied, strings.TrimPrefix(e.Detail+"; server busy", "; ")
			return s.log.Write(ctx, tx, e)
		case !ok:
			// Already counted as a failure by reserve.
			e.Outcome = audit.Denied
			if found && u.Disabled {
				e.Detail = "account disabled"
			}
			return s.log.Write(ctx, tx, e)
		}
		if err := s.clear(ctx, tx, key); err != nil {
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
		return s.log.Write(ctx, tx, e)
	})
	switch {
	case err != nil:
		return "", org.User{}, errs.Wrap(err, "login")
	case busy && cerr != nil && !errors.Is(cerr, password.ErrBusy):
		return "", org.User{}, cerr // the caller went away
	case busy:
		return "", org.User{}, password.ErrBusy
	case !ok:
		return "", org.User{}, ErrInvalidCredentials
	}
	return cookie, u, nil
}

// touchEvery limits how often a token's last-used time is written, and is
// the longest gap between writes of a session's last-seen time.
const touchEvery = time.Minute

// touchSessionEvery is how often a session's last-seen time is written: at
// most a minute apart, and at most a tenth of the idle timeout, so that a
// session in use is never ended as idle because its use was not recorded.
func (s *Service) touchSessionEvery() time.Duration {
	return min(touchEvery, s.cfg.IdleTimeout/10)
}

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
	// last-seen time is older than touchSessionEvery.
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
		touch = tx.Now.Sub(sess.LastSeenAt) >= s.touchSessionEvery()
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

func isNoRows(err error) bool { return err != nil && errors.Is(err, errNoRows) }
