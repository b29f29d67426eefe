package auth

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
)

var errNoRows = sql.ErrNoRows

// TokenPrefix starts every API token, so that secret scanners recognise them.
const TokenPrefix = "bkn_"

// Token is an API token's public part.
type Token struct {
	ID         string     `json:"id"`
	UserID     string     `json:"userId"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"` // the first characters, to recognise it
	CreatedAt  time.Time  `json:"createdAt"`
	ExpiresAt  time.Time  `json:"expiresAt"`
	LastUsedAt *time.Time `json:"lastUsedAt,omitempty"`
	RevokedAt  *time.Time `json:"revokedAt,omitempty"`
	// Expired: the expiry had passed when the token was read. An expired
	// token is refused like a revoked one.
	Expired bool `json:"expired"`
}

// How long a token is valid: chosen at creation, in whole days.
const (
	DefaultTokenDays = 90
	MaxTokenDays     = 365
)

// TokenDayChoices are the validities the web form offers.
var TokenDayChoices = []int{7, 30, DefaultTokenDays, 180, MaxTokenDays}

// CreateToken makes a token for userID, valid for DefaultTokenDays, and
// returns its secret: shown once, stored only as a hash.
func (s *Service) CreateToken(ctx context.Context, actor policy.Subject, userID, name string) (string, Token, error) {
	return s.CreateTokenFor(ctx, actor, userID, name, DefaultTokenDays)
}

// CreateTokenFor is CreateToken with a validity of days (1 to MaxTokenDays).
func (s *Service) CreateTokenFor(ctx context.Context, actor policy.Subject, userID, name string, days int) (string, Token, error) {
	name = strings.TrimSpace(name)
	var v errs.Validation
	v.Check(name != "", "name", "field.required")
	v.Check(utf8.RuneCountInString(name) <= 100, "name", "field.too_long")
	v.Check(days >= 1 && days <= MaxTokenDays, "days", "token.days.invalid")
	if err := v.Err(); err != nil {
		return "", Token{}, err
	}
	secret := TokenPrefix + randomToken(32)
	t := Token{ID: store.NewID(), UserID: userID, Name: name, Prefix: secret[:len(TokenPrefix)+6]}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		u, err := org.LoadUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		// Only for oneself: a token acts as its user, so an administrator
		// who could make one for a care coordinator could read as them.
		if err := policy.Require(actor, policy.CreateToken, u.Resource()); err != nil {
			return err
		}
		if u.Disabled {
			return errs.E(errs.Conflict, "token.user_disabled")
		}
		t.CreatedAt, t.ExpiresAt = tx.Now, tx.Now.AddDate(0, 0, days)
		if _, err := tx.Exec(ctx, `INSERT INTO api_tokens (id, user_id, name, prefix, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			t.ID, userID, name, t.Prefix, hashSecret(secret), tx.Now, t.ExpiresAt); err != nil {
			return err
		}
		return s.log.Write(ctx, tx, audit.Entry{ActorID: actor.UserID, ActorOrgID: actor.OrgID, Action: "token.create",
			ObjectType: "api_token", ObjectID: t.ID, Activity: audit.ActivitySecurity, Subject: userID, SubjectType: audit.SubjectUser,
			Detail: "valid days: " + strconv.Itoa(days)})
	})
	if err != nil {
		return "", Token{}, errs.Wrap(err, "create token")
	}
	return secret, t, nil
}

// ListTokens returns a user's tokens, newest first.
func (s *Service) ListTokens(ctx context.Context, actor policy.Subject, userID string) ([]Token, error) {
	var out []Token
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		u, err := org.LoadUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		if err := policy.Require(actor, policy.ManageTokens, u.Resource()); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE user_id = ? ORDER BY created_at DESC, id`, userID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			t, err := scanToken(rows, tx.Now)
			if err != nil {
				return err
			}
			out = append(out, t)
		}
		return rows.Err()
	})
	return out, errs.Wrap(err, "list tokens")
}

// RevokeToken ends a token at once.
func (s *Service) RevokeToken(ctx context.Context, actor policy.Subject, tokenID string) error {
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var userID string
		var rev store.NullTime
		err := tx.QueryRow(ctx, `SELECT user_id, revoked_at FROM api_tokens WHERE id = ?`, tokenID).Scan(&userID, &rev)
		if isNoRows(err) {
			return errs.E(errs.NotFound, "error.not_found")
		}
		if err != nil {
			return err
		}
		u, err := org.LoadUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		if err := policy.Require(actor, policy.ManageTokens, policy.Resource{ID: tokenID, OrgID: u.OrganisationID,
			RegionID: u.Organisation.Region(), OwnerID: u.ID}); err != nil {
			return err
		}
		if rev.Valid {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ?`, tx.Now, tokenID); err != nil {
			return err
		}
		return s.log.Write(ctx, tx, audit.Entry{ActorID: actor.UserID, ActorOrgID: actor.OrgID, Action: "token.revoke",
			ObjectType: "api_token", ObjectID: tokenID, Activity: audit.ActivitySecurity, Subject: userID, SubjectType: audit.SubjectUser})
	})
	return errs.Wrap(err, "revoke token")
}

// tokenColumns are read by scanToken.
const tokenColumns = `id, user_id, name, prefix, created_at, expires_at, last_used_at, revoked_at`

func scanToken(row interface{ Scan(...any) error }, now time.Time) (Token, error) {
	var t Token
	var c store.Time
	var exp, used, rev store.NullTime
	if err := row.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &c, &exp, &used, &rev); err != nil {
		return t, err
	}
	// A token without an expiry (none should remain after migration 0008)
	// counts as expired at its creation: refused, never valid for ever.
	t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt = c.Time, c.Time, used.Ptr(), rev.Ptr()
	if exp.Valid {
		t.ExpiresAt = exp.Time
	}
	t.Expired = !now.Before(t.ExpiresAt)
	return t, nil
}

// TokenUser returns the user of a bearer token.
func (s *Service) TokenUser(ctx context.Context, secret string) (org.User, error) {
	u, _, err := s.TokenUserAndToken(ctx, secret)
	return u, err
}

// TokenUserAndToken returns the user of a bearer token and the token's
// public part. A revoked or expired token, or one of a disabled account,
// is ErrBadToken.
func (s *Service) TokenUserAndToken(ctx context.Context, secret string) (org.User, Token, error) {
	if !strings.HasPrefix(secret, TokenPrefix) || len(secret) > 200 {
		return org.User{}, Token{}, ErrBadToken
	}
	var u org.User
	var t Token
	var touch bool
	err := s.db.ReadTx(ctx, func(tx *store.Tx) error {
		var err error
		t, err = scanToken(tx.QueryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL`, hashSecret(secret)), tx.Now)
		if isNoRows(err) {
			return ErrBadToken
		}
		if err != nil {
			return err
		}
		if t.Expired {
			return ErrBadToken
		}
		if u, err = org.LoadUser(ctx, tx, t.UserID); err != nil {
			return err
		}
		if u.Disabled {
			return ErrBadToken
		}
		touch = t.LastUsedAt == nil || tx.Now.Sub(*t.LastUsedAt) >= touchEvery
		return nil
	})
	if err == nil && touch {
		err = s.db.Tx(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)`, tx.Now, t.ID, tx.Now.Add(-touchEvery))
			return err
		})
	}
	if errs.Is(err, errs.Unauthenticated) {
		return org.User{}, Token{}, ErrBadToken
	}
	if err != nil {
		return org.User{}, Token{}, errs.Wrap(err, "token")
	}
	return u, t, nil
}
