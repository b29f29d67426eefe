package api

import (
	"net/http"
	"time"

	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
)

// userJSON is an account: never its password hash.
type userJSON struct {
	ID             string          `json:"id"`
	Email          string          `json:"email"`
	Name           string          `json:"name"`
	Phone          string          `json:"phone"`
	OrganisationID string          `json:"organisationId"`
	Organisation   orgRefJSON      `json:"organisation"`
	Roles          []policy.Role   `json:"roles"`
	PendingRoles   []roleGrantJSON `json:"pendingRoles"`
	Locale         string          `json:"locale"`
	Disabled       bool            `json:"disabled"`
	CreatedAt      time.Time       `json:"createdAt"`
	UpdatedAt      time.Time       `json:"updatedAt"`
	Version        int             `json:"version"`
}

func userOf(u org.User) userJSON {
	out := userJSON{ID: u.ID, Email: u.Email, Name: u.Name, Phone: u.Phone, OrganisationID: u.OrganisationID,
		Organisation: orgRefOf(u.Organisation), Roles: roles(u.Roles), PendingRoles: []roleGrantJSON{}, Locale: u.Locale,
		Disabled: u.Disabled, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt, Version: u.Version}
	for _, g := range u.PendingRoles {
		out.PendingRoles = append(out.PendingRoles, roleGrantOf(g))
	}
	return out
}

// userPageJSON is one page of users.
type userPageJSON struct {
	Items      []userJSON `json:"items"`
	Total      int        `json:"total"`
	Limit      int        `json:"limit"`
	Offset     int        `json:"offset"`
	NextOffset *int       `json:"nextOffset"` // null on the last page
}

// userCreateJSON is the body of POST /users.
type userCreateJSON struct {
	Email          string        `json:"email"`
	Name           string        `json:"name"`
	Phone          string        `json:"phone"`
	OrganisationID string        `json:"organisationId"`
	Roles          []policy.Role `json:"roles"`
	Locale         string        `json:"locale"`
	Password       string        `json:"password"`
}

// userUpdateJSON is the body of PUT /users/{id}: the whole account, an
// optional new password and the version the client last read.
type userUpdateJSON struct {
	org.UserInput
	Version *int `json:"version"`
}

// Page sizes of GET /users.
const (
	defaultUserLimit = 50
	maxUserLimit     = 200
)

func (a *API) listUsers(w http.ResponseWriter, r *http.Request, u org.User) error {
	q := parseQuery(r, "q", "organisationId", "limit", "offset")
	f := org.UserFilter{
		Query:          q.str("q", 200),
		OrganisationID: q.str("organisationId", 100),
		Limit:          int(q.int("limit", 1, maxUserLimit, defaultUserLimit)),
		Offset:         int(q.int("offset", 0, 1<<31-1, 0)),
	}
	if err := q.v.Err(); err != nil {
		return err
	}
	us, total, err := a.d.Orgs.ListUsers(r.Context(), u.Subject(), f)
	if err != nil {
		return err
	}
	out := userPageJSON{Items: make([]userJSON, 0, len(us)), Total: total, Limit: f.Limit, Offset: f.Offset}
	for _, x := range us {
		out.Items = append(out.Items, userOf(x))
	}
	if next := f.Offset + f.Limit; next < total {
		out.NextOffset = &next
	}
	return writeJSON(w, http.StatusOK, out)
}

func (a *API) getUser(w http.ResponseWriter, r *http.Request, u org.User) error {
	x, err := a.d.Orgs.GetUser(r.Context(), u.Subject(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, userOf(x))
}

func (a *API) createUser(w http.ResponseWriter, r *http.Request, u org.User) error {
	var in userCreateJSON
	if err := a.readJSON(w, r, &in); err != nil {
		return err
	}
	x, err := a.d.Orgs.CreateUser(r.Context(), u.Subject(), org.UserInput{Email: in.Email, Name: in.Name, Phone: in.Phone,
		OrganisationID: in.OrganisationID, Roles: in.Roles, Locale: in.Locale, Password: in.Password})
	if err != nil {
		return err
	}
	w.Header().Set("Location", BasePath+"/users/"+x.ID)
	return writeJSON(w, http.StatusCreated, userOf(x))
}

func (a *API) updateUser(w http.ResponseWriter, r *http.Request, u org.User) error {
	var in userUpdateJSON
	if err := a.readJSON(w, r, &in); err != nil {
		return err
	}
	var x org.User
	err := withVersion(in.Version, func(version int) (err error) {
		x, err = a.d.Orgs.UpdateUser(r.Context(), u.Subject(), r.PathValue("id"), version, in.UserInput)
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, userOf(x))
}
