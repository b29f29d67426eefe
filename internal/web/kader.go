package web

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/baken-nl/baken/internal/content"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/kader"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
)

// The self-assessment against the Kader aanpak mensenhandel (issue 6): the
// policy officer's rounds, building blocks and action plan, the downloads,
// and the region view for the region's analysts and care coordinators. The
// kader service enforces the policy and writes the processing log; these
// pages use policy.Can only to decide what to show (and answer 404 to a role
// that has no business here). URLs hold ids, years and catalogue ids only.
//
//   - GET  /zelfevaluatie                               the municipality's rounds; start a round; compare two
//   - POST /zelfevaluatie                               start a round for a year
//   - GET  /zelfevaluatie/vergelijk?van=ID&met=ID       what changed between two rounds
//   - GET  /zelfevaluatie/{id}                          one round: Basis op orde, scores, IBP, the blocks
//   - POST /zelfevaluatie/{id}/bouwstenen/{blockId}     fill in one building block (version)
//   - GET  /zelfevaluatie/{id}/acties                   the action plan; POST adds an action
//   - GET  /acties/{id}, POST /acties/{id}              one action; edit it (version)
//   - POST /acties/{id}/notities                        a progress note
//   - GET  /zelfevaluatie/{id}/rapport.pdf, export.csv, export.xlsx
//   - GET  /regio-overzicht?jaar=Y (&regio=ID for a national analyst), export.csv, export.xlsx
func (s *Server) kaderRoutes() []route {
	return []route{
		{"GET /zelfevaluatie", signedIn, s.kaderRounds},
		{"POST /zelfevaluatie", signedIn, s.kaderStart},
		{"GET /zelfevaluatie/vergelijk", signedIn, s.kaderCompare},
		{"GET /zelfevaluatie/{id}", signedIn, s.kaderRound},
		{"POST /zelfevaluatie/{id}/bouwstenen/{block}", signedIn, s.kaderItem},
		{"GET /zelfevaluatie/{id}/acties", signedIn, s.kaderActions},
		{"POST /zelfevaluatie/{id}/acties", signedIn, s.kaderActionCreate},
		{"GET /zelfevaluatie/{id}/rapport.pdf", signedIn, s.kaderPDF},
		{"GET /zelfevaluatie/{id}/export.csv", signedIn, s.kaderRoundExport("csv")},
		{"GET /zelfevaluatie/{id}/export.xlsx", signedIn, s.kaderRoundExport("xlsx")},
		{"GET /acties/{id}", signedIn, s.kaderAction},
		{"POST /acties/{id}", signedIn, s.kaderActionUpdate},
		{"POST /acties/{id}/notities", signedIn, s.kaderActionNote},
		{"GET /regio-overzicht", signedIn, s.kaderRegion},
		{"GET /regio-overzicht/export.csv", signedIn, s.kaderRegionExport("csv")},
		{"GET /regio-overzicht/export.xlsx", signedIn, s.kaderRegionExport("xlsx")},
	}
}

// Field labels for the error summaries.
var kaderLabels = map[string]string{
	"year": "web.kader.year", "van": "web.kader.compare.from", "met": "web.kader.compare.to", "to": "web.kader.compare.to",
	"status": "web.kader.item.status", "evidence": "web.kader.item.evidence", "links": "web.kader.item.links",
	"owner": "web.kader.item.owner", "date": "web.kader.item.date", "remark": "web.kader.item.remark",
	"title": "web.kader.action.title", "description": "web.kader.action.description", "deadline": "web.kader.action.deadline",
	"blockId": "web.kader.action.block", "body": "web.kader.note.body", "assessmentId": "web.kader.action.round",
}

// requireKader: the self-assessment pages are for the policy officers of a
// municipality; everyone else gets the 404 page.
func (s *Server) requireKader(st *state) error {
	if s.d.Kader == nil || !st.signedIn() || st.user.Organisation.Kind != org.Municipality ||
		!policy.Can(st.subject, policy.ReadSelfAssessment, policy.Resource{OrgID: st.subject.OrgID}) {
		return errNotFound
	}
	return nil
}

// translator binds the catalogs to a language for the service's renderers.
func (s *Server) translator(lang string) kader.Translator {
	return func(key string, args ...any) string { return s.d.I18n.T(lang, key, args...) }
}

// kaderThisYear is the current year in the Netherlands.
func (s *Server) kaderThisYear() int { return time.Now().In(s.tz).Year() }

// roundsPage is the list of rounds with the start and compare forms.
type roundsPage struct {
	Rounds       []kader.RoundSummary
	Municipality string
	Start        *form
	Compare      *form
	Years        []int
}

func (s *Server) kaderRounds(w http.ResponseWriter, r *http.Request) error {
	start := newForm(nil, kaderLabels)
	start.Set("year", strconv.Itoa(s.kaderThisYear()))
	return s.renderRounds(w, r, http.StatusOK, start, newForm(nil, kaderLabels))
}

func (s *Server) renderRounds(w http.ResponseWriter, r *http.Request, status int, start, compare *form) error {
	st := stateOf(r)
	if err := s.requireKader(st); err != nil {
		return err
	}
	rounds, err := s.d.Kader.Rounds(r.Context(), st.subject, "")
	if err != nil {
		return err
	}
	rp := &roundsPage{Rounds: rounds, Municipality: st.user.Organisation.Name, Start: start, Compare: compare}
	for y := s.kaderThisYear() + 1; y >= kader.FirstYear; y-- {
		rp.Years = append(rp.Years, y)
	}
	if compare.Get("van") == "" && compare.Get("met") == "" && len(rounds) >= 2 {
		compare.Set("van", rounds[1].ID)
		compare.Set("met", rounds[0].ID)
	}
	p := s.newPage(r, "web.kader.rounds.title", rp)
	p.Notice = notice(r)
	return s.render(w, r, status, "kader_rounds", p)
}

// kaderStart starts a round: 303 to the new round, or the list again with
// the error at the year (422; 409 for a year that has a round) and what was
// typed kept.
func (s *Server) kaderStart(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := s.requireKader(st); err != nil {
		return err
	}
	f := newForm(url.Values{"year": {strings.TrimSpace(r.PostForm.Get("year"))}}, kaderLabels)
	year, perr := strconv.Atoi(f.Get("year"))
	if perr != nil {
		f.Add("year", kader.KeyYearInvalid)
		return s.renderRounds(w, r, http.StatusUnprocessableEntity, f, newForm(nil, kaderLabels))
	}
	round, err := s.d.Kader.StartRound(r.Context(), st.subject, "", year)
	if err == nil {
		http.Redirect(w, r, "/zelfevaluatie/"+url.PathEscape(round.ID)+"?melding=aangemaakt", http.StatusSeeOther)
		return nil
	}
	status, ferr := formProblem(f, err)
	if ferr != nil {
		return ferr
	}
	return s.renderRounds(w, r, status, f, newForm(nil, kaderLabels))
}

// comparePage shows what changed between two rounds.
type comparePage struct {
	C       kader.Comparison
	Changes []changeView
	Themes  map[string]content.Theme
	Blocks  map[string]content.BuildingBlock
}

func (s *Server) kaderCompare(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := s.requireKader(st); err != nil {
		return err
	}
	q := r.URL.Query()
	f := newForm(url.Values{"van": {q.Get("van")}, "met": {q.Get("met")}}, kaderLabels)
	for _, name := range []string{"van", "met"} {
		if f.Get(name) == "" {
			f.Add(name, "web.kader.compare.choose")
		}
	}
	if !f.Invalid() && f.Get("van") == f.Get("met") {
		f.Add("met", kader.KeyCompareInvalid)
	}
	if f.Invalid() {
		return s.renderRounds(w, r, http.StatusUnprocessableEntity, newForm(url.Values{"year": {strconv.Itoa(s.kaderThisYear())}}, kaderLabels), f)
	}
	c, err := s.d.Kader.Compare(r.Context(), st.subject, f.Get("van"), f.Get("met"))
	if err != nil {
		if e := errs.As(err); e != nil && e.Code == errs.Invalid && len(e.Fields) > 0 {
			for _, fe := range e.Fields {
				if fe.Field == "to" {
					fe.Field = "met"
				}
				f.errs = append(f.errs, fe)
			}
			return s.renderRounds(w, r, http.StatusUnprocessableEntity, newForm(url.Values{"year": {strconv.Itoa(s.kaderThisYear())}}, kaderLabels), f)
		}
		return err
	}
	cp := &comparePage{C: c, Themes: map[string]content.Theme{}, Blocks: map[string]content.BuildingBlock{}}
	for _, t := range s.d.Content.Kader.Themes {
		cp.Themes[t.ID] = t
		for _, b := range t.Blocks {
			cp.Blocks[b.ID] = b
		}
	}
	for _, ch := range c.Changes {
		dir := "same"
		switch a, b := statusRank(ch.From), statusRank(ch.To); {
		case b > a:
			dir = "better"
		case b < a:
			dir = "worse"
		}
		cp.Changes = append(cp.Changes, changeView{Change: ch, Direction: dir})
	}
	return s.render(w, r, http.StatusOK, "kader_compare", s.newPage(r, "web.kader.compare.title", cp))
}

// changeView is a changed block with the direction of the change.
type changeView struct {
	kader.Change
	Direction string // better, worse, same (complete ↔ not applicable)
}

// statusRank orders statuses towards complete; not applicable is not in
// the way, like complete.
func statusRank(s kader.Status) int {
	switch s {
	case kader.Complete, kader.NotApplicable:
		return 2
	case kader.Partial:
		return 1
	}
	return 0
}

// itemView is one building block of the round page: the stored item, its
// content, the actions linked to it and the edit form (the stored values,
// or what was typed when this block's form came back).
type itemView struct {
	N       int // position on the page: the prefix of the form's field ids
	Item    kader.Item
	Block   content.BuildingBlock
	Form    *form
	Open    bool   // the edit form starts open (errors, conflict)
	Alert   string // catalog key above the form (stale)
	Actions []kader.Action
}

// Field is the id of one of the block form's fields.
func (v itemView) Field(name string) string { return "b" + strconv.Itoa(v.N) + "-" + name }

// Summary is the error summary of the block's form, linking to its fields.
func (v itemView) Summary() []summaryItem {
	out := v.Form.Summary()
	for i := range out {
		out[i].Field = v.Field(out[i].Field)
	}
	return out
}

// themeView is a theme of the round page with its scores and blocks.
type themeView struct {
	Theme  content.Theme
	Scores []kader.Score // plateau1, plateau2, the theme
	Items  []itemView
}

// roundPage is the data of one round.
type roundPage struct {
	Round    kader.Round
	Themes   []themeView
	Overall  kader.Score
	Blocking []content.BuildingBlock
	IBP      []ibpView
	Statuses []kader.Status
	Lang     string
	Problem  *itemView // the block whose form came back with errors, for the summary at the top
}

// ibpView is one IBP commitment with its content.
type ibpView struct {
	kader.CommitmentResult
	Commitment content.Commitment
	BlockLabel string
	Status     kader.Status
}

func itemForm(it kader.Item) *form {
	v := url.Values{"status": {string(it.Status)}, "evidence": {it.Evidence}, "links": {strings.Join(it.Links, "\n")},
		"owner": {it.Owner}, "date": {it.Date}, "remark": {it.Remark}, "version": {strconv.Itoa(it.Version)}}
	return newForm(v, kaderLabels)
}

// newRoundPage builds the round page; active, when not "", is the block
// whose form is f (typed values, errors) with alert above it.
func (s *Server) newRoundPage(ctx context.Context, st *state, round kader.Round, active string, f *form, alert string) (*roundPage, error) {
	acts, err := s.d.Kader.Actions(ctx, st.subject, round.MunicipalityID, kader.ActionFilter{})
	if err != nil {
		return nil, err
	}
	byBlock := map[string][]kader.Action{}
	for _, a := range acts {
		if a.BlockID != "" {
			byBlock[a.BlockID] = append(byBlock[a.BlockID], a)
		}
	}
	rp := &roundPage{Round: round, Overall: kader.Overall(round.Scores), Statuses: kader.Statuses, Lang: st.lang}
	items := map[string]kader.Item{}
	for _, it := range round.Items {
		items[it.BlockID] = it
	}
	scores := map[string][]kader.Score{}
	for _, sc := range round.Scores {
		if sc.ThemeID != "" {
			scores[sc.ThemeID] = append(scores[sc.ThemeID], sc)
		}
	}
	n := 0
	for _, t := range s.d.Content.Kader.Themes {
		tv := themeView{Theme: t, Scores: scores[t.ID]}
		for _, b := range t.Blocks {
			it, ok := items[b.ID]
			if !ok {
				continue
			}
			iv := itemView{N: n, Item: it, Block: b, Form: itemForm(it), Actions: byBlock[b.ID]}
			if b.ID == active {
				if f.Get("version") == "" {
					// A stale edit: saving again overwrites the current values.
					f.Set("version", strconv.Itoa(it.Version))
				}
				iv.Form, iv.Open, iv.Alert = f, true, alert
			}
			tv.Items = append(tv.Items, iv)
			n++
		}
		rp.Themes = append(rp.Themes, tv)
	}
	for ti := range rp.Themes {
		for ii := range rp.Themes[ti].Items {
			if iv := &rp.Themes[ti].Items[ii]; iv.Open && iv.Form.Invalid() {
				rp.Problem = iv
			}
		}
	}
	for _, id := range round.Blocking {
		if b, ok := s.d.Content.BuildingBlock(id); ok {
			rp.Blocking = append(rp.Blocking, b)
		}
	}
	for _, c := range round.IBP {
		iv := ibpView{CommitmentResult: c}
		if i := slices.IndexFunc(s.d.Content.IBP, func(x content.Commitment) bool { return x.ID == c.ID }); i >= 0 {
			iv.Commitment = s.d.Content.IBP[i]
		}
		if c.Block != "" {
			if b, ok := s.d.Content.BuildingBlock(c.Block); ok {
				iv.BlockLabel = b.Label.In(st.lang)
			}
			iv.Status = items[c.Block].Status
		}
		rp.IBP = append(rp.IBP, iv)
	}
	return rp, nil
}

func (s *Server) kaderRound(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := s.requireKader(st); err != nil {
		return err
	}
	round, err := s.d.Kader.Round(r.Context(), st.subject, r.PathValue("id"))
	if err != nil {
		return err
	}
	rp, err := s.newRoundPage(r.Context(), st, round, "", nil, "")
	if err != nil {
		return err
	}
	p := s.newPage(r, "web.kader.round.title", rp)
	p.Title = s.d.I18n.T(st.lang, "web.kader.round.heading", round.Year, round.MunicipalityName)
	p.Notice = notice(r)
	return s.render(w, r, http.StatusOK, "kader_round", p)
}

// splitLines splits a textarea into its non-empty lines.
func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// kaderItem saves one building block: 303 back to its anchor; every error
// at once at its field with everything typed kept (422); a stale version
// shows the current values with the typed ones kept (409).
func (s *Server) kaderItem(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := s.requireKader(st); err != nil {
		return err
	}
	id, block := r.PathValue("id"), r.PathValue("block")
	if _, ok := s.d.Content.BuildingBlock(block); !ok {
		return errNotFound
	}
	v := r.PostForm
	version, verr := strconv.Atoi(v.Get("version"))
	if verr != nil {
		version = -1
	}
	in := kader.ItemInput{Status: kader.Status(v.Get("status")), Evidence: v.Get("evidence"), Links: splitLines(v.Get("links")),
		Owner: v.Get("owner"), Date: v.Get("date"), Remark: v.Get("remark")}
	_, err := s.d.Kader.UpdateItem(r.Context(), st.subject, id, block, version, in)
	if err == nil {
		http.Redirect(w, r, "/zelfevaluatie/"+url.PathEscape(id)+"?melding=opgeslagen#bouwsteen-"+url.PathEscape(block), http.StatusSeeOther)
		return nil
	}
	f := newForm(url.Values{}, kaderLabels)
	for _, name := range []string{"status", "evidence", "links", "owner", "date", "remark"} {
		f.Set(name, v.Get(name))
	}
	e := errs.As(err)
	status, alert := 0, ""
	switch {
	case e != nil && e.Code == errs.Conflict && len(e.Fields) == 0:
		status, alert = http.StatusConflict, "web.kader.item.stale"
	case e != nil && e.Code == errs.Invalid && len(e.Fields) > 0:
		status = http.StatusUnprocessableEntity
		f.Set("version", v.Get("version")) // the version seen stays: a later stale save is still noticed
		for _, fe := range e.Fields {
			fe.Field, _, _ = strings.Cut(fe.Field, "[") // links[2] → links
			f.errs = append(f.errs, fe)
		}
	default:
		return err
	}
	round, rerr := s.d.Kader.Round(r.Context(), st.subject, id)
	if rerr != nil {
		return rerr
	}
	rp, rerr := s.newRoundPage(r.Context(), st, round, block, f, alert)
	if rerr != nil {
		return rerr
	}
	p := s.newPage(r, "web.kader.round.title", rp)
	p.Title = s.d.I18n.T(st.lang, "web.kader.round.heading", round.Year, round.MunicipalityName)
	return s.render(w, r, status, "kader_round", p)
}

// actionsPage is the action plan of a round's municipality.
type actionsPage struct {
	Round    kader.Round
	Actions  []kader.Action
	Form     *form
	Blocks   []blockOption
	Statuses []kader.ActionStatus
}

// blockOption is a building block in a select, grouped by theme.
type blockOption struct {
	Theme  content.Theme
	Blocks []content.BuildingBlock
}

func (s *Server) blockOptions() []blockOption {
	var out []blockOption
	for _, t := range s.d.Content.Kader.Themes {
		out = append(out, blockOption{Theme: t, Blocks: t.Blocks})
	}
	return out
}

func (s *Server) kaderActions(w http.ResponseWriter, r *http.Request) error {
	f := newForm(nil, kaderLabels)
	f.Set("status", string(kader.Planned))
	if b := r.URL.Query().Get("bouwsteen"); b != "" {
		if _, ok := s.d.Content.BuildingBlock(b); ok {
			f.Set("blockId", b)
		}
	}
	return s.renderActions(w, r, http.StatusOK, f)
}

func (s *Server) renderActions(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	st := stateOf(r)
	if err := s.requireKader(st); err != nil {
		return err
	}
	round, err := s.d.Kader.Round(r.Context(), st.subject, r.PathValue("id"))
	if err != nil {
		return err
	}
	acts, err := s.d.Kader.Actions(r.Context(), st.subject, round.MunicipalityID, kader.ActionFilter{})
	if err != nil {
		return err
	}
	ap := &actionsPage{Round: round, Actions: acts, Form: f, Blocks: s.blockOptions(), Statuses: kader.ActionStatuses}
	p := s.newPage(r, "web.kader.actions.title", ap)
	p.Notice = notice(r)
	return s.render(w, r, status, "kader_actions", p)
}

// actionInput reads the action form.
func actionInput(v url.Values) kader.ActionInput {
	return kader.ActionInput{BlockID: v.Get("blockId"), Title: v.Get("title"), Description: v.Get("description"),
		Owner: v.Get("owner"), Deadline: v.Get("deadline"), Status: kader.ActionStatus(v.Get("status"))}
}

func actionValues(v url.Values) url.Values {
	out := url.Values{}
	for _, name := range []string{"blockId", "title", "description", "owner", "deadline", "status"} {
		out.Set(name, v.Get(name))
	}
	return out
}

func (s *Server) kaderActionCreate(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := s.requireKader(st); err != nil {
		return err
	}
	id := r.PathValue("id")
	round, err := s.d.Kader.Round(r.Context(), st.subject, id)
	if err != nil {
		return err
	}
	in := actionInput(r.PostForm)
	in.AssessmentID = round.ID
	_, err = s.d.Kader.CreateAction(r.Context(), st.subject, round.MunicipalityID, in)
	if err == nil {
		http.Redirect(w, r, "/zelfevaluatie/"+url.PathEscape(id)+"/acties?melding=aangemaakt", http.StatusSeeOther)
		return nil
	}
	f := newForm(actionValues(r.PostForm), kaderLabels)
	status, ferr := formProblem(f, err)
	if ferr != nil {
		return ferr
	}
	return s.renderActions(w, r, status, f)
}

// actionPage is one action with its edit and note forms.
type actionPage struct {
	Action   kader.Action
	Block    *content.BuildingBlock
	Form     *form
	Note     *form
	Alert    string
	Blocks   []blockOption
	Statuses []kader.ActionStatus
}

func actionForm(a kader.Action) *form {
	return newForm(url.Values{"blockId": {a.BlockID}, "title": {a.Title}, "description": {a.Description}, "owner": {a.Owner},
		"deadline": {a.Deadline}, "status": {string(a.Status)}}, kaderLabels)
}

func (s *Server) renderAction(w http.ResponseWriter, r *http.Request, status int, a kader.Action, f, note *form, alert string) error {
	ap := &actionPage{Action: a, Form: f, Note: note, Alert: alert, Blocks: s.blockOptions(), Statuses: kader.ActionStatuses}
	if b, ok := s.d.Content.BuildingBlock(a.BlockID); ok {
		ap.Block = &b
	}
	if f.Get("version") == "" {
		f.Set("version", strconv.Itoa(a.Version))
	}
	p := s.newPage(r, "web.kader.action.page_title", ap)
	p.Notice = notice(r)
	return s.render(w, r, status, "kader_action", p)
}

func (s *Server) kaderAction(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := s.requireKader(st); err != nil {
		return err
	}
	a, err := s.d.Kader.Action(r.Context(), st.subject, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.renderAction(w, r, http.StatusOK, a, actionForm(a), newForm(nil, kaderLabels), "")
}

func (s *Server) kaderActionUpdate(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := s.requireKader(st); err != nil {
		return err
	}
	id := r.PathValue("id")
	cur, err := s.d.Kader.Action(r.Context(), st.subject, id)
	if err != nil {
		return err
	}
	version, verr := strconv.Atoi(r.PostForm.Get("version"))
	if verr != nil {
		version = -1
	}
	in := actionInput(r.PostForm)
	in.AssessmentID = cur.AssessmentID
	a, err := s.d.Kader.UpdateAction(r.Context(), st.subject, id, version, in)
	if err == nil {
		http.Redirect(w, r, "/acties/"+url.PathEscape(id)+"?melding=opgeslagen", http.StatusSeeOther)
		return nil
	}
	f := newForm(actionValues(r.PostForm), kaderLabels)
	if e := errs.As(err); e != nil && e.Code == errs.Conflict && len(e.Fields) == 0 && a.ID != "" {
		return s.renderAction(w, r, http.StatusConflict, a, f, newForm(nil, kaderLabels), "web.kader.action.stale")
	}
	status, ferr := formProblem(f, err)
	if ferr != nil {
		return ferr
	}
	f.Set("version", r.PostForm.Get("version")) // the version seen stays: a later stale save is still noticed
	return s.renderAction(w, r, status, cur, f, newForm(nil, kaderLabels), "")
}

func (s *Server) kaderActionNote(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := s.requireKader(st); err != nil {
		return err
	}
	id := r.PathValue("id")
	_, err := s.d.Kader.AddNote(r.Context(), st.subject, id, r.PostForm.Get("body"))
	if err == nil {
		http.Redirect(w, r, "/acties/"+url.PathEscape(id)+"?melding=opgeslagen#notities", http.StatusSeeOther)
		return nil
	}
	note := newForm(url.Values{"body": {r.PostForm.Get("body")}}, kaderLabels)
	status, ferr := formProblem(note, err)
	if ferr != nil {
		return ferr
	}
	a, err := s.d.Kader.Action(r.Context(), st.subject, id)
	if err != nil {
		return err
	}
	return s.renderAction(w, r, status, a, actionForm(a), note, "")
}

// Downloads. File names hold the year only: no names, no ids.

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

func download(w http.ResponseWriter, ctype, name string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// kaderPDF is the council report: Dutch, or ?taal=en.
func (s *Server) kaderPDF(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := s.requireKader(st); err != nil {
		return err
	}
	lang := "nl"
	if r.URL.Query().Get("taal") == "en" {
		lang = "en"
	}
	id := r.PathValue("id")
	round, err := s.d.Kader.Round(r.Context(), st.subject, id)
	if err != nil {
		return err
	}
	pdf, err := s.d.Kader.PDF(r.Context(), st.subject, id, lang, s.translator(lang))
	if err != nil {
		return err
	}
	name := "zelfevaluatie-" + strconv.Itoa(round.Year)
	if lang != "nl" {
		name += "-" + lang
	}
	download(w, "application/pdf", name+".pdf", pdf)
	return nil
}

func (s *Server) kaderRoundExport(kind string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		st := stateOf(r)
		if err := s.requireKader(st); err != nil {
			return err
		}
		round, err := s.d.Kader.Round(r.Context(), st.subject, r.PathValue("id"))
		if err != nil {
			return err
		}
		rows := s.d.Kader.RoundTable(round, st.lang, s.translator(st.lang))
		return s.writeTable(w, kind, "zelfevaluatie-"+strconv.Itoa(round.Year), s.d.I18n.T(st.lang, "web.kader.export.round_sheet"), rows, round.UpdatedAt)
	}
}

func (s *Server) writeTable(w http.ResponseWriter, kind, name, sheet string, rows [][]string, modified time.Time) error {
	var buf bytes.Buffer
	if kind == "csv" {
		if err := kader.WriteCSV(&buf, rows); err != nil {
			return err
		}
		download(w, "text/csv; charset=utf-8", name+".csv", buf.Bytes())
		return nil
	}
	if err := kader.WriteXLSX(&buf, sheet, rows, modified); err != nil {
		return err
	}
	download(w, xlsxType, name+".xlsx", buf.Bytes())
	return nil
}

// regionPage is the region view: municipality × theme for a year.
type regionPage struct {
	View    kader.RegionView
	Rows    []regionRowView
	Themes  []content.Theme
	Form    *form
	Regions []org.Organisation // a national analyst's choice
	CSV     string             // the downloads of the shown view
	XLSX    string
}

// regionFor: the region the view is of (the user's own; a national analyst
// chooses with ?regio=) and whether the user may read it.
func (s *Server) regionFor(r *http.Request, st *state) (string, []org.Organisation, error) {
	if s.d.Kader == nil || !st.signedIn() {
		return "", nil, errNotFound
	}
	region := st.subject.RegionID
	var regions []org.Organisation
	if st.subject.National && st.subject.Has(policy.Analist) {
		all, err := s.d.Orgs.ListOrgs(r.Context(), st.subject)
		if err != nil {
			return "", nil, err
		}
		for _, o := range all {
			if o.Kind == org.Region {
				regions = append(regions, o)
			}
		}
		if q := r.URL.Query().Get("regio"); q != "" {
			region = q
		} else if len(regions) > 0 {
			region = regions[0].ID
		}
	}
	if region == "" || !policy.Can(st.subject, policy.ReadRegionKader, policy.Resource{RegionID: region}) {
		return "", nil, errNotFound
	}
	return region, regions, nil
}

// regionYear reads ?jaar= ("" is this year); ok false when it is no number.
func (s *Server) regionYear(r *http.Request) (int, string, bool) {
	raw := strings.TrimSpace(r.URL.Query().Get("jaar"))
	if raw == "" {
		return s.kaderThisYear(), strconv.Itoa(s.kaderThisYear()), true
	}
	y, err := strconv.Atoi(raw)
	return y, raw, err == nil
}

func (s *Server) kaderRegion(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	region, regions, err := s.regionFor(r, st)
	if err != nil {
		return err
	}
	year, raw, ok := s.regionYear(r)
	f := newForm(url.Values{"jaar": {raw}, "regio": {region}}, map[string]string{"jaar": "web.kader.year"})
	rp := &regionPage{Themes: s.d.Content.Kader.Themes, Form: f, Regions: regions}
	status := http.StatusOK
	if !ok {
		f.Add("jaar", kader.KeyYearInvalid)
		status = http.StatusUnprocessableEntity
	} else {
		rv, err := s.d.Kader.RegionView(r.Context(), st.subject, region, year)
		if e := errs.As(err); e != nil && e.Code == errs.Invalid && len(e.Fields) > 0 {
			f.Add("jaar", kader.KeyYearInvalid)
			status = http.StatusUnprocessableEntity
		} else if err != nil {
			return err
		} else {
			rp.View = rv
			for _, row := range rv.Rows {
				rv := regionRowView{RegionRow: row, Total: scoreCell{Percent: row.Overall, Class: scoreClass(row.Overall)}}
				for _, sc := range row.Themes {
					rv.Cells = append(rv.Cells, scoreCell{Percent: sc.Percent, Class: scoreClass(sc.Percent)})
				}
				rp.Rows = append(rp.Rows, rv)
			}
			q := url.Values{"jaar": {strconv.Itoa(year)}}
			if regions != nil {
				q.Set("regio", region)
			}
			rp.CSV, rp.XLSX = "/regio-overzicht/export.csv?"+q.Encode(), "/regio-overzicht/export.xlsx?"+q.Encode()
		}
	}
	return s.render(w, r, status, "kader_region", s.newPage(r, "web.kader.region.title", rp))
}

func (s *Server) kaderRegionExport(kind string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		st := stateOf(r)
		region, _, err := s.regionFor(r, st)
		if err != nil {
			return err
		}
		year, _, ok := s.regionYear(r)
		if !ok {
			return errs.E(errs.Invalid, kader.KeyYearInvalid)
		}
		rv, err := s.d.Kader.RegionView(r.Context(), st.subject, region, year)
		if err != nil {
			return err
		}
		rows := s.d.Kader.RegionTable(rv, st.lang, s.translator(st.lang))
		return s.writeTable(w, kind, "regio-overzicht-"+strconv.Itoa(year), s.d.I18n.T(st.lang, "web.kader.export.region_sheet"), rows, time.Now())
	}
}

// regionRowView is a municipality of the region view with its cells.
type regionRowView struct {
	kader.RegionRow
	Cells []scoreCell // per theme, in the Kader's order
	Total scoreCell
}

// scoreCell is a percentage with its colour class.
type scoreCell struct {
	Percent *int
	Class   string
}

// scoreClass is the colour class of a percentage in the region view (the
// number is always shown as text too; the legend explains the colours).
func scoreClass(p *int) string {
	switch {
	case p == nil:
		return "neutral"
	case *p >= 80:
		return "safe"
	case *p >= 50:
		return "warning"
	}
	return "danger"
}

// kaderOverdue is the policy officer's start page list: the overdue open
// actions of their municipality (nil for everyone else).
func (s *Server) kaderOverdue(r *http.Request, st *state) ([]kader.Action, error) {
	if s.requireKader(st) != nil || !st.subject.Has(policy.Beleidsmedewerker) {
		return nil, nil
	}
	return s.d.Kader.OverdueActions(r.Context(), st.subject)
}

// kaderContactsFor is the who-is-who's "whom to call" for the viewer (the
// org service's Contacts); nil when the viewer's organisation has neither a
// municipality nor a region.
func (s *Server) kaderContactsFor(r *http.Request, st *state) (*org.Contacts, error) {
	if !st.signedIn() {
		return nil, nil
	}
	c, err := s.d.Orgs.Contacts(r.Context(), st.subject)
	if err != nil {
		return nil, err
	}
	if c.Municipality == "" && c.Region == "" {
		return nil, nil
	}
	return &c, nil
}
