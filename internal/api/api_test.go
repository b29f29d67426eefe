package api_test

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/api"
	"github.com/baken-nl/baken/internal/auth/password"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/store"
)

func TestAuthentication(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		cookie, _, err := e.a.Auth.Login(e.ctx, "admin@baken.test", testPassword, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			opts []opt
			www  string
		}{
			{"no header", nil, `Bearer realm="baken"`},
			{"basic", []opt{header("Authorization", "Basic YWRtaW46eA==")}, `Bearer realm="baken", error="invalid_request"`},
			{"empty bearer", []opt{header("Authorization", "Bearer")}, `Bearer realm="baken", error="invalid_request"`},
			{"unknown token", []opt{header("Authorization", "Bearer bkn_"+strings.Repeat("a", 52))}, `Bearer realm="baken", error="invalid_token"`},
			{"foreign token", []opt{header("Authorization", "Bearer eyJhbGciOiJub25lIn0.e30.")}, `Bearer realm="baken", error="invalid_token"`},
			{"two headers", []opt{e.as("admin"), func(r *http.Request) { r.Header.Add("Authorization", "Bearer "+e.tokens["fg"]) }},
				`Bearer realm="baken", error="invalid_request"`},
			{"session cookie", []opt{header("Cookie", "baken_session="+cookie+"; session="+cookie)}, `Bearer realm="baken"`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				a := e.do(t, "GET", "/api/v1/me", nil, tc.opts...)
				p := a.wantProblem(t, http.StatusUnauthorized, "unauthenticated")
				if got := a.header.Get("WWW-Authenticate"); got != tc.www {
					t.Errorf("WWW-Authenticate %q, want %q", got, tc.www)
				}
				if p.Instance != "/api/v1/me" || p.Title == "" || p.Detail == "" {
					t.Errorf("problem %+v", p)
				}
			})
		}

		e.do(t, "GET", "/api/v1/me", nil, header("Authorization", "bearer "+e.tokens["admin"])).want(t, http.StatusOK)

		// A revoked token stops working at once.
		e.do(t, "GET", "/api/v1/me", nil, e.as("signaleerderA")).want(t, http.StatusOK)
		if err := e.a.Auth.RevokeToken(e.ctx, e.users["signaleerderA"].Subject(), e.tokenIDs["signaleerderA"]); err != nil {
			t.Fatal(err)
		}
		a := e.do(t, "GET", "/api/v1/me", nil, e.as("signaleerderA"))
		a.wantProblem(t, http.StatusUnauthorized, "unauthenticated")
		if a.header.Get("WWW-Authenticate") != `Bearer realm="baken", error="invalid_token"` {
			t.Errorf("WWW-Authenticate %q", a.header.Get("WWW-Authenticate"))
		}

		// So does the token of a disabled account.
		c := e.users["adminC"]
		in := org.UserInput{Email: c.Email, Name: c.Name, OrganisationID: c.OrganisationID, Roles: c.Roles, Locale: c.Locale, Disabled: true}
		if _, err := e.a.Orgs.UpdateUser(e.ctx, org.System, c.ID, c.Version, in); err != nil {
			t.Fatal(err)
		}
		e.do(t, "GET", "/api/v1/me", nil, e.as("adminC")).wantProblem(t, http.StatusUnauthorized, "unauthenticated")
	})
}

func TestLanguage(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		for _, tc := range []struct{ accept, lang, detail string }{
			{"", "nl", "Stuur een geldig API-token"},
			{"en-GB,en;q=0.9", "en", "Send a valid API token"},
			{"de-DE,en;q=0.5,nl;q=0.4", "en", "Send a valid API token"},
			{"fr", "nl", "Stuur een geldig API-token"},
		} {
			a := e.do(t, "GET", "/api/v1/me", nil, header("Accept-Language", tc.accept))
			p := a.wantProblem(t, http.StatusUnauthorized, "unauthenticated")
			if !strings.HasPrefix(p.Detail, tc.detail) || a.header.Get("Content-Language") != tc.lang {
				t.Errorf("Accept-Language %q: detail %q, Content-Language %q", tc.accept, p.Detail, a.header.Get("Content-Language"))
			}
		}
		// Field messages follow the language too.
		body := map[string]any{"kind": "castle"}
		nl := e.do(t, "POST", "/api/v1/organisations", body, e.as("admin")).wantProblem(t, 400, "invalid")
		en := e.do(t, "POST", "/api/v1/organisations", body, e.as("admin"), header("Accept-Language", "en")).wantProblem(t, 400, "invalid")
		if nl.InvalidParams[0].Reason != "Kies een soort organisatie." || en.InvalidParams[0].Reason != "Choose a kind of organisation." {
			t.Errorf("reasons %q and %q", nl.InvalidParams[0].Reason, en.InvalidParams[0].Reason)
		}
	})
}

type meBody struct {
	ID           string
	Email        string
	Name         string
	Organisation struct {
		ID, Name, Kind string
		RegionID       *string
	}
	Roles  []string
	Locale string
}

func TestMe(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		for _, tc := range []struct {
			label, org string
			region     *string
			roles      []string
		}{
			{"admin", e.national.ID, nil, []string{"beheerder"}},
			{"fg", e.national.ID, nil, []string{"privacyfunctionaris"}},
			{"beleidA", e.gemA.ID, &e.noord.ID, []string{"beleidsmedewerker", "signaleerder"}},
			{"signaleerderA", e.gemA.ID, &e.noord.ID, []string{"signaleerder"}},
			{"zorgNoord", e.noord.ID, nil, []string{"zorgcoordinator"}},
			{"partner", e.partner.ID, &e.noord.ID, []string{"ketenpartner"}},
		} {
			t.Run(tc.label, func(t *testing.T) {
				var me meBody
				e.do(t, "GET", "/api/v1/me", nil, e.as(tc.label)).want(t, http.StatusOK).decode(t, &me)
				u := e.users[tc.label]
				if me.ID != u.ID || me.Email != strings.ToLower(tc.label)+"@baken.test" || me.Name != "Test "+tc.label || me.Locale != "nl" {
					t.Errorf("me %+v", me)
				}
				if me.Organisation.ID != tc.org || !slices.Equal(me.Roles, tc.roles) {
					t.Errorf("organisation %+v roles %v, want %s %v", me.Organisation, me.Roles, tc.org, tc.roles)
				}
				if (me.Organisation.RegionID == nil) != (tc.region == nil) || tc.region != nil && *me.Organisation.RegionID != *tc.region {
					t.Errorf("regionId %v, want %v", me.Organisation.RegionID, tc.region)
				}
			})
		}
	})
}

func TestRouting(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		for _, path := range []string{"/api/v1/nope", "/api/v2/me", "/api/v1", "/api/v1/users/", "/api/v1/me/", "/api/v1/Me"} {
			for _, who := range []string{"", "admin"} {
				p := e.do(t, "GET", path, nil, e.as(who)).wantProblem(t, http.StatusNotFound, "not_found")
				if !strings.Contains(p.Detail, "/api/v1/openapi.json") {
					t.Errorf("%s: detail %q", path, p.Detail)
				}
			}
		}
		for _, tc := range []struct{ method, path, allow string }{
			{"DELETE", "/api/v1/me", "GET, HEAD"},
			{"POST", "/api/v1/openapi.json", "GET, HEAD"},
			{"PATCH", "/api/v1/users/x", "GET, HEAD, PUT"},
			{"GET", "/api/v1/me/tokens/x", "DELETE"},
			{"PUT", "/api/v1/processing-log/search", "POST"},
			{"OPTIONS", "/api/v1/organisations", "GET, HEAD, POST"},
		} {
			a := e.do(t, tc.method, tc.path, nil, e.as("admin"))
			a.wantProblem(t, http.StatusMethodNotAllowed, "method_not_allowed")
			if got := a.header.Get("Allow"); got != tc.allow {
				t.Errorf("%s %s: Allow %q, want %q", tc.method, tc.path, got, tc.allow)
			}
		}
	})
}

func TestOpenAPIServed(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		a := e.do(t, "GET", "/api/v1/openapi.json", nil).want(t, http.StatusOK)
		if string(a.body) != string(api.OpenAPIDocument) || a.header.Get("Content-Type") != "application/json" {
			t.Errorf("served %q, %d bytes", a.header.Get("Content-Type"), len(a.body))
		}
		if a.header.Get("Cache-Control") != "no-store" || a.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("security headers missing: %v", a.header)
		}
	})
}

func TestRequestBodies(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		const path = "/api/v1/organisations"
		before := e.count("organisations")
		valid := `{"kind":"partner","name":"Opvang Noord","regionId":"` + e.noord.ID + `"}`

		// The caller is authenticated before the body is looked at.
		e.do(t, "POST", path, "x", header("Content-Type", "text/plain")).wantProblem(t, 401, "unauthenticated")

		for _, ct := range []string{"", "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin-1"} {
			e.do(t, "POST", path, valid, e.as("admin"), header("Content-Type", ct)).wantProblem(t, 415, "unsupported_media_type")
		}

		p := e.do(t, "POST", path, "{\"name\": \"x\",\n  \"kind\": }", e.as("admin"), header("Accept-Language", "en")).wantProblem(t, 400, "invalid")
		if p.Detail != "The body is not valid JSON (line 2, column 11)." || len(p.InvalidParams) != 0 {
			t.Errorf("malformed: %+v", p)
		}
		p = e.do(t, "POST", path, "{\"name\": \"x\",\n  \"kind\": }", e.as("admin")).wantProblem(t, 400, "invalid")
		if p.Detail != "De inhoud is geen geldige JSON (regel 2, kolom 11)." {
			t.Errorf("malformed, Dutch: %q", p.Detail)
		}
		for body, key := range map[string]string{
			"":                    "Het verzoek heeft geen inhoud",
			`[]`:                  "De inhoud moet één JSON-object zijn.",
			valid + valid:         "Na het JSON-object volgt nog meer inhoud",
			"{\"name\":\"\xff\"}": "De inhoud is geen geldige UTF-8.",
		} {
			p := e.do(t, "POST", path, body, e.as("admin")).wantProblem(t, 400, "invalid")
			if !strings.HasPrefix(p.Detail, key) {
				t.Errorf("%q: detail %q", body, p.Detail)
			}
		}

		// Unknown, repeated and mistyped fields: all reported at once.
		p = e.do(t, "POST", path, `{"kind":"partner","Name":"x","name":"y","name":"z","regionId":7,"extra":{}}`, e.as("admin")).wantProblem(t, 400, "invalid")
		if got, want := p.params(), []string{"Name:api.field.unknown", "extra:api.field.unknown", "name:api.field.duplicate", "regionId:api.field.type"}; !slices.Equal(got, want) {
			t.Errorf("params %v, want %v", got, want)
		}

		// Bodies over the API's cap (256 KiB) and over the server's (1 MiB).
		for _, size := range []int{300 << 10, 2 << 20} {
			big := `{"kind":"partner","name":"` + strings.Repeat("x", size) + `"}`
			e.do(t, "POST", path, big, e.as("admin")).wantProblem(t, http.StatusRequestEntityTooLarge, "too_large")
		}

		if n := e.count("organisations"); n != before {
			t.Errorf("%d organisations after rejected bodies, want %d", n, before)
		}
		e.do(t, "POST", path, valid, e.as("admin"), header("Content-Type", "application/json; charset=UTF-8")).want(t, http.StatusCreated)
	})
}

type orgBody struct {
	ID, Kind, Name                          string
	RegionID                                *string
	PartnerType, ContactEmail, ContactPhone string
	CreatedAt, UpdatedAt                    time.Time
	Version                                 int
}

func TestOrganisations(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		var list struct {
			Items []orgBody
			Total int
		}
		e.do(t, "GET", "/api/v1/organisations", nil, e.as("signaleerderA")).want(t, 200).decode(t, &list)
		var names []string
		for _, o := range list.Items {
			names = append(names, o.Name)
		}
		if want := []string{"Landelijk Team", "Noord", "Zuid", "Gemeente A", "Gemeente C", "Politie Noord"}; list.Total != 6 || !slices.Equal(names, want) {
			t.Errorf("list: %d %v, want %v", list.Total, names, want)
		}
		e.do(t, "GET", "/api/v1/organisations?kind=region", nil, e.as("admin")).wantProblem(t, 400, "invalid")

		var got orgBody
		e.do(t, "GET", "/api/v1/organisations/"+e.gemA.ID, nil, e.as("partner")).want(t, 200).decode(t, &got)
		if got.Name != "Gemeente A" || got.RegionID == nil || *got.RegionID != e.noord.ID || got.Version != 1 {
			t.Errorf("get: %+v", got)
		}
		e.do(t, "GET", "/api/v1/organisations/nope", nil, e.as("admin")).wantProblem(t, 404, "not_found")

		// Create: 201 with Location.
		a := e.do(t, "POST", "/api/v1/organisations", map[string]any{"kind": "municipality", "name": "Gemeente B",
			"regionId": e.noord.ID, "contactEmail": "Info@Gemeente-B.nl"}, e.as("admin")).want(t, http.StatusCreated)
		var created orgBody
		a.decode(t, &created)
		if loc := a.header.Get("Location"); loc != "/api/v1/organisations/"+created.ID || created.ContactEmail != "info@gemeente-b.nl" {
			t.Errorf("created %+v at %q", created, loc)
		}
		e.do(t, "GET", a.header.Get("Location"), nil, e.as("admin")).want(t, 200)

		// A regional administrator creates within their region only; a
		// municipality's administrator not even there.
		e.do(t, "POST", "/api/v1/organisations", map[string]any{"kind": "partner", "name": "Opvang Noord", "regionId": e.noord.ID}, e.as("adminNoord")).want(t, 201)
		e.do(t, "POST", "/api/v1/organisations", map[string]any{"kind": "partner", "name": "Opvang Zuid", "regionId": e.zuid.ID}, e.as("adminNoord")).wantProblem(t, 403, "forbidden")
		e.do(t, "POST", "/api/v1/organisations", map[string]any{"kind": "partner", "name": "Opvang Noord 2", "regionId": e.noord.ID}, e.as("adminA")).wantProblem(t, 403, "forbidden")
		e.do(t, "POST", "/api/v1/organisations", map[string]any{"kind": "partner", "name": "Opvang"}, e.as("signaleerderA")).wantProblem(t, 403, "forbidden")

		// Every validation error at once; nothing written.
		orgs, logs := e.count("organisations"), e.count("processing_log")
		p := e.do(t, "POST", "/api/v1/organisations", map[string]any{"kind": "castle", "name": " ", "contactEmail": "nope",
			"contactPhone": strings.Repeat("0", 41), "partnerType": strings.Repeat("p", 61)}, e.as("admin")).wantProblem(t, 400, "invalid")
		if got, want := p.params(), []string{"contactEmail:field.email", "contactPhone:field.too_long", "kind:org.kind.invalid",
			"name:field.required", "partnerType:field.too_long"}; !slices.Equal(got, want) {
			t.Errorf("params %v, want %v", got, want)
		}
		p = e.do(t, "POST", "/api/v1/organisations", map[string]any{"kind": "municipality", "name": "Gemeente A", "regionId": e.noord.ID}, e.as("admin")).wantProblem(t, 409, "conflict")
		if got := p.params(); !slices.Equal(got, []string{"name:org.name.taken"}) {
			t.Errorf("duplicate: %v", got)
		}
		if o, l := e.count("organisations"), e.count("processing_log"); o != orgs || l != logs {
			t.Errorf("after failed creates: %d organisations, %d log records; want %d, %d", o, l, orgs, logs)
		}

		// Update with optimistic concurrency.
		upd := map[string]any{"kind": "municipality", "name": "Gemeente B-dorp", "regionId": e.noord.ID, "contactEmail": "", "version": 1}
		var updated orgBody
		e.do(t, "PUT", "/api/v1/organisations/"+created.ID, upd, e.as("admin")).want(t, 200).decode(t, &updated)
		if updated.Name != "Gemeente B-dorp" || updated.Version != 2 || updated.ContactEmail != "" || updated.UpdatedAt.Before(created.UpdatedAt) {
			t.Errorf("updated %+v", updated)
		}
		p = e.do(t, "PUT", "/api/v1/organisations/"+created.ID, upd, e.as("admin")).wantProblem(t, 409, "conflict")
		if !strings.Contains(p.Detail, "Haal de huidige versie op") {
			t.Errorf("stale detail %q", p.Detail)
		}
		delete(upd, "version")
		p = e.do(t, "PUT", "/api/v1/organisations/"+created.ID, upd, e.as("admin")).wantProblem(t, 400, "invalid")
		if got := p.params(); !slices.Equal(got, []string{"version:field.required"}) {
			t.Errorf("missing version: %v", got)
		}
		upd["version"] = 0
		p = e.do(t, "PUT", "/api/v1/organisations/"+created.ID, upd, e.as("admin")).wantProblem(t, 400, "invalid")
		if got := p.params(); !slices.Equal(got, []string{"version:api.param.range"}) {
			t.Errorf("version 0: %v", got)
		}
		delete(upd, "version")
		upd["name"], upd["contactEmail"] = "", "x"
		p = e.do(t, "PUT", "/api/v1/organisations/"+created.ID, upd, e.as("admin")).wantProblem(t, 400, "invalid")
		if got, want := p.params(), []string{"contactEmail:field.email", "name:field.required", "version:field.required"}; !slices.Equal(got, want) {
			t.Errorf("missing version and more: %v, want %v", got, want)
		}
		upd["name"], upd["contactEmail"], upd["kind"], upd["version"] = "Gemeente B", "", "partner", 2
		p = e.do(t, "PUT", "/api/v1/organisations/"+created.ID, upd, e.as("admin")).wantProblem(t, 400, "invalid")
		if got := p.params(); !slices.Equal(got, []string{"kind:org.kind.immutable"}) {
			t.Errorf("kind change: %v", got)
		}
		upd["kind"] = "municipality"
		e.do(t, "PUT", "/api/v1/organisations/"+created.ID, upd, e.as("signaleerderA")).wantProblem(t, 403, "forbidden")
		e.do(t, "PUT", "/api/v1/organisations/"+created.ID, upd, e.as("adminC")).wantProblem(t, 403, "forbidden")
		e.do(t, "PUT", "/api/v1/organisations/nope", upd, e.as("admin")).wantProblem(t, 404, "not_found")
		e.do(t, "GET", "/api/v1/organisations/"+created.ID, nil, e.as("admin")).want(t, 200).decode(t, &got)
		if got.Version != 2 || got.Name != "Gemeente B-dorp" {
			t.Errorf("a rejected update changed the organisation: %+v", got)
		}
	})
}

type userBody struct {
	ID, Email, Name, Phone, OrganisationID string
	Organisation                           struct{ ID, Name, Kind string }
	Roles                                  []string
	PendingRoles                           []grantBody
	Locale                                 string
	Disabled                               bool
	Version                                int
}

type userPage struct {
	Items                []userBody
	Total, Limit, Offset int
	NextOffset           *int
}

func emails(p userPage) []string {
	var out []string
	for _, u := range p.Items {
		out = append(out, u.Email)
	}
	return out
}

func TestUsers(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		var page userPage
		e.do(t, "GET", "/api/v1/users", nil, e.as("admin")).want(t, 200).decode(t, &page)
		if page.Total != len(people) || len(page.Items) != len(people) || page.Limit != 50 || page.Offset != 0 || page.NextOffset != nil {
			t.Errorf("page: total %d, %d items, limit %d, offset %d, next %v", page.Total, len(page.Items), page.Limit, page.Offset, page.NextOffset)
		}
		// Pages.
		var seen []string
		for offset := 0; ; {
			var p userPage
			e.do(t, "GET", fmt.Sprintf("/api/v1/users?limit=4&offset=%d", offset), nil, e.as("admin")).want(t, 200).decode(t, &p)
			seen = append(seen, emails(p)...)
			if p.Total != len(people) || len(p.Items) > 4 {
				t.Fatalf("page at %d: %+v", offset, p)
			}
			if p.NextOffset == nil {
				break
			}
			offset = *p.NextOffset
		}
		if !slices.Equal(seen, emails(page)) {
			t.Errorf("paged %v, want %v", seen, emails(page))
		}
		e.do(t, "GET", "/api/v1/users?q=SIGNALEERDER", nil, e.as("admin")).want(t, 200).decode(t, &page)
		if got := emails(page); !slices.Equal(got, []string{"signaleerdera@baken.test", "signaleerderc@baken.test"}) || page.Total != 2 {
			t.Errorf("q: %v", got)
		}
		e.do(t, "GET", "/api/v1/users?organisationId="+e.gemA.ID, nil, e.as("admin")).want(t, 200).decode(t, &page)
		if got := emails(page); !slices.Equal(got, []string{"admina@baken.test", "beleida@baken.test", "signaleerdera@baken.test"}) {
			t.Errorf("organisationId: %v", got)
		}
		p := e.do(t, "GET", "/api/v1/users?limit=0&offset=-1&foo=1&q="+strings.Repeat("q", 201), nil, e.as("admin")).wantProblem(t, 400, "invalid")
		if got, want := p.params(), []string{"foo:api.param.unknown", "limit:api.param.range", "offset:api.param.range", "q:field.too_long"}; !slices.Equal(got, want) {
			t.Errorf("bad query: %v, want %v", got, want)
		}
		p = e.do(t, "GET", "/api/v1/users?limit=1&limit=2", nil, e.as("admin")).wantProblem(t, 400, "invalid")
		if got := p.params(); !slices.Equal(got, []string{"limit:api.param.repeated"}) {
			t.Errorf("repeated: %v", got)
		}
		e.do(t, "GET", "/api/v1/users?q=%zz", nil, e.as("admin")).wantProblem(t, 400, "invalid")

		// One user; never password data.
		var u userBody
		a := e.do(t, "GET", "/api/v1/users/"+e.users["signaleerderA"].ID, nil, e.as("admin")).want(t, 200)
		a.decode(t, &u)
		if u.Email != "signaleerdera@baken.test" || u.Organisation.Name != "Gemeente A" || u.OrganisationID != e.gemA.ID || u.Version != 1 {
			t.Errorf("user %+v", u)
		}
		if s := strings.ToLower(string(a.body)); strings.Contains(s, "password") || strings.Contains(s, "argon2") || strings.Contains(s, "hash") {
			t.Errorf("password data in %s", a.body)
		}

		// Create.
		newUser := map[string]any{"email": "Nieuw@Baken.test", "name": "Nieuwe Collega", "organisationId": e.gemA.ID,
			"roles": []string{"signaleerder", "beleidsmedewerker"}, "locale": "en", "password": testPassword}
		a = e.do(t, "POST", "/api/v1/users", newUser, e.as("adminA")).want(t, http.StatusCreated)
		a.decode(t, &u)
		if a.header.Get("Location") != "/api/v1/users/"+u.ID || u.Email != "nieuw@baken.test" || !slices.Equal(u.Roles, []string{"beleidsmedewerker", "signaleerder"}) || u.Locale != "en" {
			t.Errorf("created %+v at %q", u, a.header.Get("Location"))
		}
		if strings.Contains(strings.ToLower(string(a.body)), "password") {
			t.Errorf("password in %s", a.body)
		}
		e.do(t, "GET", a.header.Get("Location"), nil, e.as("adminA")).want(t, 200)
		if _, _, err := e.a.Auth.Login(e.ctx, "nieuw@baken.test", testPassword, ""); err != nil {
			t.Errorf("the new user cannot sign in: %v", err)
		}

		// Failed creates leave nothing behind.
		users, roles, logs := e.count("users"), e.count("user_roles"), e.count("processing_log")
		p = e.do(t, "POST", "/api/v1/users", map[string]any{"email": "nope", "name": "", "roles": []string{"koning"},
			"locale": "fr", "password": "kort"}, e.as("admin")).wantProblem(t, 400, "invalid")
		if got, want := p.params(), []string{"email:field.email", "locale:user.locale.invalid", "name:field.required",
			"organisationId:field.required", "password:password.too_short", "roles:user.roles.invalid"}; !slices.Equal(got, want) {
			t.Errorf("params %v, want %v", got, want)
		}
		newUser["email"] = "SignaleerderA@baken.test"
		p = e.do(t, "POST", "/api/v1/users", newUser, e.as("admin")).wantProblem(t, 409, "conflict")
		if got := p.params(); !slices.Equal(got, []string{"email:user.email.taken"}) {
			t.Errorf("duplicate: %v", got)
		}
		newUser["email"], newUser["organisationId"] = "elders@baken.test", e.gemC.ID
		p = e.do(t, "POST", "/api/v1/users", newUser, e.as("adminA")).wantProblem(t, 400, "invalid")
		if got := p.params(); !slices.Equal(got, []string{"organisationId:user.organisation.out_of_scope"}) {
			t.Errorf("out of scope: %v", got)
		}
		if u2, r2, l2 := e.count("users"), e.count("user_roles"), e.count("processing_log"); u2 != users || r2 != roles || l2 != logs {
			t.Errorf("after failed creates: users %d→%d, roles %d→%d, log %d→%d", users, u2, roles, r2, logs, l2)
		}

		// Update with optimistic concurrency; role changes are logged.
		s := e.users["signaleerderA"]
		upd := map[string]any{"email": s.Email, "name": "Sanne Signaleerder", "phone": "06-12345678", "organisationId": s.OrganisationID,
			"roles": []string{"signaleerder", "zorgcoordinator"}, "locale": "nl", "version": 1}
		e.do(t, "PUT", "/api/v1/users/"+s.ID, upd, e.as("admin")).want(t, 200).decode(t, &u)
		// The care coordinator's role is only proposed (four eyes).
		if u.Name != "Sanne Signaleerder" || u.Phone != "06-12345678" || u.Version != 2 || !slices.Equal(u.Roles, []string{"signaleerder"}) ||
			len(u.PendingRoles) != 1 || u.PendingRoles[0].Role != "zorgcoordinator" || u.PendingRoles[0].Status != "pending" {
			t.Errorf("updated %+v", u)
		}
		e.do(t, "PUT", "/api/v1/users/"+s.ID, upd, e.as("admin")).wantProblem(t, 409, "conflict")
		delete(upd, "version")
		upd["email"] = "geen-adres"
		p = e.do(t, "PUT", "/api/v1/users/"+s.ID, upd, e.as("admin")).wantProblem(t, 400, "invalid")
		if got := p.params(); !slices.Equal(got, []string{"email:field.email", "version:field.required"}) {
			t.Errorf("missing version and bad email: %v", got)
		}
		upd["email"], upd["version"] = "beleida@baken.test", 2
		p = e.do(t, "PUT", "/api/v1/users/"+s.ID, upd, e.as("admin")).wantProblem(t, 409, "conflict")
		if got := p.params(); !slices.Equal(got, []string{"email:user.email.taken"}) {
			t.Errorf("email taken: %v", got)
		}
		// An administrator cannot lock themselves out.
		ad := e.users["admin"]
		p = e.do(t, "PUT", "/api/v1/users/"+ad.ID, map[string]any{"email": ad.Email, "name": ad.Name, "organisationId": ad.OrganisationID,
			"roles": []string{"analist"}, "version": ad.Version}, e.as("admin")).wantProblem(t, 400, "invalid")
		if got := p.params(); !slices.Equal(got, []string{"roles:user.self_roles"}) {
			t.Errorf("self lockout: %v", got)
		}
		// A new password through the API works for signing in.
		upd["email"], upd["password"] = s.Email, "a brand new passphrase"
		e.do(t, "PUT", "/api/v1/users/"+s.ID, upd, e.as("admin")).want(t, 200)
		if _, _, err := e.a.Auth.Login(e.ctx, s.Email, "a brand new passphrase", ""); err != nil {
			t.Errorf("new password: %v", err)
		}
		e.do(t, "PUT", "/api/v1/users/nope", upd, e.as("admin")).wantProblem(t, 404, "not_found")
	})
}

// TestSignaleerder: a frontline worker gets 403 on admin endpoints and 404
// on objects they may not see.
func TestSignaleerder(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		own, other := e.users["signaleerderA"], e.users["adminA"]
		ownBody := map[string]any{"email": own.Email, "name": own.Name, "organisationId": own.OrganisationID, "roles": []string{"beheerder"}, "version": own.Version}
		for _, tc := range []struct {
			method, path string
			body         any
			status       int
		}{
			{"GET", "/api/v1/users", nil, 403},
			{"POST", "/api/v1/users", map[string]any{"email": "x@baken.test", "name": "X", "organisationId": own.OrganisationID, "roles": []string{"beheerder"}, "password": testPassword}, 403},
			{"GET", "/api/v1/users/" + other.ID, nil, 404},
			{"PUT", "/api/v1/users/" + other.ID, ownBody, 404},
			{"PUT", "/api/v1/users/" + own.ID, ownBody, 403}, // no promoting oneself
			{"POST", "/api/v1/organisations", map[string]any{"kind": "partner", "name": "X", "regionId": e.noord.ID}, 403},
			{"PUT", "/api/v1/organisations/" + e.gemA.ID, map[string]any{"kind": "municipality", "name": "X", "regionId": e.noord.ID, "version": 1}, 403},
			{"GET", "/api/v1/processing-log", nil, 403},
			{"POST", "/api/v1/processing-log/search", map[string]any{"dataSubjectId": other.ID}, 403},
			{"DELETE", "/api/v1/me/tokens/" + e.tokenIDs["adminA"], nil, 404},
		} {
			code := map[int]string{403: "forbidden", 404: "not_found"}[tc.status]
			e.do(t, tc.method, tc.path, tc.body, e.as("signaleerderA")).wantProblem(t, tc.status, code)
		}
		var u userBody
		e.do(t, "GET", "/api/v1/users/"+own.ID, nil, e.as("signaleerderA")).want(t, 200).decode(t, &u)
		if u.ID != own.ID || !slices.Equal(u.Roles, []string{"signaleerder"}) {
			t.Errorf("own account %+v", u)
		}
		e.do(t, "GET", "/api/v1/organisations", nil, e.as("signaleerderA")).want(t, 200)
	})
}

// TestRegionScoping: a region's administrator manages their region only, a
// municipality's administrator their municipality only.
func TestRegionScoping(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		c := e.users["signaleerderC"]
		e.do(t, "GET", "/api/v1/users/"+c.ID, nil, e.as("adminNoord")).wantProblem(t, 404, "not_found")
		e.do(t, "PUT", "/api/v1/users/"+c.ID, map[string]any{"email": c.Email, "name": "X", "organisationId": c.OrganisationID,
			"roles": []string{"signaleerder"}, "version": c.Version}, e.as("adminNoord")).wantProblem(t, 404, "not_found")
		var page userPage
		e.do(t, "GET", "/api/v1/users", nil, e.as("adminNoord")).want(t, 200).decode(t, &page)
		want := []string{"admina@baken.test", "adminnoord@baken.test", "beleida@baken.test", "partner@baken.test", "signaleerdera@baken.test", "zorgnoord@baken.test"}
		if got := emails(page); !slices.Equal(got, want) || page.Total != len(want) {
			t.Errorf("adminNoord sees %v (total %d), want %v", got, page.Total, want)
		}
		e.do(t, "GET", "/api/v1/users", nil, e.as("adminA")).want(t, 200).decode(t, &page)
		want = []string{"admina@baken.test", "beleida@baken.test", "signaleerdera@baken.test"}
		if got := emails(page); !slices.Equal(got, want) || page.Total != len(want) {
			t.Errorf("adminA sees %v (total %d), want %v", got, page.Total, want)
		}
		e.do(t, "GET", "/api/v1/users?organisationId="+e.gemC.ID, nil, e.as("adminNoord")).want(t, 200).decode(t, &page)
		if page.Total != 0 || len(page.Items) != 0 {
			t.Errorf("adminNoord sees users of Gemeente C: %v", emails(page))
		}
		e.do(t, "GET", "/api/v1/users/"+e.users["signaleerderA"].ID, nil, e.as("adminNoord")).want(t, 200)
		e.do(t, "GET", "/api/v1/users/"+e.users["zorgNoord"].ID, nil, e.as("adminNoord")).want(t, 200)
		e.do(t, "GET", "/api/v1/users/"+e.users["signaleerderA"].ID, nil, e.as("adminA")).want(t, 200)
		e.do(t, "GET", "/api/v1/users/"+e.users["zorgNoord"].ID, nil, e.as("adminA")).wantProblem(t, 404, "not_found")
		e.do(t, "GET", "/api/v1/users/"+e.users["signaleerderA"].ID, nil, e.as("adminC")).wantProblem(t, 404, "not_found")
		e.do(t, "GET", "/api/v1/users/"+c.ID, nil, e.as("adminC")).want(t, 200)
		e.do(t, "GET", "/api/v1/users/"+c.ID, nil, e.as("admin")).want(t, 200)
	})
}

type tokenBody struct {
	ID, Name, Prefix      string
	CreatedAt             time.Time
	LastUsedAt, RevokedAt *time.Time
}

func TestTokens(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		b := e.users["beleidA"]
		secret2, tok2, err := e.a.Auth.CreateToken(e.ctx, b.Subject(), b.ID, "script")
		if err != nil {
			t.Fatal(err)
		}
		var list struct{ Items []tokenBody }
		a := e.do(t, "GET", "/api/v1/me/tokens", nil, e.as("beleidA")).want(t, 200)
		a.decode(t, &list)
		if len(list.Items) != 2 || list.Items[0].ID != tok2.ID || list.Items[1].ID != e.tokenIDs["beleidA"] {
			t.Fatalf("tokens %+v", list.Items)
		}
		if first := list.Items[1]; !strings.HasPrefix(e.tokens["beleidA"], first.Prefix) || first.LastUsedAt == nil || first.RevokedAt != nil || first.Name != "test" {
			t.Errorf("token %+v", first)
		}
		if strings.Contains(string(a.body), e.tokens["beleidA"]) || strings.Contains(string(a.body), secret2) {
			t.Errorf("a token secret in %s", a.body)
		}

		e.do(t, "DELETE", "/api/v1/me/tokens/"+tok2.ID, nil, e.as("beleidA")).want(t, http.StatusNoContent)
		e.do(t, "DELETE", "/api/v1/me/tokens/"+tok2.ID, nil, e.as("beleidA")).want(t, http.StatusNoContent)
		e.do(t, "GET", "/api/v1/me/tokens", nil, e.as("beleidA")).want(t, 200).decode(t, &list)
		if list.Items[0].RevokedAt == nil {
			t.Errorf("revoked token %+v", list.Items[0])
		}
		e.do(t, "GET", "/api/v1/me", nil, header("Authorization", "Bearer "+secret2)).wantProblem(t, 401, "unauthenticated")

		// Not one's own token, or no token at all: 404, and the token still works.
		e.do(t, "DELETE", "/api/v1/me/tokens/"+e.tokenIDs["admin"], nil, e.as("beleidA")).wantProblem(t, 404, "not_found")
		e.do(t, "DELETE", "/api/v1/me/tokens/"+e.tokenIDs["signaleerderA"], nil, e.as("admin")).wantProblem(t, 404, "not_found")
		e.do(t, "DELETE", "/api/v1/me/tokens/nope", nil, e.as("beleidA")).wantProblem(t, 404, "not_found")
		e.do(t, "GET", "/api/v1/me", nil, e.as("admin")).want(t, 200)
		e.do(t, "GET", "/api/v1/me", nil, e.as("signaleerderA")).want(t, 200)

		// Revoking the token in use ends it at once.
		e.do(t, "DELETE", "/api/v1/me/tokens/"+e.tokenIDs["beleidA"], nil, e.as("beleidA")).want(t, http.StatusNoContent)
		e.do(t, "GET", "/api/v1/me", nil, e.as("beleidA")).wantProblem(t, 401, "unauthenticated")
	})
}

type recordBody struct {
	Seq                                    int64
	Action, ActorID, ActorOrgID, ObjectID  string
	TraceID, Outcome, ProcessingActivityID string
	DataSubjectID                          *string
}

type logPage struct {
	Items      []recordBody
	NextBefore *int64
}

func TestProcessingLog(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		for _, who := range []string{"signaleerderA", "beleidA", "zorgNoord", "partner"} {
			e.do(t, "GET", "/api/v1/processing-log", nil, e.as(who)).wantProblem(t, 403, "forbidden")
		}

		// An API call is in the log under its request id.
		s := e.users["signaleerderA"]
		rid := e.do(t, "GET", "/api/v1/users/"+s.ID, nil, e.as("admin")).want(t, 200).header.Get("X-Request-Id")
		var page logPage
		a := e.do(t, "GET", "/api/v1/processing-log?action=user.read&objectId="+s.ID, nil, e.as("fg")).want(t, 200)
		a.decode(t, &page)
		if len(page.Items) != 1 {
			t.Fatalf("records %+v", page.Items)
		}
		if r := page.Items[0]; r.TraceID != rid || r.ActorID != e.users["admin"].ID || r.ActorOrgID != e.national.ID ||
			r.DataSubjectID == nil || *r.DataSubjectID != s.ID || r.Outcome != "ok" || !strings.HasPrefix(r.ProcessingActivityID, "urn:baken:verwerking:") {
			t.Errorf("record %+v, want trace %s", r, rid)
		}
		// Reading the log is logged too.
		readID := a.header.Get("X-Request-Id")
		e.do(t, "GET", "/api/v1/processing-log?action=audit.read&actorId="+e.users["fg"].ID, nil, e.as("admin")).want(t, 200).decode(t, &page)
		if len(page.Items) == 0 || page.Items[0].TraceID != readID {
			t.Errorf("the FG's reading is not logged: %+v", page.Items)
		}
		// And listing users.
		lid := e.do(t, "GET", "/api/v1/users?limit=1", nil, e.as("adminA")).want(t, 200).header.Get("X-Request-Id")
		e.do(t, "GET", "/api/v1/processing-log?action=user.list", nil, e.as("adminA")).want(t, 200).decode(t, &page)
		if len(page.Items) != 1 || page.Items[0].TraceID != lid {
			t.Errorf("user.list records %+v", page.Items)
		}

		// By data subject: in the body, never in the URL.
		e.do(t, "POST", "/api/v1/processing-log/search", map[string]any{"dataSubjectId": s.ID}, e.as("fg")).want(t, 200).decode(t, &page)
		var actions []string
		for _, r := range page.Items {
			actions = append(actions, r.Action)
			if r.DataSubjectID == nil || *r.DataSubjectID != s.ID {
				t.Errorf("record of another subject: %+v", r)
			}
		}
		if !slices.Contains(actions, "user.create") || !slices.Contains(actions, "user.read") || !slices.Contains(actions, "token.create") {
			t.Errorf("actions about the subject: %v", actions)
		}
		p := e.do(t, "GET", "/api/v1/processing-log?dataSubjectId="+s.ID, nil, e.as("fg")).wantProblem(t, 400, "invalid")
		if got := p.params(); !slices.Equal(got, []string{"dataSubjectId:api.param.personal_data"}) || strings.Contains(p.Instance, s.ID) {
			t.Errorf("subject in the query: %+v", p)
		}

		// Bad filters: all at once.
		p = e.do(t, "GET", "/api/v1/processing-log?from=gisteren&limit=0&before=-3&to=2026-13-01", nil, e.as("fg")).wantProblem(t, 400, "invalid")
		if got, want := p.params(), []string{"before:api.param.range", "from:api.field.datetime", "limit:api.param.range", "to:api.field.datetime"}; !slices.Equal(got, want) {
			t.Errorf("params %v, want %v", got, want)
		}
		p = e.do(t, "GET", "/api/v1/processing-log?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00%2B01:00", nil, e.as("fg")).wantProblem(t, 400, "invalid")
		if got := p.params(); !slices.Equal(got, []string{"to:api.range.invalid"}) {
			t.Errorf("range: %v", got)
		}
		p = e.do(t, "POST", "/api/v1/processing-log/search", map[string]any{"from": "x", "limit": 501, "before": 0, "dataSubjectId": 5}, e.as("fg")).wantProblem(t, 400, "invalid")
		if got := p.params(); !slices.Equal(got, []string{"dataSubjectId:api.field.type"}) {
			t.Errorf("search types: %v", got)
		}
		p = e.do(t, "POST", "/api/v1/processing-log/search", map[string]any{"from": "x", "limit": 501, "before": 0}, e.as("fg")).wantProblem(t, 400, "invalid")
		if got, want := p.params(), []string{"before:api.param.range", "from:api.field.datetime", "limit:api.param.range"}; !slices.Equal(got, want) {
			t.Errorf("search params %v, want %v", got, want)
		}

		// Time window and cursor pages.
		from := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
		var all []int64
		for before := int64(0); ; {
			url := "/api/v1/processing-log?limit=3&from=" + from
			if before > 0 {
				url += fmt.Sprintf("&before=%d", before)
			}
			e.do(t, "GET", url, nil, e.as("admin")).want(t, 200).decode(t, &page)
			for _, r := range page.Items {
				all = append(all, r.Seq)
			}
			if page.NextBefore == nil {
				break
			}
			before = *page.NextBefore
		}
		if len(all) < 20 || !slices.IsSortedFunc(all, func(a, b int64) int { return int(b - a) }) || all[len(all)-1] != 1 {
			t.Errorf("paged seqs %v", all)
		}
		e.do(t, "POST", "/api/v1/processing-log/search", map[string]any{"to": from}, e.as("admin")).want(t, 200).decode(t, &page)
		if len(page.Items) != 0 {
			t.Errorf("records before the test began: %+v", page.Items)
		}

		// Scope: a municipality's administrator sees the log of their region's actors only.
		c := e.users["signaleerderC"]
		e.do(t, "GET", "/api/v1/users/"+c.ID, nil, e.as("signaleerderC")).want(t, 200)
		e.do(t, "GET", "/api/v1/processing-log?actorId="+c.ID, nil, e.as("adminA")).want(t, 200).decode(t, &page)
		if len(page.Items) != 0 {
			t.Errorf("adminA sees records of an actor in Zuid: %+v", page.Items)
		}
		e.do(t, "GET", "/api/v1/processing-log?actorId="+c.ID, nil, e.as("adminC")).want(t, 200).decode(t, &page)
		if len(page.Items) != 1 || page.Items[0].Action != "user.read" {
			t.Errorf("adminC: %+v", page.Items)
		}
	})
}

// TestInternalErrors: a panic and a failing database answer 500 problems
// with a generic message and the request id; the cause is only in the log.
func TestInternalErrors(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		// A handler that panics (no organisation service wired).
		h, err := api.New(api.Deps{Cfg: e.a.Cfg, Logger: e.a.Logger, DB: e.a.DB, Auth: e.a.Auth, Viewer: e.a.Viewer, I18n: e.a.I18n})
		if err != nil {
			t.Fatal(err)
		}
		broken := *e
		broken.h = h
		a := broken.do(t, "GET", "/api/v1/organisations", nil, broken.as("admin"))
		p := a.wantProblem(t, 500, "internal")
		if p.Detail != e.a.I18n.T("nl", "error.internal") || p.RequestID == "" || a.header.Get("X-Request-Id") != p.RequestID {
			t.Errorf("panic problem %+v", p)
		}
		if logs := e.logs.String(); !strings.Contains(logs, "panic") || !strings.Contains(logs, p.RequestID) {
			t.Errorf("panic not logged with request id %s:\n%s", p.RequestID, logs)
		}

		// The database goes away.
		e.a.DB.Close()
		a = e.do(t, "GET", "/api/v1/me", nil, e.as("admin"))
		p = a.wantProblem(t, 500, "internal")
		if strings.Contains(strings.ToLower(string(a.body)), "sql") || strings.Contains(string(a.body), "closed") {
			t.Errorf("internal details leak: %s", a.body)
		}
		if logs := e.logs.String(); !strings.Contains(logs, "api: internal error") || !strings.Contains(logs, p.RequestID) || !strings.Contains(logs, "closed") {
			t.Errorf("internal error not logged with request id %s:\n%s", p.RequestID, logs)
		}
	})
}

// TestRoutesInLogs: access logs carry the route pattern, never the raw path.
func TestRoutesInLogs(t *testing.T) {
	e := newEnv(t, "sqlite")
	id := e.users["signaleerderA"].ID
	e.do(t, "GET", "/api/v1/users/"+id, nil, e.as("admin")).want(t, 200)
	e.do(t, "GET", "/api/v1/nope/"+id, nil, e.as("admin")).want(t, 404)
	out := e.logs.String()
	if !strings.Contains(out, `route="GET /api/v1/users/{id}"`) || !strings.Contains(out, "route=unmatched") || strings.Contains(out, id) {
		t.Errorf("access log:\n%s", out)
	}
}

// TestCrossOrigin: unsafe requests from another website are refused with a
// problem (the API's own handler; the app may refuse them before it too).
func TestCrossOrigin(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		h, err := api.New(api.Deps{Cfg: e.a.Cfg, Logger: e.a.Logger, DB: e.a.DB, Auth: e.a.Auth, Orgs: e.a.Orgs,
			Viewer: e.a.Viewer, I18n: e.a.I18n})
		if err != nil {
			t.Fatal(err)
		}
		bare := *e
		bare.h = h
		body := map[string]any{"kind": "partner", "name": "Opvang Noord", "regionId": e.noord.ID}
		orgs := e.count("organisations")
		for _, o := range []opt{header("Sec-Fetch-Site", "cross-site"), header("Origin", "https://elders.example")} {
			p := bare.do(t, "POST", "/api/v1/organisations", body, e.as("admin"), o).wantProblem(t, http.StatusForbidden, "forbidden")
			if p.Detail != e.a.I18n.T("nl", "api.cross_origin") {
				t.Errorf("detail %q", p.Detail)
			}
			bare.do(t, "DELETE", "/api/v1/me/tokens/"+e.tokenIDs["admin"], nil, e.as("admin"), o).wantProblem(t, http.StatusForbidden, "forbidden")
		}
		if n := e.count("organisations"); n != orgs {
			t.Errorf("a cross-origin request created an organisation")
		}
		bare.do(t, "GET", "/api/v1/me", nil, e.as("admin"), header("Sec-Fetch-Site", "cross-site")).want(t, http.StatusOK)
		bare.do(t, "POST", "/api/v1/organisations", body, e.as("admin"), header("Sec-Fetch-Site", "same-origin")).want(t, http.StatusCreated)
	})
}

// TestTraceparentDoesNotSetProcessingLogTrace (F11): the processing-log
// records of a request carry Baken's own trace id (the request id), never
// the one a client sent; the caller's trace is kept in the access log line
// as the parent.
func TestTraceparentDoesNotSetProcessingLogTrace(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		const callerTrace, callerSpan = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
		a := e.do(t, "GET", "/api/v1/users/"+e.users["signaleerderA"].ID, nil, e.as("adminA"),
			header("traceparent", "00-"+callerTrace+"-"+callerSpan+"-01")).want(t, http.StatusOK)
		own := a.header.Get("X-Request-Id")
		if len(own) != 32 || own == callerTrace {
			t.Fatalf("request id %q", own)
		}
		count := func(trace string) int {
			var n int
			err := e.a.DB.Tx(e.ctx, func(tx *store.Tx) error {
				return tx.QueryRow(e.ctx, `SELECT count(*) FROM processing_log WHERE trace_id = ?`, trace).Scan(&n)
			})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count(callerTrace); n != 0 {
			t.Fatalf("%d processing-log records carry the caller's trace id", n)
		}
		if n := count(own); n != 1 {
			t.Fatalf("%d processing-log records carry the request id, want 1 (user.read)", n)
		}
		logs := e.logs.String()
		if !strings.Contains(logs, "parent_trace_id="+callerTrace) || !strings.Contains(logs, "parent_span_id="+callerSpan) {
			t.Fatalf("the caller's trace is not in the access log:\n%s", logs)
		}
	})
}

// TestPasswordHashBusy (F2): an administrator's create with a password while
// the hashing memory budget has no room answers 503 with Retry-After as a
// problem (described in the OpenAPI document), and nothing is created.
func TestPasswordHashBusy(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		release, err := password.Hold(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		newUser := map[string]any{"email": "druk@baken.test", "name": "Druk", "organisationId": e.gemA.ID,
			"roles": []string{"signaleerder"}, "password": testPassword}
		r := e.do(t, "POST", "/api/v1/users", newUser, e.as("adminA"))
		release()
		r.wantProblem(t, http.StatusServiceUnavailable, "unavailable")
		if ra, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || ra < 1 {
			t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
		}
		e.do(t, "POST", "/api/v1/users", newUser, e.as("adminA")).want(t, http.StatusCreated)
	})
}

// TestTokenExpiryInAPI (F5): GET /me shows the expiry of the token in use,
// the token list shows each token's expiry, and an expired token answers
// 401 like a revoked one.
func TestTokenExpiryInAPI(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		b := e.users["beleidA"]
		secret, tok, err := e.a.Auth.CreateTokenFor(e.ctx, b.Subject(), b.ID, "kort", 1)
		if err != nil {
			t.Fatal(err)
		}
		var me struct {
			Token struct {
				ID, Prefix string
				ExpiresAt  time.Time
			}
		}
		e.do(t, "GET", "/api/v1/me", nil, header("Authorization", "Bearer "+secret)).want(t, 200).decode(t, &me)
		if me.Token.ID != tok.ID || !me.Token.ExpiresAt.Equal(tok.ExpiresAt) || !strings.HasPrefix(secret, me.Token.Prefix) {
			t.Errorf("GET /me token %+v, want %s expiring %v", me.Token, tok.ID, tok.ExpiresAt)
		}
		var list struct {
			Items []struct {
				ID        string
				ExpiresAt time.Time
				Expired   bool
			}
		}
		e.do(t, "GET", "/api/v1/me/tokens", nil, e.as("beleidA")).want(t, 200).decode(t, &list)
		found := false
		for _, it := range list.Items {
			if it.ID == tok.ID {
				found = it.ExpiresAt.Equal(tok.ExpiresAt) && !it.Expired
			}
		}
		if !found {
			t.Errorf("token list %+v lacks %s with its expiry", list.Items, tok.ID)
		}
		// An expired token is refused.
		if err := e.a.DB.Tx(e.ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(e.ctx, `UPDATE api_tokens SET expires_at = ? WHERE id = ?`, tx.Now.Add(-time.Second), tok.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		e.do(t, "GET", "/api/v1/me", nil, header("Authorization", "Bearer "+secret)).wantProblem(t, 401, "unauthenticated")
		e.do(t, "GET", "/api/v1/me/tokens", nil, e.as("beleidA")).want(t, 200).decode(t, &list)
		for _, it := range list.Items {
			if it.ID == tok.ID && !it.Expired {
				t.Errorf("expired token listed as not expired: %+v", it)
			}
		}
	})
}
