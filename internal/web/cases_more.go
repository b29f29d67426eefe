package web

import (
	"net/http"
	"net/url"

	"github.com/baken-nl/baken/internal/cases"
	"github.com/baken-nl/baken/internal/content"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
)

// More of care coordination: the coordinator's dashboard and the case
// page's sections for tasks and shelter placements (partials
// case_section_tasks.html and case_section_placements.html).
//
//   - GET  /casussen/overzicht                          the dashboard
//   - POST /casussen/{id}/taken                         a task (title, due date, owner)
//   - POST /casussen/{id}/taken/{task}/afgerond         a task done (the task's version)
//   - POST /casussen/{id}/plaatsingen                   a placement (shelter, type, from, to)
//   - POST /casussen/{id}/plaatsingen/{placement}/einde a placement's end (the placement's version)

func (s *Server) caseMoreRoutes() []route {
	return []route{
		{"GET /casussen/overzicht", signedIn, s.caseDashboard},
		{"POST /casussen/{id}/taken", signedIn, s.caseAddTask},
		{"POST /casussen/{id}/taken/{task}/afgerond", signedIn, s.caseCompleteTask},
		{"POST /casussen/{id}/plaatsingen", signedIn, s.caseAddPlacement},
		{"POST /casussen/{id}/plaatsingen/{placement}/einde", signedIn, s.caseEndPlacement},
	}
}

// The forms of these sections (and their anchors).
const (
	caseFormTasks      = "taken"
	caseFormPlacements = "plaatsingen"
	caseFormEnd        = "einde" // ending a placement; its anchor is the placements section
)

func init() {
	for k, v := range map[string]string{"title": "web.case.task.title", "dueOn": "web.case.task.due_on",
		"ownerId": "web.case.task.owner", "shelterOrgId": "web.case.placement.shelter", "shelterType": "web.case.placement.type",
		"fromOn": "web.case.placement.from", "toOn": "web.case.placement.to", "endOn": "web.case.placement.end_on"} {
		caseFieldLabels[k] = v
	}
}

// caseMore is the data of the tasks and placements sections.
type caseMore struct {
	Tasks        []cases.Task
	Placements   []cases.Placement
	Shelters     []cases.Shelter
	ShelterTypes []content.Option
	// TaskForm adds a task; PlacementForm adds a placement; EndForm ends
	// placement EndFor (typed values after a refused end).
	TaskForm, PlacementForm, EndForm *form
	EndFor                           string
	shelterNames                     map[string]string
}

// ShelterName names a shelter organisation (for the timeline).
func (m caseMore) ShelterName(id string) string {
	if n := m.shelterNames[id]; n != "" {
		return n
	}
	return "–"
}

// ShelterType is the label of a shelter type.
func (m caseMore) ShelterType(id, lang string) string {
	if o, ok := content.OptionIn(m.ShelterTypes, id); ok {
		return o.Label.In(lang)
	}
	return id
}

// fillCaseMore takes the tasks and placements of the case from its page
// read, reads the region's shelters, and registers the sections' forms in
// slot.
func (s *Server) fillCaseMore(r *http.Request, st *state, cp *casePage, slot map[string]**form, pg cases.CasePage) error {
	ctx := r.Context()
	var err error
	cp.Tasks, cp.Placements = pg.Tasks, pg.Placements
	if policy.Can(st.subject, policy.ReadShelters, policy.Resource{}) {
		if cp.Shelters, err = s.d.Cases.Shelters(ctx, st.subject); err != nil {
			return err
		}
	}
	cp.ShelterTypes = s.d.Content.Casework.ShelterTypes
	cp.shelterNames = map[string]string{}
	for _, sh := range cp.Shelters {
		cp.shelterNames[sh.OrgID] = sh.Name
	}
	for _, p := range cp.Placements {
		cp.shelterNames[p.ShelterOrgID] = p.ShelterName
	}
	cp.TaskForm = newForm(url.Values{"ownerId": {st.user.ID}}, caseFieldLabels)
	cp.PlacementForm = newForm(nil, caseFieldLabels)
	cp.EndForm = newForm(nil, caseFieldLabels)
	slot[caseFormTasks] = &cp.TaskForm
	slot[caseFormPlacements] = &cp.PlacementForm
	slot[caseFormEnd] = &cp.EndForm
	return nil
}

func (s *Server) caseAddTask(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := s.requireCases(st); err != nil {
		return err
	}
	id, v := r.PathValue("id"), r.PostForm
	_, err := s.d.Cases.AddTask(r.Context(), st.subject, id, cases.TaskInput{Title: v.Get("title"), DueOn: v.Get("dueOn"), OwnerID: v.Get("ownerId")})
	if err == nil {
		http.Redirect(w, r, "/casussen/"+url.PathEscape(id)+"?opgeslagen=1#"+caseFormTasks, http.StatusSeeOther)
		return nil
	}
	return s.caseProblem(w, r, id, caseFormTasks, v, err, nil)
}

func (s *Server) caseCompleteTask(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := s.requireCases(st); err != nil {
		return err
	}
	id := r.PathValue("id")
	_, err := s.d.Cases.CompleteTask(r.Context(), st.subject, id, r.PathValue("task"), version(r.PostForm))
	if err == nil {
		http.Redirect(w, r, "/casussen/"+url.PathEscape(id)+"?opgeslagen=1#"+caseFormTasks, http.StatusSeeOther)
		return nil
	}
	return s.caseProblem(w, r, id, caseFormTasks, nil, err, map[string]string{cases.KeyTaskDone: "web.case.conflict.task_done"})
}

func (s *Server) caseAddPlacement(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := s.requireCases(st); err != nil {
		return err
	}
	id, v := r.PathValue("id"), r.PostForm
	_, err := s.d.Cases.AddPlacement(r.Context(), st.subject, id, cases.PlacementInput{ShelterOrgID: v.Get("shelterOrgId"),
		ShelterType: v.Get("shelterType"), FromOn: v.Get("fromOn"), ToOn: v.Get("toOn")})
	if err == nil {
		http.Redirect(w, r, "/casussen/"+url.PathEscape(id)+"?opgeslagen=1#"+caseFormPlacements, http.StatusSeeOther)
		return nil
	}
	return s.caseProblem(w, r, id, caseFormPlacements, v, err, nil)
}

func (s *Server) caseEndPlacement(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := s.requireCases(st); err != nil {
		return err
	}
	id, pid, v := r.PathValue("id"), r.PathValue("placement"), r.PostForm
	_, err := s.d.Cases.EndPlacement(r.Context(), st.subject, id, pid, version(v), v.Get("toOn"))
	if err == nil {
		http.Redirect(w, r, "/casussen/"+url.PathEscape(id)+"?opgeslagen=1#"+caseFormPlacements, http.StatusSeeOther)
		return nil
	}
	// The typed end date goes back to the form of this placement only, as
	// "endOn": the form to add a placement has a "toOn" of its own.
	if isFieldProblem(err) {
		var nv errs.Validation
		for _, fe := range errs.As(err).Fields {
			if fe.Field == "toOn" {
				fe.Field = "endOn"
			}
			nv.Add(fe.Field, fe.Key)
		}
		err = nv.Err()
	}
	typed := url.Values{"endOn": {v.Get("toOn")}, "placement": {pid}}
	return s.caseProblem(w, r, id, caseFormEnd, typed, err, map[string]string{cases.KeyPlacementEnded: "web.case.conflict.placement_ended"})
}

// EndValue is the end date typed for placement id (after a refused end).
func (m caseMore) EndValue(id string) string {
	if m.EndForm != nil && m.EndForm.Get("placement") == id {
		return m.EndForm.Get("endOn")
	}
	return ""
}

// EndErr is the errors of the end date of placement id.
func (m caseMore) EndErr(id string) []string {
	if m.EndForm != nil && m.EndForm.Get("placement") == id {
		return m.EndForm.Err("endOn")
	}
	return nil
}

// ---- the dashboard ----

type caseDashboardPage struct {
	cases.Dashboard
	WarnDays int
}

func (s *Server) caseDashboard(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := s.requireCases(st); err != nil {
		return err
	}
	d, err := s.d.Cases.Dashboard(r.Context(), st.subject)
	if err != nil {
		return err
	}
	dp := &caseDashboardPage{Dashboard: d, WarnDays: s.d.Content.Casework.Reflection.WarnDays}
	return s.render(w, r, http.StatusOK, "case_dashboard", s.newPage(r, "web.case.dashboard.title", dp))
}
