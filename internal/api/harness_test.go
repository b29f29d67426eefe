package api_test

// The harness: every test builds the real app on each database, calls it
// through the full handler, and checks every answer against the OpenAPI
// document (status, content type, body schema, required headers). TestMain
// fails the run when an operation of the document never answered a 2xx.

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	vconfig "github.com/pb33f/libopenapi-validator/config"
	"github.com/pb33f/libopenapi-validator/schema_validation"
	"github.com/pb33f/libopenapi/datamodel/high/base"

	"github.com/baken-nl/baken/internal/api"
	"github.com/baken-nl/baken/internal/app"
	"github.com/baken-nl/baken/internal/auth/password"
	"github.com/baken-nl/baken/internal/config"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
	"github.com/baken-nl/baken/internal/store/storetest"
)

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	filtered := flag.Lookup("test.run").Value.String() != "" || flag.Lookup("test.skip").Value.String() != ""
	if code == 0 && !filtered {
		if missing := unexercised(); len(missing) > 0 {
			fmt.Fprintf(os.Stderr, "--- FAIL: OpenAPI coverage: operations that no test got a 2xx answer from:\n\t%s\nFAIL\n",
				strings.Join(missing, "\n\t"))
			code = 1
		}
	}
	os.Exit(code)
}

// ---- the OpenAPI document ----

type operation struct{ method, path string } // path as in the document, e.g. /users/{id}

func (o operation) String() string { return o.method + " " + o.path }

var oas struct {
	once      sync.Once
	mu        sync.Mutex // the validator is not documented as safe for concurrent use
	v         validator.Validator
	problem   *base.Schema
	ops       []operation
	templates map[operation]*regexp.Regexp
	err       error

	covMu   sync.Mutex
	covered map[operation]bool // answered 2xx at least once
}

func loadOpenAPI(t testing.TB) {
	t.Helper()
	oas.once.Do(func() {
		doc, err := libopenapi.NewDocument(api.OpenAPIDocument)
		if err != nil {
			oas.err = err
			return
		}
		v, errs := validator.NewValidator(doc, vconfig.WithFormatAssertions())
		if len(errs) > 0 {
			oas.err = fmt.Errorf("validator: %v", errs)
			return
		}
		oas.v = v
		model, err := doc.BuildV3Model()
		if err != nil {
			oas.err = err
			return
		}
		oas.problem = model.Model.Components.Schemas.GetOrZero("Problem").Schema()
		var raw struct {
			Paths map[string]map[string]json.RawMessage `json:"paths"`
		}
		if err := json.Unmarshal(api.OpenAPIDocument, &raw); err != nil {
			oas.err = err
			return
		}
		oas.templates = map[operation]*regexp.Regexp{}
		for p, item := range raw.Paths {
			re := regexp.MustCompile("^" + regexp.MustCompile(`\\\{[^/]+\\\}`).ReplaceAllString(regexp.QuoteMeta(p), `[^/]+`) + "$")
			for m := range item {
				switch m {
				case "get", "put", "post", "delete", "patch", "head", "options":
					op := operation{strings.ToUpper(m), p}
					oas.ops = append(oas.ops, op)
					oas.templates[op] = re
				}
			}
		}
		sort.Slice(oas.ops, func(i, j int) bool { return oas.ops[i].String() < oas.ops[j].String() })
		oas.covered = map[operation]bool{}
	})
	if oas.err != nil {
		t.Fatalf("OpenAPI document: %v", oas.err)
	}
}

// findOperation returns the documented operation of a request, if any.
func findOperation(method, path string) (operation, bool) {
	rel, ok := strings.CutPrefix(path, api.BasePath)
	if !ok {
		return operation{}, false
	}
	if method == http.MethodHead {
		method = http.MethodGet
	}
	for _, op := range oas.ops {
		if op.method == method && oas.templates[op].MatchString(rel) {
			return op, true
		}
	}
	return operation{}, false
}

func unexercised() []string {
	oas.covMu.Lock()
	defer oas.covMu.Unlock()
	var out []string
	for _, op := range oas.ops {
		if !oas.covered[op] {
			out = append(out, op.String())
		}
	}
	return out
}

// checkAnswer validates one real answer against the document and the rules
// every API answer follows.
func checkAnswer(t testing.TB, req *http.Request, reqBody []byte, res *http.Response, body []byte) {
	t.Helper()
	loadOpenAPI(t)
	what := req.Method + " " + req.URL.RequestURI()
	if got := res.Header.Get("API-Version"); got != api.Version {
		t.Errorf("%s: API-Version header %q, want %q", what, got, api.Version)
	}
	ct := res.Header.Get("Content-Type")
	if res.StatusCode >= 400 {
		if ct != "application/problem+json" {
			t.Errorf("%s: %d with Content-Type %q, want application/problem+json", what, res.StatusCode, ct)
		}
		var p struct {
			Status    int    `json:"status"`
			RequestID string `json:"requestId"`
			Detail    string `json:"detail"`
		}
		if err := json.Unmarshal(body, &p); err != nil {
			t.Errorf("%s: problem body: %v", what, err)
		}
		if p.Status != res.StatusCode {
			t.Errorf("%s: problem status %d, HTTP status %d", what, p.Status, res.StatusCode)
		}
		if rid := res.Header.Get("X-Request-Id"); rid == "" || p.RequestID != rid {
			t.Errorf("%s: problem requestId %q, X-Request-Id %q", what, p.RequestID, rid)
		}
	}
	op, documented := findOperation(req.Method, req.URL.Path)
	if !documented {
		// Unknown routes and methods: no operation, but still a Problem.
		if res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("%s: answered %d but the document has no such operation", what, res.StatusCode)
		}
		oas.mu.Lock()
		ok, errs := schema_validation.NewSchemaValidator().ValidateSchemaBytes(oas.problem, body)
		oas.mu.Unlock()
		if !ok {
			t.Errorf("%s: body is not a Problem: %s", what, describe(errs))
		}
		return
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	oas.mu.Lock()
	ok, errs := oas.v.ValidateHttpResponse(req, res)
	oas.mu.Unlock()
	if !ok {
		t.Errorf("%s: answer %d does not match openapi.json: %s\nbody: %s", what, res.StatusCode, describe(errs), body)
	}
	if res.StatusCode < 300 {
		// A request the server accepted must match the document too.
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
		oas.mu.Lock()
		ok, errs := oas.v.ValidateHttpRequest(req)
		oas.mu.Unlock()
		if !ok {
			t.Errorf("%s: accepted request does not match openapi.json: %s", what, describe(errs))
		}
		oas.covMu.Lock()
		oas.covered[op] = true
		oas.covMu.Unlock()
	}
}

func describe[E error](errs []E) string {
	var b strings.Builder
	for _, e := range errs {
		fmt.Fprintf(&b, "\n\t%v", e)
	}
	return b.String()
}

// ---- the app and its world ----

// env is a running Baken on one database with a small world: a national
// organisation, regions Noord and Zuid, Gemeente A (Noord), Gemeente C (Zuid)
// and a partner in Noord, and users with tokens.
type env struct {
	t    testing.TB
	ctx  context.Context
	a    *app.App
	h    http.Handler
	logs *syncBuffer

	national, noord, zuid, gemA, gemC, partner org.Organisation
	users                                      map[string]org.User // by label
	tokens                                     map[string]string   // token secret by label
	tokenIDs                                   map[string]string
}

// Labels of the world's users: label → organisation field and roles.
var people = []struct {
	label, org string
	roles      []policy.Role
}{
	{"admin", "national", []policy.Role{policy.Beheerder}},
	{"fg", "national", []policy.Role{policy.Privacyfunctionaris}},
	{"adminA", "gemA", []policy.Role{policy.Beheerder}},
	{"adminNoord", "noord", []policy.Role{policy.Beheerder}},
	{"beleidA", "gemA", []policy.Role{policy.Beleidsmedewerker, policy.Signaleerder}},
	{"signaleerderA", "gemA", []policy.Role{policy.Signaleerder}},
	{"zorgNoord", "noord", []policy.Role{policy.Zorgcoordinator}},
	{"partner", "partner", []policy.Role{policy.Ketenpartner}},
	{"signaleerderC", "gemC", []policy.Role{policy.Signaleerder}},
	{"adminC", "gemC", []policy.Role{policy.Beheerder}},
}

const testPassword = "correct horse battery staple"

// eachDB runs fn on SQLite and, when BAKEN_TEST_POSTGRES_URL is set, PostgreSQL.
func eachDB(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) { fn(t, newEnv(t, d)) })
	}
}

func newEnv(t testing.TB, d store.Dialect) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), logs: &syncBuffer{},
		users: map[string]org.User{}, tokens: map[string]string{}, tokenIDs: map[string]string{}}
	cfg := config.Defaults()
	cfg.KeyFile = filepath.Join(t.TempDir(), "baken.key")
	cfg.DB = storetest.URL(t, d)
	cfg.BaseURL = "http://127.0.0.1:8080"
	logger := slog.New(slog.NewTextHandler(e.logs, nil))
	a, err := app.Open(e.ctx, cfg, logger, app.Options{PasswordParams: password.Fast})
	if err != nil {
		t.Fatalf("open app: %v", err)
	}
	t.Cleanup(func() {
		a.Close()
		if t.Failed() {
			t.Logf("server log:\n%s", e.logs.String())
		}
	})
	e.a = a
	if e.h, err = a.Handler(); err != nil {
		t.Fatalf("handler: %v", err)
	}
	e.national = e.mkOrg(org.OrgInput{Kind: org.National, Name: "Landelijk Team"})
	e.noord = e.mkOrg(org.OrgInput{Kind: org.Region, Name: "Noord"})
	e.zuid = e.mkOrg(org.OrgInput{Kind: org.Region, Name: "Zuid"})
	e.gemA = e.mkOrg(org.OrgInput{Kind: org.Municipality, Name: "Gemeente A", RegionID: e.noord.ID})
	e.gemC = e.mkOrg(org.OrgInput{Kind: org.Municipality, Name: "Gemeente C", RegionID: e.zuid.ID})
	e.partner = e.mkOrg(org.OrgInput{Kind: org.Partner, Name: "Politie Noord", RegionID: e.noord.ID, PartnerType: "politie"})
	orgs := map[string]org.Organisation{"national": e.national, "noord": e.noord, "gemA": e.gemA, "gemC": e.gemC, "partner": e.partner}
	for _, p := range people {
		u, err := a.Orgs.CreateUser(e.ctx, org.System, org.UserInput{Email: strings.ToLower(p.label) + "@baken.test",
			Name: "Test " + p.label, OrganisationID: orgs[p.org].ID, Roles: p.roles, Password: testPassword})
		if err != nil {
			t.Fatalf("create user %s: %v", p.label, err)
		}
		secret, tok, err := a.Auth.CreateToken(e.ctx, org.System, u.ID, "test")
		if err != nil {
			t.Fatalf("create token %s: %v", p.label, err)
		}
		e.users[p.label], e.tokens[p.label], e.tokenIDs[p.label] = u, secret, tok.ID
	}
	return e
}

func (e *env) mkOrg(in org.OrgInput) org.Organisation {
	e.t.Helper()
	o, err := e.a.Orgs.CreateOrg(e.ctx, org.System, in)
	if err != nil {
		e.t.Fatalf("create organisation %s: %v", in.Name, err)
	}
	return o
}

// count returns the number of rows in a table.
func (e *env) count(table string) int {
	e.t.Helper()
	var n int
	err := e.a.DB.Tx(e.ctx, func(tx *store.Tx) error {
		return tx.QueryRow(e.ctx, `SELECT count(*) FROM `+table).Scan(&n)
	})
	if err != nil {
		e.t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// ---- requests ----

// answer is one checked response.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// problem is the decoded problem body of an answer.
type problem struct {
	Type          string `json:"type"`
	Title         string `json:"title"`
	Status        int    `json:"status"`
	Detail        string `json:"detail"`
	Instance      string `json:"instance"`
	Code          string `json:"code"`
	RequestID     string `json:"requestId"`
	InvalidParams []struct {
		Name, Code, Reason string
	} `json:"invalidParams"`
}

func (a answer) problem(t testing.TB) problem {
	t.Helper()
	var p problem
	if err := json.Unmarshal(a.body, &p); err != nil {
		t.Fatalf("problem: %v in %s", err, a.body)
	}
	return p
}

// params returns "name:code" for each invalid param, sorted.
func (p problem) params() []string {
	var out []string
	for _, ip := range p.InvalidParams {
		out = append(out, ip.Name+":"+ip.Code)
	}
	sort.Strings(out)
	return out
}

func (a answer) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("decode %s: %v", a.body, err)
	}
}

// opt changes a request before it is sent.
type opt func(*http.Request)

func header(k, v string) opt { return func(r *http.Request) { r.Header.Set(k, v) } }

// as sends the token of the user with label (none for "").
func (e *env) as(label string) opt {
	return func(r *http.Request) {
		if label != "" {
			r.Header.Set("Authorization", "Bearer "+e.tokens[label])
		}
	}
}

// do sends a request through the whole app and checks the answer against
// the OpenAPI document. body: nil, a string or []byte (sent as is), or a
// value (sent as JSON); a body gets Content-Type application/json unless an
// opt says otherwise.
func (e *env) do(t testing.TB, method, path string, body any, opts ...opt) answer {
	t.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	case []byte:
		raw = b
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			t.Fatal(err)
		}
	}
	req := httptest.NewRequest(method, path, bytes.NewReader(raw))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, o := range opts {
		o(req)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	res := rec.Result()
	resBody, _ := io.ReadAll(res.Body)
	checkAnswer(t, req, raw, res, resBody)
	return answer{status: res.StatusCode, header: res.Header, body: resBody}
}

// want fails unless the answer has status.
func (a answer) want(t testing.TB, status int) answer {
	t.Helper()
	if a.status != status {
		t.Fatalf("status %d, want %d; body: %s", a.status, status, a.body)
	}
	return a
}

// wantProblem fails unless the answer is a problem with status and code.
func (a answer) wantProblem(t testing.TB, status int, code string) problem {
	t.Helper()
	a.want(t, status)
	p := a.problem(t)
	if p.Code != code || p.Type != "urn:baken:problem:"+code {
		t.Fatalf("problem code %q type %q, want %q", p.Code, p.Type, code)
	}
	return p
}

// syncBuffer is a log sink safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestRoutesMatchDocument fails when a route is missing from the document or
// the document describes an operation no route serves, and checks what
// every operation must document.
func TestRoutesMatchDocument(t *testing.T) {
	loadOpenAPI(t)
	var routes []operation
	for _, p := range api.RoutePatterns() {
		method, path, _ := strings.Cut(p, " ")
		rel, ok := strings.CutPrefix(path, api.BasePath)
		if !ok {
			t.Errorf("route %q is outside %s", p, api.BasePath)
		}
		routes = append(routes, operation{method, rel})
	}
	for _, r := range routes {
		if !slices.Contains(oas.ops, r) {
			t.Errorf("route %s is not in openapi.json", r)
		}
	}
	for _, op := range oas.ops {
		if !slices.Contains(routes, op) {
			t.Errorf("openapi.json describes %s, which no route serves", op)
		}
	}
	type opDoc struct {
		Security    *[]any                     `json:"security"`
		RequestBody json.RawMessage            `json:"requestBody"`
		Responses   map[string]json.RawMessage `json:"responses"`
	}
	var raw struct {
		OpenAPI string `json:"openapi"`
		Info    struct{ Version string }
		Paths   map[string]map[string]json.RawMessage
	}
	if err := json.Unmarshal(api.OpenAPIDocument, &raw); err != nil {
		t.Fatal(err)
	}
	if raw.OpenAPI != "3.1.0" || raw.Info.Version != api.Version {
		t.Errorf("openapi %q version %q, want 3.1.0 and %s", raw.OpenAPI, raw.Info.Version, api.Version)
	}
	for _, op := range oas.ops {
		var o opDoc
		if err := json.Unmarshal(raw.Paths[op.path][strings.ToLower(op.method)], &o); err != nil {
			t.Fatal(err)
		}
		need := []string{"500"}
		if o.Security == nil {
			need = append(need, "401")
		}
		if o.RequestBody != nil {
			need = append(need, "400", "413", "415")
		}
		for _, code := range need {
			if _, ok := o.Responses[code]; !ok {
				t.Errorf("%s documents no %s answer", op, code)
			}
		}
	}
}

// TestOpenAPIDocumentValid checks the document against the OpenAPI 3.1 schema.
func TestOpenAPIDocumentValid(t *testing.T) {
	loadOpenAPI(t)
	oas.mu.Lock()
	ok, errs := oas.v.ValidateDocument()
	oas.mu.Unlock()
	if !ok {
		t.Fatalf("openapi.json is not a valid OpenAPI document: %s", describe(errs))
	}
}
