package api_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/cases"
	"github.com/baken-nl/baken/internal/org"
)

// caseMoreWorld is caseWorld with a shelter organisation in Noord; it opens
// a case as zorgNoord and returns it with the shelter.
func caseMoreWorld(t *testing.T, e *env) (caseJSON, org.Organisation) {
	t.Helper()
	caseWorld(t, e)
	shelter := e.mkOrg(org.OrgInput{Kind: org.Partner, Name: "Opvang De Haven", RegionID: e.noord.ID, PartnerType: "opvang"})
	c := e.createCase(t, "zorgNoord", map[string]any{"client": caseClient(), "forms": []string{"criminal"}})
	return c, shelter
}

// wantHidden checks that label gets 404 from every request, and that the
// unassigned colleague zorgNoord2 gets 403.
func (e *env) wantCaseRefusals(t *testing.T, reqs [][3]any) {
	t.Helper()
	for _, r := range reqs {
		method, path, body := r[0].(string), r[1].(string), r[2]
		for _, label := range []string{"zorgZuid", "signaleerderA", "partner", "admin"} {
			if a := e.do(t, method, path, body, e.as(label)); a.status != http.StatusNotFound {
				t.Errorf("%s %s %s: %d %s, want 404", label, method, path, a.status, a.body)
			}
		}
		p := e.do(t, method, path, body, e.as("zorgNoord2")).wantProblem(t, http.StatusForbidden, "forbidden")
		if p.Detail != e.a.I18n.T("nl", "caseapi.break_glass") {
			t.Errorf("zorgNoord2 %s %s: %q", method, path, p.Detail)
		}
	}
}

type taskJSON struct {
	ID, Title, DueOn, OwnerID, OwnerName string
	Done, Overdue                        bool
	Version                              int
}

type placementJSON struct {
	ID, ShelterOrgID, ShelterName, ShelterType, FromOn, ToOn string
	Current                                                  bool
	Version                                                  int
}

func TestCaseTasksPlacementsRegistration(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		c, shelter := caseMoreWorld(t, e)
		base := "/api/v1/cases/" + c.ID
		day := func(n int) string { return today().AddDate(0, 0, n).Format(time.DateOnly) }

		// Tasks.
		var task taskJSON
		e.do(t, "POST", base+"/tasks", map[string]any{"title": "Intake plannen met tolk", "dueOn": day(3)}, e.as("zorgNoord")).
			want(t, http.StatusCreated).decode(t, &task)
		if task.ID == "" || task.OwnerID != e.users["zorgNoord"].ID || task.OwnerName == "" || task.Done || task.Version != 1 ||
			task.Title != "Intake plannen met tolk" {
			t.Fatalf("task %+v", task)
		}
		for _, c := range []struct {
			body any
			want []string
		}{
			{map[string]any{"title": " ", "dueOn": day(-1), "ownerId": e.users["zorgNoord2"].ID},
				[]string{"dueOn:case.task.due_past", "ownerId:case.task.owner_invalid", "title:case.required"}},
			{map[string]any{"title": "x", "dueOn": "morgen", "priority": 1}, []string{"priority:api.field.unknown"}},
			{map[string]any{"title": "x", "dueOn": "morgen"}, []string{"dueOn:case.date.invalid"}},
		} {
			p := e.do(t, "POST", base+"/tasks", c.body, e.as("zorgNoord")).wantProblem(t, http.StatusBadRequest, "invalid")
			translated(t, p)
			if got := p.params(); !slices.Equal(got, c.want) {
				t.Errorf("%v: %v, want %v", c.body, got, c.want)
			}
		}
		var tasks struct{ Items []taskJSON }
		e.do(t, "GET", base+"/tasks", nil, e.as("zorgNoord")).want(t, http.StatusOK).decode(t, &tasks)
		if len(tasks.Items) != 1 || tasks.Items[0].Title != task.Title {
			t.Errorf("tasks %+v", tasks.Items)
		}
		done := base + "/tasks/" + task.ID + "/completion"
		e.do(t, "POST", done, map[string]any{}, e.as("zorgNoord")).wantProblem(t, http.StatusBadRequest, "invalid")
		e.do(t, "POST", done, map[string]any{"version": 1}, e.as("zorgNoord")).want(t, http.StatusOK).decode(t, &task)
		if !task.Done || task.Version != 2 {
			t.Errorf("completed %+v", task)
		}
		for _, v := range []int{1, 2} { // stale, then done already: the task's current state
			a := e.do(t, "POST", done, map[string]any{"version": v}, e.as("zorgNoord"))
			a.wantProblem(t, http.StatusConflict, "conflict")
			var cc struct{ Current taskJSON }
			a.decode(t, &cc)
			if cc.Current.ID != task.ID || !cc.Current.Done || cc.Current.Version != 2 {
				t.Errorf("version %d: current %+v", v, cc.Current)
			}
		}
		e.do(t, "POST", base+"/tasks/nope/completion", map[string]any{"version": 1}, e.as("zorgNoord")).wantProblem(t, http.StatusNotFound, "not_found")

		// Placements.
		var pl placementJSON
		e.do(t, "POST", base+"/placements", map[string]any{"shelterOrgId": shelter.ID, "shelterType": "cosm", "fromOn": day(-1)},
			e.as("zorgNoord")).want(t, http.StatusCreated).decode(t, &pl)
		if pl.ShelterName != "Opvang De Haven" || !pl.Current || pl.ToOn != "" || pl.Version != 1 {
			t.Fatalf("placement %+v", pl)
		}
		p := e.do(t, "POST", base+"/placements", map[string]any{"shelterOrgId": e.partner.ID, "shelterType": "hotel", "fromOn": day(0), "toOn": day(-2)},
			e.as("zorgNoord")).wantProblem(t, http.StatusBadRequest, "invalid")
		if got := p.params(); !slices.Equal(got, []string{"shelterOrgId:case.placement.shelter_invalid", "shelterType:case.option.unknown",
			"toOn:case.placement.to_before_from"}) {
			t.Errorf("bad placement: %v", got)
		}
		var pls struct{ Items []placementJSON }
		e.do(t, "GET", base+"/placements", nil, e.as("zorgNoord")).want(t, http.StatusOK).decode(t, &pls)
		if len(pls.Items) != 1 || pls.Items[0].ID != pl.ID {
			t.Errorf("placements %+v", pls.Items)
		}
		end := base + "/placements/" + pl.ID + "/ending"
		e.do(t, "POST", end, map[string]any{"toOn": day(0)}, e.as("zorgNoord")).wantProblem(t, http.StatusBadRequest, "invalid")
		e.do(t, "POST", end, map[string]any{"toOn": day(0), "version": 1}, e.as("zorgNoord")).want(t, http.StatusOK).decode(t, &pl)
		if pl.ToOn != day(0) || !pl.Current || pl.Version != 2 {
			t.Errorf("ended %+v", pl)
		}
		a := e.do(t, "POST", end, map[string]any{"toOn": day(1), "version": 1}, e.as("zorgNoord"))
		a.wantProblem(t, http.StatusConflict, "conflict")
		var pc struct{ Current placementJSON }
		a.decode(t, &pc)
		if pc.Current.ToOn != day(0) || pc.Current.Version != 2 {
			t.Errorf("stale ending: current %+v", pc.Current)
		}

		// The national registration: only what the registry receives.
		var reg struct {
			Forms                                         []string
			CountryOfOrigin, Gender, Region, ReporterType string
			DossierType, RegisteredOn                     string
			AgeAtRegistration                             *int
		}
		a = e.do(t, "GET", base+"/national-registration", nil, e.as("zorgNoord")).want(t, http.StatusOK)
		a.decode(t, &reg)
		age, _ := cases.AgeOn("1999-04-12", day(0))
		if !slices.Equal(reg.Forms, []string{"criminal"}) || reg.CountryOfOrigin != "RO" || reg.Gender != "female" || reg.Region != "Noord" ||
			reg.ReporterType == "" || reg.RegisteredOn != "" || reg.AgeAtRegistration == nil || *reg.AgeAtRegistration != age {
			t.Errorf("registration %s", a.body)
		}
		for _, secret := range []string{clientName, "1999-04-12", "111222333", "9876", c.Reference, c.ID} {
			if strings.Contains(string(a.body), secret) {
				t.Errorf("the export record holds %q: %s", secret, a.body)
			}
		}
		e.do(t, "PATCH", base, map[string]any{"registeredOn": "2025-04-11", "dossierType": "registration_shelter", "version": 1},
			e.as("zorgNoord")).want(t, http.StatusOK)
		e.do(t, "GET", base+"/national-registration", nil, e.as("zorgNoord")).want(t, http.StatusOK).decode(t, &reg)
		if reg.RegisteredOn != "2025-04-11" || reg.DossierType != "registration_shelter" || *reg.AgeAtRegistration != 25 {
			t.Errorf("registered %+v", reg)
		}

		// The timeline has them all.
		var tl struct{ Items []struct{ Kind string } }
		e.do(t, "GET", base+"/events", nil, e.as("zorgNoord")).want(t, http.StatusOK).decode(t, &tl)
		var kinds []string
		for _, it := range tl.Items {
			kinds = append(kinds, it.Kind)
		}
		for _, k := range []string{"task", "task_done", "placement", "placement_end"} {
			if !slices.Contains(kinds, k) {
				t.Errorf("no %s on the timeline %v", k, kinds)
			}
		}

		// Who may not.
		e.wantCaseRefusals(t, [][3]any{
			{"GET", base + "/tasks", nil},
			{"POST", base + "/tasks", map[string]any{"title": "x", "dueOn": day(1)}},
			{"POST", done, map[string]any{"version": 2}},
			{"GET", base + "/placements", nil},
			{"POST", base + "/placements", map[string]any{"shelterOrgId": shelter.ID, "shelterType": "cosm", "fromOn": day(0)}},
			{"POST", end, map[string]any{"toOn": day(1), "version": 2}},
			{"GET", base + "/national-registration", nil},
		})
	})
}

type consentJSON struct {
	ID, Purpose, Basis, Note, UntilOn string
	Scope                             []string
	Active                            bool
}

type transferJSON struct {
	ID, Status, Reason, ToRegionID string
}

func TestCaseSupportConsentsTransfers(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		c, _ := caseMoreWorld(t, e)
		base := "/api/v1/cases/" + c.ID
		day := func(n int) string { return today().AddDate(0, 0, n).Format(time.DateOnly) }

		// The support plan.
		type item struct {
			Domain, Status, Note string
			Version              int
		}
		var plan struct{ Items []item }
		e.do(t, "GET", base+"/support", nil, e.as("zorgNoord")).want(t, http.StatusOK).decode(t, &plan)
		if len(plan.Items) != 8 || plan.Items[0].Domain != "housing" || plan.Items[0].Version != 0 || plan.Items[0].Status != "" {
			t.Fatalf("plan %+v", plan.Items)
		}
		var it item
		e.do(t, "PUT", base+"/support/housing", map[string]any{"status": "in_progress", "note": "Kamer via De Haven.", "version": 0},
			e.as("zorgNoord")).want(t, http.StatusOK).decode(t, &it)
		if it.Status != "in_progress" || it.Note != "Kamer via De Haven." || it.Version != 1 {
			t.Errorf("housing %+v", it)
		}
		a := e.do(t, "PUT", base+"/support/housing", map[string]any{"status": "arranged", "version": 0}, e.as("zorgNoord"))
		a.wantProblem(t, http.StatusConflict, "conflict")
		var ic struct{ Current item }
		a.decode(t, &ic)
		if ic.Current.Status != "in_progress" || ic.Current.Version != 1 {
			t.Errorf("stale support: current %+v", ic.Current)
		}
		for _, c := range []struct {
			path string
			body any
			want []string
		}{
			{"/support/castles", map[string]any{"status": "arranged", "version": 0}, []string{"domain:case.option.unknown"}},
			{"/support/income", map[string]any{"status": "done", "version": 0}, []string{"status:case.option.unknown"}},
			{"/support/income", map[string]any{"status": "to_do"}, []string{"version:field.required"}},
			{"/support/income", map[string]any{"status": "to_do", "version": -1}, []string{"version:api.param.range"}},
		} {
			p := e.do(t, "PUT", base+c.path, c.body, e.as("zorgNoord")).wantProblem(t, http.StatusBadRequest, "invalid")
			translated(t, p)
			if got := p.params(); !slices.Equal(got, c.want) {
				t.Errorf("%s %v: %v, want %v", c.path, c.body, got, c.want)
			}
		}

		// Consents.
		var co consentJSON
		e.do(t, "POST", base+"/consents", map[string]any{"partnerOrgId": e.partner.ID, "purpose": "investigation", "basis": "consent",
			"scope": []string{"contact", "name"}, "untilOn": day(30)}, e.as("zorgNoord")).want(t, http.StatusCreated).decode(t, &co)
		if !co.Active || !slices.Equal(co.Scope, []string{"name", "contact"}) || co.UntilOn != day(30) {
			t.Errorf("consent %+v", co)
		}
		p := e.do(t, "POST", base+"/consents", map[string]any{"partnerOrgId": e.gemA.ID, "purpose": "investigation",
			"basis": "legal_obligation", "scope": []string{}, "untilOn": day(-1)}, e.as("zorgNoord")).wantProblem(t, http.StatusBadRequest, "invalid")
		if got := p.params(); !slices.Equal(got, []string{"note:case.consent.note_required", "partnerOrgId:case.consent.partner_invalid",
			"scope:case.consent.scope_empty", "untilOn:case.consent.until_past"}) {
			t.Errorf("bad consent: %v", got)
		}
		var cos struct{ Items []consentJSON }
		e.do(t, "GET", base+"/consents", nil, e.as("zorgNoord")).want(t, http.StatusOK).decode(t, &cos)
		if len(cos.Items) != 1 || cos.Items[0].ID != co.ID {
			t.Errorf("consents %+v", cos.Items)
		}
		withdraw := base + "/consents/" + co.ID + "/withdrawal"
		e.do(t, "POST", withdraw, nil, e.as("zorgNoord")).want(t, http.StatusOK).decode(t, &co)
		if co.Active {
			t.Errorf("withdrawn %+v", co)
		}
		a = e.do(t, "POST", withdraw, nil, e.as("zorgNoord"))
		a.wantProblem(t, http.StatusConflict, "conflict")
		var cc struct{ Current consentJSON }
		a.decode(t, &cc)
		if cc.Current.ID != co.ID || cc.Current.Active {
			t.Errorf("withdrawn twice: current %+v", cc.Current)
		}

		e.wantCaseRefusals(t, [][3]any{
			{"GET", base + "/support", nil},
			{"PUT", base + "/support/income", map[string]any{"status": "to_do", "version": 0}},
			{"GET", base + "/consents", nil},
			{"POST", base + "/consents", map[string]any{"partnerOrgId": e.partner.ID, "purpose": "care", "basis": "consent", "scope": []string{"name"}}},
			{"POST", withdraw, nil},
			{"GET", base + "/transfers", nil},
			{"POST", base + "/transfers", map[string]any{"toRegionId": e.zuid.ID, "reason": "verhuizing"}},
		})

		// Transfers: asked, withdrawn, asked again, accepted by Zuid.
		var tr transferJSON
		p = e.do(t, "POST", base+"/transfers", map[string]any{"toRegionId": e.noord.ID, "reason": ""}, e.as("zorgNoord")).
			wantProblem(t, http.StatusBadRequest, "invalid")
		if got := p.params(); !slices.Equal(got, []string{"reason:case.required", "toRegionId:case.transfer.same_region"}) {
			t.Errorf("bad transfer: %v", got)
		}
		e.do(t, "POST", base+"/transfers", map[string]any{"toRegionId": e.zuid.ID, "reason": "Cliënte verhuist naar Maastricht."},
			e.as("zorgNoord")).want(t, http.StatusCreated).decode(t, &tr)
		if tr.Status != "pending" || tr.ToRegionID != e.zuid.ID {
			t.Errorf("transfer %+v", tr)
		}
		e.do(t, "POST", base+"/transfers", map[string]any{"toRegionId": e.zuid.ID, "reason": "nog een"}, e.as("zorgNoord")).
			wantProblem(t, http.StatusConflict, "conflict")
		var incoming struct {
			Items []struct{ ID, CaseID, Reference string }
		}
		a = e.do(t, "GET", "/api/v1/case-transfers", nil, e.as("zorgZuid")).want(t, http.StatusOK)
		a.decode(t, &incoming)
		if len(incoming.Items) != 1 || incoming.Items[0].ID != tr.ID || incoming.Items[0].Reference != c.Reference ||
			strings.Contains(string(a.body), "Maastricht") || strings.Contains(string(a.body), clientName) {
			t.Errorf("incoming %s", a.body)
		}
		e.do(t, "GET", "/api/v1/case-transfers", nil, e.as("zorgNoord")).want(t, http.StatusOK).decode(t, &incoming)
		if len(incoming.Items) != 0 {
			t.Errorf("Noord's incoming %+v", incoming.Items)
		}
		e.do(t, "GET", "/api/v1/case-transfers", nil, e.as("partner")).wantProblem(t, http.StatusForbidden, "forbidden")
		wd := base + "/transfers/" + tr.ID + "/withdrawal"
		e.do(t, "POST", wd, nil, e.as("zorgNoord")).want(t, http.StatusOK).decode(t, &tr)
		if tr.Status != "withdrawn" {
			t.Errorf("withdrawn %+v", tr)
		}
		a = e.do(t, "POST", wd, nil, e.as("zorgNoord"))
		a.wantProblem(t, http.StatusConflict, "conflict")
		var tc struct{ Current transferJSON }
		a.decode(t, &tc)
		if tc.Current.Status != "withdrawn" {
			t.Errorf("withdrawn twice: current %+v", tc.Current)
		}
		e.do(t, "POST", base+"/transfers", map[string]any{"toRegionId": e.zuid.ID, "reason": "Toch verhuisd."},
			e.as("zorgNoord")).want(t, http.StatusCreated).decode(t, &tr)
		var trs struct{ Items []transferJSON }
		e.do(t, "GET", base+"/transfers", nil, e.as("zorgNoord")).want(t, http.StatusOK).decode(t, &trs)
		if len(trs.Items) != 2 || trs.Items[0].Reason != "Toch verhuisd." {
			t.Errorf("transfers %+v", trs.Items)
		}
		decide := "/api/v1/case-transfers/" + tr.ID + "/decision"
		for _, c := range []struct {
			body any
			want []string
		}{
			{map[string]any{"decision": "maybe"}, []string{"decision:case.option.unknown"}},
			{map[string]any{"decision": "accept", "reason": "graag"}, []string{"reason:case.reason.not_allowed"}},
			{map[string]any{}, []string{"decision:field.required"}},
		} {
			p := e.do(t, "POST", decide, c.body, e.as("zorgZuid")).wantProblem(t, http.StatusBadRequest, "invalid")
			translated(t, p)
			if got := p.params(); !slices.Equal(got, c.want) {
				t.Errorf("%v: %v, want %v", c.body, got, c.want)
			}
		}
		for _, label := range []string{"zorgNoord", "partner", "signaleerderC"} {
			e.do(t, "POST", decide, map[string]any{"decision": "accept"}, e.as(label)).wantProblem(t, http.StatusNotFound, "not_found")
		}
		e.do(t, "POST", decide, map[string]any{"decision": "accept"}, e.as("zorgZuid")).want(t, http.StatusOK).decode(t, &tr)
		if tr.Status != "accepted" {
			t.Errorf("accepted %+v", tr)
		}
		e.do(t, "POST", decide, map[string]any{"decision": "decline", "reason": "te laat"}, e.as("zorgZuid")).
			wantProblem(t, http.StatusConflict, "conflict")
		var got caseJSON
		e.do(t, "GET", base, nil, e.as("zorgZuid")).want(t, http.StatusOK).decode(t, &got)
		if got.RegionID != e.zuid.ID || len(got.Coordinators) != 1 || got.Coordinators[0].UserID != e.users["zorgZuid"].ID {
			t.Errorf("after the transfer %+v", got)
		}
		e.do(t, "GET", base, nil, e.as("zorgNoord")).wantProblem(t, http.StatusNotFound, "not_found")

		// A declined transfer: the case stays.
		e.do(t, "POST", base+"/transfers", map[string]any{"toRegionId": e.noord.ID, "reason": "Terug naar Groningen."},
			e.as("zorgZuid")).want(t, http.StatusCreated).decode(t, &tr)
		e.do(t, "POST", "/api/v1/case-transfers/"+tr.ID+"/decision", map[string]any{"decision": "decline", "reason": "Geen plek."},
			e.as("zorgNoord")).want(t, http.StatusOK).decode(t, &tr)
		if tr.Status != "declined" {
			t.Errorf("declined %+v", tr)
		}
		e.do(t, "GET", base, nil, e.as("zorgZuid")).want(t, http.StatusOK)
	})
}

// upload builds a multipart body: the parts in order, a file part when
// filename is not empty.
func upload(t testing.TB, fields [][2]string, filename, contentType string, data []byte) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for _, f := range fields {
		if err := w.WriteField(f[0], f[1]); err != nil {
			t.Fatal(err)
		}
	}
	if filename != "" {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, filename))
		h.Set("Content-Type", contentType)
		p, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = p.Write(data)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), w.FormDataContentType()
}

func TestCaseDocuments(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		c, _ := caseMoreWorld(t, e)
		base := "/api/v1/cases/" + c.ID
		pdf := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
		body, ct := upload(t, [][2]string{{"type", "identity"}}, "Paspoort Mirela Popescu.pdf", "application/pdf", pdf)
		a := e.do(t, "POST", base+"/documents", body, e.as("zorgNoord"), header("Content-Type", ct)).want(t, http.StatusCreated)
		var d struct {
			ID, Type, Filename, ContentType, UploaderName string
			Size                                          int
		}
		a.decode(t, &d)
		if d.Type != "identity" || d.Filename != "Paspoort Mirela Popescu.pdf" || d.ContentType != "application/pdf" || d.Size != len(pdf) ||
			d.UploaderName == "" {
			t.Fatalf("document %s", a.body)
		}
		if got := a.header.Get("Location"); got != base+"/documents/"+d.ID {
			t.Errorf("Location %q", got)
		}
		var list struct {
			Items []struct{ ID, Filename string }
		}
		e.do(t, "GET", base+"/documents", nil, e.as("zorgNoord")).want(t, http.StatusOK).decode(t, &list)
		if len(list.Items) != 1 || list.Items[0].ID != d.ID {
			t.Errorf("documents %+v", list.Items)
		}
		a = e.do(t, "GET", base+"/documents/"+d.ID, nil, e.as("zorgNoord")).want(t, http.StatusOK)
		if !bytes.Equal(a.body, pdf) || a.header.Get("Content-Type") != "application/pdf" ||
			!strings.HasPrefix(a.header.Get("Content-Disposition"), "attachment") || !strings.Contains(a.header.Get("Content-Disposition"), "Paspoort") {
			t.Errorf("download: %v %q", a.header, a.body)
		}
		for _, c := range []struct {
			name   string
			body   func() ([]byte, string)
			status int
			want   []string
		}{
			{"mismatch", func() ([]byte, string) {
				return upload(t, [][2]string{{"type", "identity"}}, "x.pdf", "application/pdf", []byte("MZ\x90\x00 not a pdf"))
			}, 400, []string{"data:case.document.mismatch"}},
			{"type and content type", func() ([]byte, string) {
				return upload(t, [][2]string{{"type", "selfie"}}, "x.exe", "application/x-msdownload", []byte("MZ"))
			}, 400, []string{"contentType:case.document.content_type", "type:case.option.unknown"}},
			{"parts", func() ([]byte, string) {
				return upload(t, [][2]string{{"type", "identity"}, {"type", "medical"}, {"colour", "red"}}, "", "", nil)
			}, 400, []string{"colour:api.field.unknown", "file:field.required", "type:api.field.duplicate"}},
			{"empty file", func() ([]byte, string) {
				return upload(t, [][2]string{{"type", "other"}}, "leeg.txt", "text/plain", nil)
			},
				400, []string{"data:case.required"}},
			{"larger than the server's general cap", func() ([]byte, string) {
				return upload(t, [][2]string{{"type", "other"}}, "groot.txt", "text/plain", bytes.Repeat([]byte("a"), 2<<20))
			}, 201, nil},
			{"not multipart", func() ([]byte, string) { return []byte(`{"type": "identity"}`), "application/json" }, 415, nil},
			{"too large", func() ([]byte, string) {
				return upload(t, [][2]string{{"type", "other"}}, "groot.txt", "text/plain", bytes.Repeat([]byte("a"), 11<<20))
			}, 413, nil},
		} {
			t.Run(c.name, func(t *testing.T) {
				body, ct := c.body()
				a := e.do(t, "POST", base+"/documents", body, e.as("zorgNoord"), header("Content-Type", ct))
				if a.status != c.status {
					t.Fatalf("status %d, want %d: %s", a.status, c.status, a.body)
				}
				if a.status >= 400 {
					translated(t, a.problem(t))
				}
				if c.want != nil {
					if got := a.problem(t).params(); !slices.Equal(got, c.want) {
						t.Errorf("invalid params %v, want %v", got, c.want)
					}
				}
			})
		}
		if n := e.count("case_documents"); n != 2 {
			t.Errorf("%d documents stored, want 2", n)
		}
		e.wantCaseRefusals(t, [][3]any{
			{"GET", base + "/documents", nil},
			{"GET", base + "/documents/" + d.ID, nil},
		})
		for _, label := range []string{"zorgZuid", "partner"} {
			a := e.do(t, "POST", base+"/documents", body, e.as(label), header("Content-Type", ct))
			a.wantProblem(t, http.StatusNotFound, "not_found")
		}
		e.do(t, "GET", base+"/documents/nope", nil, e.as("zorgNoord")).wantProblem(t, http.StatusNotFound, "not_found")
		if strings.Contains(e.logs.String(), "Paspoort") {
			t.Errorf("the server log holds a file name")
		}
	})
}

func TestCaseDashboardAndShelters(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		c, shelter := caseMoreWorld(t, e)
		base := "/api/v1/cases/" + c.ID
		day := func(n int) string { return today().AddDate(0, 0, n).Format(time.DateOnly) }
		e.do(t, "PUT", base+"/reflection-period", map[string]any{"start": day(-20), "dublin": true, "version": 1}, e.as("zorgNoord")).
			want(t, http.StatusOK)
		e.do(t, "POST", base+"/tasks", map[string]any{"title": "Huisarts bellen over Mirela", "dueOn": day(2)}, e.as("zorgNoord")).
			want(t, http.StatusCreated)
		e.do(t, "POST", base+"/placements", map[string]any{"shelterOrgId": shelter.ID, "shelterType": "cosm", "fromOn": day(0)},
			e.as("zorgNoord")).want(t, http.StatusCreated)

		var d struct {
			Phases []struct {
				Phase string
				Count int
			}
			OverdueTasks int
			Reflections  []struct {
				CaseID, Reference, End string
				DaysLeft               int
			}
			Shelters []struct {
				OrgID          string
				Known          bool
				Occupied, Free int
			}
			IncomingTransfers int
		}
		a := e.do(t, "GET", "/api/v1/case-dashboard", nil, e.as("zorgNoord")).want(t, http.StatusOK)
		a.decode(t, &d)
		if len(d.Phases) != 4 || d.Phases[0].Phase != "registration" || d.Phases[0].Count != 1 || d.OverdueTasks != 0 ||
			len(d.Reflections) != 1 || d.Reflections[0].Reference != c.Reference || d.Reflections[0].DaysLeft != 9 ||
			len(d.Shelters) != 1 || d.Shelters[0].OrgID != shelter.ID || d.Shelters[0].Occupied != 1 || d.Shelters[0].Known {
			t.Errorf("dashboard %s", a.body)
		}
		var o struct {
			Overdue, Upcoming []struct{ CaseID, Reference, DueOn string }
			OverdueCount      int
		}
		a = e.do(t, "GET", "/api/v1/case-tasks", nil, e.as("zorgNoord")).want(t, http.StatusOK)
		a.decode(t, &o)
		if len(o.Upcoming) != 1 || o.Upcoming[0].Reference != c.Reference || o.Upcoming[0].DueOn != day(2) || o.OverdueCount != 0 {
			t.Errorf("open tasks %s", a.body)
		}
		for _, path := range []string{"/api/v1/case-dashboard", "/api/v1/case-tasks"} {
			a := e.do(t, "GET", path, nil, e.as("zorgNoord")).want(t, http.StatusOK)
			if strings.Contains(string(a.body), "Mirela") || strings.Contains(string(a.body), "Huisarts") {
				t.Errorf("%s holds client data: %s", path, a.body)
			}
			for _, label := range []string{"partner", "signaleerderA", "admin"} {
				e.do(t, "GET", path, nil, e.as(label)).wantProblem(t, http.StatusForbidden, "forbidden")
			}
		}
		a = e.do(t, "GET", "/api/v1/case-dashboard", nil, e.as("zorgZuid")).want(t, http.StatusOK)
		a.decode(t, &d)
		if d.Phases[0].Count != 0 || len(d.Reflections) != 0 || len(d.Shelters) != 0 {
			t.Errorf("Zuid's dashboard %s", a.body)
		}

		// Shelters and their capacity.
		type shelterJSON struct {
			OrgID                           string
			Known                           bool
			Places, Occupied, Free, Version int
		}
		var list struct{ Items []shelterJSON }
		for _, label := range []string{"zorgNoord", "adminA"} { // a regional beheerder: their region's
			e.do(t, "GET", "/api/v1/shelters", nil, e.as(label)).want(t, http.StatusOK).decode(t, &list)
			if len(list.Items) != 1 || list.Items[0].OrgID != shelter.ID || list.Items[0].Occupied != 1 {
				t.Errorf("%s: shelters %+v", label, list.Items)
			}
		}
		e.do(t, "GET", "/api/v1/shelters", nil, e.as("partner")).wantProblem(t, http.StatusForbidden, "forbidden")
		path := "/api/v1/shelters/" + shelter.ID + "/capacity"
		var sh shelterJSON
		e.do(t, "PUT", path, map[string]any{"places": 3, "version": 0}, e.as("zorgNoord")).want(t, http.StatusOK).decode(t, &sh)
		if !sh.Known || sh.Places != 3 || sh.Free != 2 || sh.Version != 1 {
			t.Errorf("capacity %+v", sh)
		}
		a = e.do(t, "PUT", path, map[string]any{"places": 5, "version": 0}, e.as("zorgNoord"))
		a.wantProblem(t, http.StatusConflict, "conflict")
		var sc struct{ Current shelterJSON }
		a.decode(t, &sc)
		if sc.Current.Places != 3 || sc.Current.Version != 1 {
			t.Errorf("stale capacity: current %+v", sc.Current)
		}
		for _, c := range []struct {
			body any
			want []string
		}{
			{map[string]any{"places": -1, "version": 1}, []string{"places:case.shelter.places_invalid"}},
			{map[string]any{"version": 1}, []string{"places:field.required"}},
			{map[string]any{"places": "3", "version": 1}, []string{"places:api.field.type"}},
		} {
			p := e.do(t, "PUT", path, c.body, e.as("zorgNoord")).wantProblem(t, http.StatusBadRequest, "invalid")
			translated(t, p)
			if got := p.params(); !slices.Equal(got, c.want) {
				t.Errorf("%v: %v, want %v", c.body, got, c.want)
			}
		}
		e.do(t, "PUT", path, map[string]any{"places": 9, "version": 1}, e.as("zorgZuid")).wantProblem(t, http.StatusNotFound, "not_found")
		e.do(t, "PUT", "/api/v1/shelters/"+e.partner.ID+"/capacity", map[string]any{"places": 9, "version": 0}, e.as("zorgNoord")).
			wantProblem(t, http.StatusNotFound, "not_found")
	})
}
