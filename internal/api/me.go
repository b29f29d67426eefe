package api

import (
	"net/http"
	"slices"
	"time"

	"github.com/baken-nl/baken/internal/auth"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
)

// meJSON is the signed-in user as GET /me shows it.
type meJSON struct {
	ID           string        `json:"id"`
	Email        string        `json:"email"`
	Name         string        `json:"name"`
	Organisation orgRefJSON    `json:"organisation"`
	Roles        []policy.Role `json:"roles"`
	Locale       string        `json:"locale"`
	Token        currentToken  `json:"token"`
}

// currentToken is the token the request came with.
type currentToken struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Prefix    string    `json:"prefix"`
	ExpiresAt time.Time `json:"expiresAt"`
}

func (a *API) me(w http.ResponseWriter, r *http.Request, u org.User) error {
	t := tokenOfRequest(r)
	return writeJSON(w, http.StatusOK, meJSON{ID: u.ID, Email: u.Email, Name: u.Name,
		Organisation: orgRefOf(u.Organisation), Roles: roles(u.Roles), Locale: u.Locale,
		Token: currentToken{ID: t.ID, Name: t.Name, Prefix: t.Prefix, ExpiresAt: t.ExpiresAt}})
}

// tokenJSON is an API token's public part: never its secret.
type tokenJSON struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"createdAt"`
	ExpiresAt  time.Time  `json:"expiresAt"`
	Expired    bool       `json:"expired"`
	LastUsedAt *time.Time `json:"lastUsedAt"`
	RevokedAt  *time.Time `json:"revokedAt"`
}

type tokenListJSON struct {
	Items []tokenJSON `json:"items"`
}

func tokenOf(t auth.Token) tokenJSON {
	return tokenJSON{ID: t.ID, Name: t.Name, Prefix: t.Prefix, CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt, Expired: t.Expired,
		LastUsedAt: t.LastUsedAt, RevokedAt: t.RevokedAt}
}

func (a *API) listTokens(w http.ResponseWriter, r *http.Request, u org.User) error {
	ts, err := a.d.Auth.ListTokens(r.Context(), u.Subject(), u.ID)
	if err != nil {
		return err
	}
	out := tokenListJSON{Items: make([]tokenJSON, 0, len(ts))}
	for _, t := range ts {
		out.Items = append(out.Items, tokenOf(t))
	}
	return writeJSON(w, http.StatusOK, out)
}

// revokeToken revokes one of the caller's own tokens (the path says "me":
// an administrator's right to revoke others' tokens is not used here).
// Revoking a revoked token succeeds again.
func (a *API) revokeToken(w http.ResponseWriter, r *http.Request, u org.User) error {
	id := r.PathValue("id")
	ts, err := a.d.Auth.ListTokens(r.Context(), u.Subject(), u.ID)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(ts, func(t auth.Token) bool { return t.ID == id }) {
		return errs.E(errs.NotFound, "error.not_found")
	}
	if err := a.d.Auth.RevokeToken(r.Context(), u.Subject(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// roles never renders as null.
func roles(rs []policy.Role) []policy.Role {
	if rs == nil {
		return []policy.Role{}
	}
	return rs
}
