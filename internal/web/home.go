package web

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/kader"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
)

// homePage is the start page: who the user is, a section per role, and the
// who-is-who of their region from the organisations' contact details.
type homePage struct {
	User       org.User
	Roles      []policy.Role // the user's roles in display order
	Region     *org.Organisation
	Nearby     []org.Organisation // municipalities and partners of the region (capped)
	NearbyMore int                // how many more the directory shows
	National   []org.Organisation
	Counts     regionCounts
	// beheerder
	OrgCount, UserCount int
	// privacyfunctionaris
	Latest []audit.View
	// beheerder and privacyfunctionaris: role grants awaiting approval
	GrantsShown bool
	Grants      []org.GrantView
	// beleidsmedewerker: the overdue actions of the action plan (kader.go)
	KaderOverdue []kader.Action
}

type regionCounts struct{ Municipalities, Partners int }

const nearbyMax = 12

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	ctx := r.Context()
	orgs, err := s.d.Orgs.ListOrgs(ctx, st.subject)
	if err != nil {
		return err
	}
	hp := homePage{User: st.user}
	for _, role := range policy.Roles {
		if st.subject.Has(role) {
			hp.Roles = append(hp.Roles, role)
		}
	}
	region := st.user.Organisation.Region()
	for i, o := range orgs {
		switch {
		case o.ID == region && o.Kind == org.Region:
			hp.Region = &orgs[i]
		case o.Kind == org.National:
			hp.National = append(hp.National, o)
		case region != "" && o.RegionID == region:
			if o.Kind == org.Municipality {
				hp.Counts.Municipalities++
			} else {
				hp.Counts.Partners++
			}
			if len(hp.Nearby) < nearbyMax {
				hp.Nearby = append(hp.Nearby, o)
			} else {
				hp.NearbyMore++
			}
		}
	}
	if policy.Can(st.subject, policy.ManageOrg, policy.Resource{}) {
		hp.OrgCount = len(orgs)
	}
	if policy.Can(st.subject, policy.ManageUser, policy.Resource{}) {
		total, err := s.d.Orgs.CountUsers(ctx, st.subject)
		if err != nil {
			return err
		}
		hp.UserCount = total
	}
	if hp.GrantsShown = policy.Can(st.subject, policy.ApproveRole, policy.Resource{}); hp.GrantsShown {
		if hp.Grants, err = s.d.Orgs.ListRoleGrants(ctx, st.subject); err != nil {
			return err
		}
	}
	if st.subject.Has(policy.Privacyfunctionaris) && policy.Can(st.subject, policy.ReadAudit, policy.Resource{}) {
		if hp.Latest, _, err = s.d.Viewer.Search(ctx, st.subject, audit.Filter{Limit: 5}, ""); err != nil {
			return err
		}
	}
	if hp.KaderOverdue, err = s.kaderOverdue(r, st); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "home", s.newPage(r, "web.home.title", hp))
}

// directoryPage is the who-is-who: organisations with their work contact
// details, by region, paginated.
type directoryPage struct {
	Orgs    []org.Organisation
	Regions []org.Organisation
	Region  string // selected region id; "" is every region
	Names   map[string]string
	// Contacts: whom to call in the viewer's municipality and region (kader.go)
	Contacts *org.Contacts
	// Partners: national helplines of chain partners, checked and dated (partners.go)
	Partners []partnerContact
	Pager    pager
}

const directoryPageSize = 25

func (s *Server) directory(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	orgs, err := s.d.Orgs.ListOrgs(r.Context(), st.subject)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	dp := directoryPage{Names: map[string]string{}, Partners: s.partnerContacts(st.lang)}
	for _, o := range orgs {
		dp.Names[o.ID] = o.Name
		if o.Kind == org.Region {
			dp.Regions = append(dp.Regions, o)
		}
	}
	dp.Region = st.user.Organisation.Region()
	if q.Has("regio") {
		dp.Region = q.Get("regio")
	}
	if dp.Region != "" && !slices.ContainsFunc(dp.Regions, func(o org.Organisation) bool { return o.ID == dp.Region }) {
		return errs.E(errs.NotFound, "error.not_found")
	}
	var list []org.Organisation
	for _, o := range orgs {
		if dp.Region == "" || o.Region() == dp.Region || o.Kind == org.National {
			list = append(list, o)
		}
	}
	pg, err := pageNumber(q.Get("pagina"))
	if err != nil {
		return err
	}
	if dp.Contacts, err = s.kaderContactsFor(r, st); err != nil {
		return err
	}
	dp.Pager = newPager(pg, directoryPageSize, len(list), "/wie-is-wie", urlValues("regio", dp.Region, q.Has("regio")))
	dp.Orgs = list[dp.Pager.from():dp.Pager.to()]
	return s.render(w, r, http.StatusOK, "directory", s.newPage(r, "web.directory.title", dp))
}

// pageNumber parses a 1-based page number ("" is 1).
func pageNumber(s string) (int, error) {
	if s == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 1_000_000 {
		return 0, errs.E(errs.Invalid, "web.error.bad_page")
	}
	return n, nil
}
