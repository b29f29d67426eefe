package api

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/i18n"
	"github.com/baken-nl/baken/internal/kader"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
)

// Message keys of the self-assessment endpoints (i18n catalog/kaderapi.*.json).
const (
	keyKaderSheetRound  = "kaderapi.sheet.round"  // the XLSX sheet of a round: "Zelfevaluatie 2026"
	keyKaderSheetRegion = "kaderapi.sheet.region" // the XLSX sheet of a region view: "Noord 2026"
	keyKaderChoice      = "kaderapi.param.choice" // a query parameter outside its list
)

// Media types of the exports.
const (
	mediaPDF  = "application/pdf"
	mediaCSV  = "text/csv; charset=utf-8"
	mediaXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// kaderRoutes are the routes of the self-assessment against the Kader aanpak
// mensenhandel and its action plan (issue 6), described in openapi/kader.json.
func (a *API) kaderRoutes() []route {
	return []route{
		{"GET /api/v1/framework", false, a.getFramework},
		{"POST /api/v1/self-assessments", false, a.startSelfAssessment},
		{"GET /api/v1/self-assessments", false, a.listSelfAssessments},
		{"GET /api/v1/self-assessments/{id}", false, a.getSelfAssessment},
		{"PUT /api/v1/self-assessments/{id}/items/{itemId}", false, a.updateSelfAssessmentItem},
		{"GET /api/v1/self-assessments/{id}/comparison", false, a.compareSelfAssessments},
		{"GET /api/v1/self-assessments/{id}/actions", false, a.listKaderActions},
		{"POST /api/v1/self-assessments/{id}/actions", false, a.createKaderAction},
		{"GET /api/v1/self-assessments/{id}/report.pdf", false, a.selfAssessmentPDF},
		{"GET /api/v1/self-assessments/{id}/export.csv", false, a.selfAssessmentCSV},
		{"GET /api/v1/self-assessments/{id}/export.xlsx", false, a.selfAssessmentXLSX},
		{"GET /api/v1/actions/{id}", false, a.getKaderAction},
		{"PUT /api/v1/actions/{id}", false, a.updateKaderAction},
		{"POST /api/v1/actions/{id}/notes", false, a.addKaderActionNote},
		{"GET /api/v1/regions/{id}/self-assessments", false, a.regionSelfAssessments},
		{"GET /api/v1/regions/{id}/self-assessments.csv", false, a.regionSelfAssessmentsCSV},
		{"GET /api/v1/regions/{id}/self-assessments.xlsx", false, a.regionSelfAssessmentsXLSX},
	}
}

// translator binds the i18n bundle to lang for the kader package's renderers.
func (a *API) translator(lang string) kader.Translator {
	return func(key string, args ...any) string { return a.d.I18n.T(lang, key, args...) }
}

// kaderLang is the language of Accept-Language, announced in Content-Language.
func kaderLang(w http.ResponseWriter, r *http.Request) string {
	lang := i18n.Negotiate(r.Header.Get("Accept-Language"))
	w.Header().Set("Content-Language", lang)
	w.Header().Add("Vary", "Accept-Language")
	return lang
}

// kaderFields rewrites the field names of a validation error of the kader
// service (names are the service's) into the names of the API: with rename,
// e.g. "id" → "itemId" where the service's "id" is the building block of the
// path. Links keep their index: "links[2]".
func kaderFields(err error, rename map[string]string) error {
	e := errs.As(err)
	if e == nil || len(e.Fields) == 0 || len(rename) == 0 {
		return err
	}
	out := *e
	out.Fields = make([]errs.FieldError, len(e.Fields))
	for i, f := range e.Fields {
		if n, ok := rename[f.Field]; ok {
			f.Field = n
		}
		out.Fields[i] = f
	}
	return &out
}

// ---- the framework ----

// kaderLabelJSON is an id with its label in the request's language.
type kaderLabelJSON struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

type kaderBlockJSON struct {
	ID          string `json:"id"`
	Level       string `json:"level"`
	Label       string `json:"label"`
	Description string `json:"description"`
}

type kaderThemeJSON struct {
	ID          string           `json:"id"`
	Number      int              `json:"number"`
	Label       string           `json:"label"`
	Description string           `json:"description"`
	Blocks      []kaderBlockJSON `json:"blocks"`
}

type kaderCommitmentJSON struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	Help  string `json:"help"`
	Check string `json:"check"`
	Block string `json:"block,omitempty"`
}

// kaderFrameworkJSON is the Kader in one language: what a client needs to
// label the ids of a round.
type kaderFrameworkJSON struct {
	ContentVersion string                `json:"contentVersion"`
	Note           string                `json:"note"`
	Levels         []kaderLabelJSON      `json:"levels"`
	Statuses       []kaderLabelJSON      `json:"statuses"`
	ActionStatuses []kaderLabelJSON      `json:"actionStatuses"`
	Themes         []kaderThemeJSON      `json:"themes"`
	IBP            []kaderCommitmentJSON `json:"ibp"`
}

// getFramework answers the Kader aanpak mensenhandel (GET /framework): the
// themes, levels and building blocks and the IBP 5.11 commitments in the
// language of Accept-Language. Content, no data: every signed-in user.
func (a *API) getFramework(w http.ResponseWriter, r *http.Request, u org.User) error {
	if !policy.Can(u.Subject(), policy.UseApp, policy.Resource{}) {
		return errs.E(errs.Forbidden, "api.forbidden")
	}
	q := parseQuery(r)
	if err := q.v.Err(); err != nil {
		return err
	}
	lang := kaderLang(w, r)
	t := a.translator(lang)
	cat := a.d.Kader.Catalog()
	out := kaderFrameworkJSON{ContentVersion: cat.Meta.Version, Note: cat.Kader.Note.In(lang),
		Levels: []kaderLabelJSON{}, Statuses: []kaderLabelJSON{}, ActionStatuses: []kaderLabelJSON{},
		Themes: []kaderThemeJSON{}, IBP: []kaderCommitmentJSON{}}
	for _, l := range []string{"plateau1", "plateau2"} {
		out.Levels = append(out.Levels, kaderLabelJSON{l, t("kader.level." + l)})
	}
	for _, s := range kader.Statuses {
		out.Statuses = append(out.Statuses, kaderLabelJSON{string(s), t("kader.status." + string(s))})
	}
	for _, s := range kader.ActionStatuses {
		out.ActionStatuses = append(out.ActionStatuses, kaderLabelJSON{string(s), t("kader.action.status." + string(s))})
	}
	for _, th := range cat.Kader.Themes {
		tj := kaderThemeJSON{ID: th.ID, Number: th.Number, Label: th.Label.In(lang), Description: th.Description.In(lang),
			Blocks: []kaderBlockJSON{}}
		for _, b := range th.Blocks {
			tj.Blocks = append(tj.Blocks, kaderBlockJSON{ID: b.ID, Level: b.Level, Label: b.Label.In(lang), Description: b.Description.In(lang)})
		}
		out.Themes = append(out.Themes, tj)
	}
	for _, c := range cat.IBP {
		out.IBP = append(out.IBP, kaderCommitmentJSON{ID: c.ID, Label: c.Label.In(lang), Help: c.Help.In(lang), Check: c.Check, Block: c.Block})
	}
	return writeJSON(w, http.StatusOK, out)
}

// ---- rounds ----

// selfAssessmentStartJSON is the body of POST /self-assessments.
type selfAssessmentStartJSON struct {
	Year           *int   `json:"year"`
	MunicipalityID string `json:"municipalityId"` // "" = the caller's own municipality
}

// startSelfAssessment starts a municipality's round for a year: 201 with
// Location and the round; 409 naming "year" when the year has a round.
func (a *API) startSelfAssessment(w http.ResponseWriter, r *http.Request, u org.User) error {
	var b selfAssessmentStartJSON
	if err := a.readJSON(w, r, &b); err != nil {
		return err
	}
	if b.Year == nil {
		var v errs.Validation
		v.Add("year", "field.required")
		return v.Err()
	}
	round, err := a.d.Kader.StartRound(r.Context(), u.Subject(), b.MunicipalityID, *b.Year)
	if err != nil {
		return err
	}
	w.Header().Set("Location", BasePath+"/self-assessments/"+round.ID)
	return writeJSON(w, http.StatusCreated, round)
}

// selfAssessmentListJSON is the rounds of a municipality.
type selfAssessmentListJSON struct {
	Items []kader.RoundSummary `json:"items"`
}

// listSelfAssessments lists a municipality's rounds, newest year first
// (GET /self-assessments?municipalityId=; without it the caller's own).
func (a *API) listSelfAssessments(w http.ResponseWriter, r *http.Request, u org.User) error {
	q := parseQuery(r, "municipalityId")
	m := q.str("municipalityId", maxFilterLen)
	if err := q.v.Err(); err != nil {
		return err
	}
	rounds, err := a.d.Kader.Rounds(r.Context(), u.Subject(), m)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, selfAssessmentListJSON{Items: rounds})
}

// getSelfAssessment answers one round with its items, scores, Basis op orde,
// the blocks in its way and the IBP checklist; 404 for whoever may not read it.
func (a *API) getSelfAssessment(w http.ResponseWriter, r *http.Request, u org.User) error {
	q := parseQuery(r)
	if err := q.v.Err(); err != nil {
		return err
	}
	round, err := a.d.Kader.Round(r.Context(), u.Subject(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, round)
}

// selfAssessmentItemJSON is the body of PUT /self-assessments/{id}/items/{itemId}.
type selfAssessmentItemJSON struct {
	Status   string   `json:"status"`
	Evidence string   `json:"evidence"`
	Links    []string `json:"links"`
	Owner    string   `json:"owner"`
	Date     string   `json:"date"`
	Remark   string   `json:"remark"`
	Version  *int     `json:"version"` // the item's version the caller saw (0: a block the content added since the round started)
}

// updateSelfAssessmentItem fills in one building block of a round: 200 with
// the item; 400 naming itemId for a block the Kader does not have; 409 with
// the current item in "current" when it changed since version.
func (a *API) updateSelfAssessmentItem(w http.ResponseWriter, r *http.Request, u org.User) error {
	var b selfAssessmentItemJSON
	if err := a.readJSON(w, r, &b); err != nil {
		return err
	}
	itemID := r.PathValue("itemId")
	if b.Version == nil || *b.Version < 0 {
		// Without a version the service cannot be asked; report what can
		// be seen here, all at once.
		var v errs.Validation
		if b.Version == nil {
			v.Add("version", "field.required")
		} else {
			v.Add("version", "api.param.range")
		}
		_, known := a.d.Kader.Catalog().BuildingBlock(itemID)
		v.Check(known, "itemId", kader.KeyItemUnknown)
		v.Check(isKaderStatus(b.Status), "status", kader.KeyStatusInvalid)
		return v.Err()
	}
	it, err := a.d.Kader.UpdateItem(r.Context(), u.Subject(), r.PathValue("id"), itemID, *b.Version,
		kader.ItemInput{Status: kader.Status(b.Status), Evidence: b.Evidence, Links: b.Links, Owner: b.Owner, Date: b.Date, Remark: b.Remark})
	if errs.Is(err, errs.Conflict) && it.BlockID != "" {
		return &withCurrent{err: err, current: it}
	}
	if err != nil {
		return kaderFields(err, map[string]string{"id": "itemId"})
	}
	return writeJSON(w, http.StatusOK, it)
}

func isKaderStatus(s string) bool {
	for _, x := range kader.Statuses {
		if string(x) == s {
			return true
		}
	}
	return false
}

// compareSelfAssessments compares round id with round `with` of the same
// municipality, from the older to the newer.
func (a *API) compareSelfAssessments(w http.ResponseWriter, r *http.Request, u org.User) error {
	q := parseQuery(r, "with")
	with := q.str("with", maxFilterLen)
	if with == "" && !q.v.Has("with") {
		q.v.Add("with", "field.required")
	}
	if err := q.v.Err(); err != nil {
		return err
	}
	c, err := a.d.Kader.Compare(r.Context(), u.Subject(), r.PathValue("id"), with)
	if err != nil {
		return kaderFields(err, map[string]string{"to": "with"})
	}
	return writeJSON(w, http.StatusOK, c)
}

// ---- exports ----

// download writes a file answer: its media type, a file name without
// personal data, and the language its texts are in.
func download(w http.ResponseWriter, media, filename string, body []byte) error {
	h := w.Header()
	h.Set("Content-Type", media)
	h.Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
	return nil
}

// selfAssessmentPDF answers the council report of a round (A4 PDF) in the
// language of Accept-Language, Dutch by default.
func (a *API) selfAssessmentPDF(w http.ResponseWriter, r *http.Request, u org.User) error {
	round, lang, err := a.exportRound(w, r, u)
	if err != nil {
		return err
	}
	b, err := a.d.Kader.PDF(r.Context(), u.Subject(), round.ID, lang, a.translator(lang))
	if err != nil {
		return err
	}
	return download(w, mediaPDF, "zelfevaluatie-"+strconv.Itoa(round.Year)+".pdf", b)
}

// selfAssessmentCSV answers a round as CSV: one row per building block.
func (a *API) selfAssessmentCSV(w http.ResponseWriter, r *http.Request, u org.User) error {
	round, lang, err := a.exportRound(w, r, u)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := kader.WriteCSV(&b, a.d.Kader.RoundTable(round, lang, a.translator(lang))); err != nil {
		return errs.Wrap(err, "write csv")
	}
	return download(w, mediaCSV, "zelfevaluatie-"+strconv.Itoa(round.Year)+".csv", b.Bytes())
}

// selfAssessmentXLSX answers a round as an XLSX workbook.
func (a *API) selfAssessmentXLSX(w http.ResponseWriter, r *http.Request, u org.User) error {
	round, lang, err := a.exportRound(w, r, u)
	if err != nil {
		return err
	}
	t := a.translator(lang)
	var b bytes.Buffer
	if err := kader.WriteXLSX(&b, t(keyKaderSheetRound, round.Year), a.d.Kader.RoundTable(round, lang, t), round.UpdatedAt); err != nil {
		return errs.Wrap(err, "write xlsx")
	}
	return download(w, mediaXLSX, "zelfevaluatie-"+strconv.Itoa(round.Year)+".xlsx", b.Bytes())
}

// exportRound reads the round of an export (no query parameters) and the
// language of the answer.
func (a *API) exportRound(w http.ResponseWriter, r *http.Request, u org.User) (kader.Round, string, error) {
	q := parseQuery(r)
	if err := q.v.Err(); err != nil {
		return kader.Round{}, "", err
	}
	round, err := a.d.Kader.Round(r.Context(), u.Subject(), r.PathValue("id"))
	if err != nil {
		return kader.Round{}, "", err
	}
	return round, kaderLang(w, r), nil
}

// ---- the region view ----

// regionView reads the region view of the path's region for ?year= (this
// year when absent).
func (a *API) regionView(r *http.Request, u org.User) (kader.RegionView, error) {
	thisYear, _ := strconv.Atoi(kader.Today(time.Now())[:4])
	q := parseQuery(r, "year")
	year := q.int("year", 1, 9999, int64(thisYear))
	if err := q.v.Err(); err != nil {
		return kader.RegionView{}, err
	}
	return a.d.Kader.RegionView(r.Context(), u.Subject(), r.PathValue("id"), int(year))
}

// regionSelfAssessments answers every municipality of a region × theme for
// a year, with Basis op orde per municipality: for the region's analysts and
// care coordinators.
func (a *API) regionSelfAssessments(w http.ResponseWriter, r *http.Request, u org.User) error {
	rv, err := a.regionView(r, u)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rv)
}

func (a *API) regionSelfAssessmentsCSV(w http.ResponseWriter, r *http.Request, u org.User) error {
	rv, err := a.regionView(r, u)
	if err != nil {
		return err
	}
	lang := kaderLang(w, r)
	var b bytes.Buffer
	if err := kader.WriteCSV(&b, a.d.Kader.RegionTable(rv, lang, a.translator(lang))); err != nil {
		return errs.Wrap(err, "write csv")
	}
	return download(w, mediaCSV, "zelfevaluatie-regio-"+strconv.Itoa(rv.Year)+".csv", b.Bytes())
}

func (a *API) regionSelfAssessmentsXLSX(w http.ResponseWriter, r *http.Request, u org.User) error {
	rv, err := a.regionView(r, u)
	if err != nil {
		return err
	}
	lang := kaderLang(w, r)
	t := a.translator(lang)
	var b bytes.Buffer
	if err := kader.WriteXLSX(&b, t(keyKaderSheetRegion, rv.RegionName, rv.Year), a.d.Kader.RegionTable(rv, lang, t), time.Now()); err != nil {
		return errs.Wrap(err, "write xlsx")
	}
	return download(w, mediaXLSX, "zelfevaluatie-regio-"+strconv.Itoa(rv.Year)+".xlsx", b.Bytes())
}

// ---- the action plan ----

// kaderActionListJSON is a list of actions.
type kaderActionListJSON struct {
	Items []kader.Action `json:"items"`
}

// listKaderActions lists the actions of a round (scope=round, the default)
// or the municipality's whole plan (scope=municipality): open ones by
// deadline first. filter=open or filter=overdue narrows it down.
func (a *API) listKaderActions(w http.ResponseWriter, r *http.Request, u org.User) error {
	q := parseQuery(r, "scope", "blockId", "filter")
	scope, filter := q.str("scope", maxFilterLen), q.str("filter", maxFilterLen)
	f := kader.ActionFilter{BlockID: q.str("blockId", maxFilterLen)}
	switch scope {
	case "", "round", "municipality":
	default:
		q.v.Add("scope", keyKaderChoice)
	}
	switch filter {
	case "":
	case "open":
		f.OpenOnly = true
	case "overdue":
		f.OverdueOnly = true
	default:
		q.v.Add("filter", keyKaderChoice)
	}
	if err := q.v.Err(); err != nil {
		return err
	}
	round, err := a.d.Kader.Round(r.Context(), u.Subject(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if scope != "municipality" {
		f.AssessmentID = round.ID
	}
	acts, err := a.d.Kader.Actions(r.Context(), u.Subject(), round.MunicipalityID, f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, kaderActionListJSON{Items: acts})
}

// kaderActionCreateJSON is the body of POST /self-assessments/{id}/actions:
// the round is the path's.
type kaderActionCreateJSON struct {
	BlockID     string `json:"blockId"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Owner       string `json:"owner"`
	Deadline    string `json:"deadline"`
	Status      string `json:"status"`
}

// createKaderAction adds an action to the plan, linked to the round and
// optionally to a building block: 201 with Location and the action.
func (a *API) createKaderAction(w http.ResponseWriter, r *http.Request, u org.User) error {
	var b kaderActionCreateJSON
	if err := a.readJSON(w, r, &b); err != nil {
		return err
	}
	round, err := a.d.Kader.Round(r.Context(), u.Subject(), r.PathValue("id"))
	if err != nil {
		return err
	}
	act, err := a.d.Kader.CreateAction(r.Context(), u.Subject(), round.MunicipalityID, kader.ActionInput{AssessmentID: round.ID,
		BlockID: b.BlockID, Title: b.Title, Description: b.Description, Owner: b.Owner, Deadline: b.Deadline,
		Status: kader.ActionStatus(b.Status)})
	if err != nil {
		return err
	}
	w.Header().Set("Location", BasePath+"/actions/"+act.ID)
	return writeJSON(w, http.StatusCreated, act)
}

// getKaderAction answers one action with its progress notes.
func (a *API) getKaderAction(w http.ResponseWriter, r *http.Request, u org.User) error {
	q := parseQuery(r)
	if err := q.v.Err(); err != nil {
		return err
	}
	act, err := a.d.Kader.Action(r.Context(), u.Subject(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, act)
}

// kaderActionUpdateJSON is the body of PUT /actions/{id}: the whole action.
// assessmentId and blockId left out keep the action's links ("" removes one).
type kaderActionUpdateJSON struct {
	AssessmentID *string `json:"assessmentId"`
	BlockID      *string `json:"blockId"`
	Title        string  `json:"title"`
	Description  string  `json:"description"`
	Owner        string  `json:"owner"`
	Deadline     string  `json:"deadline"`
	Status       string  `json:"status"`
	Version      *int    `json:"version"`
}

// updateKaderAction changes an action: 200 with it; 409 with the current
// action in "current" when it changed since version.
func (a *API) updateKaderAction(w http.ResponseWriter, r *http.Request, u org.User) error {
	var b kaderActionUpdateJSON
	if err := a.readJSON(w, r, &b); err != nil {
		return err
	}
	if b.Version == nil || *b.Version < 1 || b.Status == "" {
		// Without a version or a status the service is not asked; report
		// what can be seen here, all at once.
		var v errs.Validation
		switch {
		case b.Version == nil:
			v.Add("version", "field.required")
		case *b.Version < 1:
			v.Add("version", "api.param.range")
		}
		v.Check(b.Status != "", "status", "field.required")
		v.Check(strings.TrimSpace(b.Title) != "", "title", kader.KeyTitleRequired)
		return v.Err()
	}
	ctx, id := r.Context(), r.PathValue("id")
	cur, err := a.d.Kader.Action(ctx, u.Subject(), id)
	if err != nil {
		return err
	}
	in := kader.ActionInput{AssessmentID: cur.AssessmentID, BlockID: cur.BlockID, Title: b.Title, Description: b.Description,
		Owner: b.Owner, Deadline: b.Deadline, Status: kader.ActionStatus(b.Status)}
	if b.AssessmentID != nil {
		in.AssessmentID = *b.AssessmentID
	}
	if b.BlockID != nil {
		in.BlockID = *b.BlockID
	}
	act, err := a.d.Kader.UpdateAction(ctx, u.Subject(), id, *b.Version, in)
	if errs.Is(err, errs.Conflict) && act.ID != "" {
		return &withCurrent{err: err, current: act}
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, act)
}

// kaderNoteJSON is the body of POST /actions/{id}/notes.
type kaderNoteJSON struct {
	Body string `json:"body"`
}

// addKaderActionNote appends a progress note: 201 with the action, its notes
// included (a note has no address of its own; Location is the action's).
func (a *API) addKaderActionNote(w http.ResponseWriter, r *http.Request, u org.User) error {
	var b kaderNoteJSON
	if err := a.readJSON(w, r, &b); err != nil {
		return err
	}
	act, err := a.d.Kader.AddNote(r.Context(), u.Subject(), r.PathValue("id"), b.Body)
	if err != nil {
		return err
	}
	w.Header().Set("Location", BasePath+"/actions/"+act.ID)
	return writeJSON(w, http.StatusCreated, act)
}
