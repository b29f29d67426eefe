package api

import (
	"net/http"
	"slices"
	"time"

	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/org"
)

// orgRefJSON is the short form of an organisation, inside a user.
type orgRefJSON struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Kind     org.Kind `json:"kind"`
	RegionID *string  `json:"regionId"`
}

func orgRefOf(o org.Organisation) orgRefJSON {
	return orgRefJSON{ID: o.ID, Name: o.Name, Kind: o.Kind, RegionID: nullString(o.RegionID)}
}

// orgJSON is an organisation.
type orgJSON struct {
	ID           string    `json:"id"`
	Kind         org.Kind  `json:"kind"`
	Name         string    `json:"name"`
	RegionID     *string   `json:"regionId"`
	PartnerType  string    `json:"partnerType"`
	ContactEmail string    `json:"contactEmail"`
	ContactPhone string    `json:"contactPhone"`
	CreatedAt    time.Time `json:"createdAt"`
	UpdatedAt    time.Time `json:"updatedAt"`
	Version      int       `json:"version"`
}

func orgOf(o org.Organisation) orgJSON {
	return orgJSON{ID: o.ID, Kind: o.Kind, Name: o.Name, RegionID: nullString(o.RegionID), PartnerType: o.PartnerType,
		ContactEmail: o.ContactEmail, ContactPhone: o.ContactPhone, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt, Version: o.Version}
}

type orgListJSON struct {
	Items []orgJSON `json:"items"`
	Total int       `json:"total"`
}

// orgUpdateJSON is the body of PUT /organisations/{id}: the whole
// organisation and the version the client last read.
type orgUpdateJSON struct {
	org.OrgInput
	Version *int `json:"version"`
}

func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (a *API) listOrgs(w http.ResponseWriter, r *http.Request, u org.User) error {
	q := parseQuery(r)
	if err := q.v.Err(); err != nil {
		return err
	}
	list, err := a.d.Orgs.ListOrgs(r.Context(), u.Subject())
	if err != nil {
		return err
	}
	out := orgListJSON{Items: make([]orgJSON, 0, len(list)), Total: len(list)}
	for _, o := range list {
		out.Items = append(out.Items, orgOf(o))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (a *API) getOrg(w http.ResponseWriter, r *http.Request, u org.User) error {
	o, err := a.d.Orgs.GetOrg(r.Context(), u.Subject(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, orgOf(o))
}

func (a *API) createOrg(w http.ResponseWriter, r *http.Request, u org.User) error {
	var in org.OrgInput
	if err := a.readJSON(w, r, &in); err != nil {
		return err
	}
	o, err := a.d.Orgs.CreateOrg(r.Context(), u.Subject(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", BasePath+"/organisations/"+o.ID)
	return writeJSON(w, http.StatusCreated, orgOf(o))
}

func (a *API) updateOrg(w http.ResponseWriter, r *http.Request, u org.User) error {
	var in orgUpdateJSON
	if err := a.readJSON(w, r, &in); err != nil {
		return err
	}
	var o org.Organisation
	err := withVersion(in.Version, func(version int) (err error) {
		o, err = a.d.Orgs.UpdateOrg(r.Context(), u.Subject(), r.PathValue("id"), version, in.OrgInput)
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, orgOf(o))
}

// withVersion runs an update with the version the client sent. Without a
// valid one it still lets the service validate the rest (with a version no
// record has, so nothing can be written) and reports every problem at once,
// the version among them.
func withVersion(version *int, update func(version int) error) error {
	if version != nil && *version >= 1 {
		return update(*version)
	}
	missing := errs.FieldError{Field: "version", Key: "field.required"}
	if version != nil {
		missing.Key = "api.param.range"
	}
	err := update(-1) // versions start at 1: this never matches
	e := errs.As(err)
	switch {
	case err == nil:
		return errs.E(errs.Internal, "") // cannot happen; never claim success without a version
	case e != nil && e.Code == errs.Invalid:
		return &errs.Error{Code: errs.Invalid, Key: "error.validation", Fields: append(slices.Clone(e.Fields), missing)}
	case e != nil && e.Code == errs.Conflict && e.Key == "error.stale":
		return &errs.Error{Code: errs.Invalid, Key: "error.validation", Fields: []errs.FieldError{missing}}
	}
	return err
}
