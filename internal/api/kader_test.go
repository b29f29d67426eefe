package api_test

import (
	"bytes"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/kader"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
)

// kaderWorld adds what the self-assessment tests need beside the harness's
// world: Gemeente B in Noord, policy officers of B and C, and analysts of
// both regions. It returns Gemeente B.
func kaderWorld(t testing.TB, e *env) org.Organisation {
	gemB := e.mkOrg(org.OrgInput{Kind: org.Municipality, Name: "Gemeente B", RegionID: e.noord.ID})
	e.addUser(t, "kBeleidB", gemB, policy.Beleidsmedewerker)
	e.addUser(t, "kBeleidC", e.gemC, policy.Beleidsmedewerker)
	e.addUser(t, "kAnalistNoord", e.noord, policy.Analist)
	e.addUser(t, "kAnalistZuid", e.zuid, policy.Analist)
	return gemB
}

type kaderItemJSON struct {
	ID, Theme, Level, Status, Evidence, Owner, Date, Remark, UpdatedBy string
	Links                                                              []string
	Version                                                            int
}

type kaderScoreJSON struct {
	Theme, Level                             string
	Complete, Partial, Absent, NotApplicable int
	Percent                                  *int
}

type kaderRoundJSON struct {
	ID, MunicipalityID, MunicipalityName string
	Year                                 int
	Items                                []kaderItemJSON
	Scores                               []kaderScoreJSON
	BasisOpOrde                          bool
	Blocking                             []string
	IBP                                  []struct {
		ID, Check string
		Met       bool
		Count     int
	}
}

type kaderActionJSON struct {
	ID, MunicipalityID, AssessmentID, BlockID, Title, Owner, Deadline, Status string
	Overdue                                                                   bool
	Version                                                                   int
	Notes                                                                     []struct{ Body, AuthorName string }
}

type kaderFrameworkJSON struct {
	Levels, Statuses []struct{ ID, Label string }
	Themes           []struct {
		ID, Label string
		Blocks    []struct{ ID, Level, Label string }
	}
	IBP []struct{ ID, Label, Check string }
}

// kaderBlocks returns the building block ids of the Kader per level, as the
// API's framework lists them.
func (e *env) kaderBlocks(t testing.TB) (p1, p2 []string) {
	t.Helper()
	var fw kaderFrameworkJSON
	e.do(t, "GET", "/api/v1/framework", nil, e.as("beleidA")).want(t, http.StatusOK).decode(t, &fw)
	for _, th := range fw.Themes {
		for _, b := range th.Blocks {
			if b.Level == "plateau1" {
				p1 = append(p1, b.ID)
			} else {
				p2 = append(p2, b.ID)
			}
		}
	}
	if len(p1) == 0 || len(p2) == 0 {
		t.Fatalf("framework without blocks at both levels: %d, %d", len(p1), len(p2))
	}
	return p1, p2
}

// kaderPercent is the score formula: complete 1, partial ½, over the blocks
// that apply, rounded half up.
func kaderPercent(complete, partial, absent int) int {
	n := complete + partial + absent
	return (200*complete + 100*partial + n) / (2 * n)
}

func TestKaderFramework(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		kaderWorld(t, e)
		var nl, en kaderFrameworkJSON
		a := e.do(t, "GET", "/api/v1/framework", nil, e.as("signaleerderA")).want(t, http.StatusOK)
		a.decode(t, &nl)
		if a.header.Get("Content-Language") != "nl" {
			t.Errorf("Content-Language %q, want nl", a.header.Get("Content-Language"))
		}
		a = e.do(t, "GET", "/api/v1/framework", nil, e.as("kAnalistZuid"), header("Accept-Language", "en-GB,en;q=0.9")).want(t, http.StatusOK)
		a.decode(t, &en)
		if a.header.Get("Content-Language") != "en" {
			t.Errorf("Content-Language %q, want en", a.header.Get("Content-Language"))
		}
		if len(nl.Themes) != 5 || len(en.Themes) != 5 || len(nl.IBP) == 0 || len(nl.Levels) != 2 || len(nl.Statuses) != 4 {
			t.Fatalf("framework: %d themes, %d commitments, %d levels, %d statuses", len(nl.Themes), len(nl.IBP), len(nl.Levels), len(nl.Statuses))
		}
		if nl.Themes[0].ID != en.Themes[0].ID || nl.Themes[0].Label == en.Themes[0].Label ||
			nl.Themes[0].Blocks[0].Label == en.Themes[0].Blocks[0].Label || nl.IBP[0].Label == en.IBP[0].Label {
			t.Errorf("the languages do not differ: %q / %q", nl.Themes[0].Label, en.Themes[0].Label)
		}
		if nl.Themes[0].Label != "Beleidsmatige basis" || en.Themes[0].Label != "Policy basis" {
			t.Errorf("theme labels %q, %q", nl.Themes[0].Label, en.Themes[0].Label)
		}
		if nl.Statuses[3].ID != "not_applicable" || nl.Statuses[3].Label != "niet van toepassing" {
			t.Errorf("statuses %+v", nl.Statuses)
		}
		p := e.do(t, "GET", "/api/v1/framework?lang=en", nil, e.as("beleidA")).wantProblem(t, http.StatusBadRequest, "invalid")
		if !slices.Equal(p.params(), []string{"lang:api.param.unknown"}) {
			t.Errorf("unknown parameter: %v", p.params())
		}
		e.do(t, "GET", "/api/v1/framework", nil).wantProblem(t, http.StatusUnauthorized, "unauthenticated")
	})
}

func TestKaderFlow(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		kaderWorld(t, e)
		p1, p2 := e.kaderBlocks(t)

		// Start the round for 2026.
		a := e.do(t, "POST", "/api/v1/self-assessments", map[string]any{"year": 2026}, e.as("beleidA")).want(t, http.StatusCreated)
		var r kaderRoundJSON
		a.decode(t, &r)
		if loc := a.header.Get("Location"); loc != "/api/v1/self-assessments/"+r.ID {
			t.Errorf("Location %q", loc)
		}
		if r.MunicipalityID != e.gemA.ID || r.Year != 2026 || len(r.Items) != len(p1)+len(p2) || r.BasisOpOrde ||
			!slices.Equal(r.Blocking, p1) || len(r.IBP) == 0 {
			t.Fatalf("new round: %+v", r)
		}
		for _, it := range r.Items {
			if it.Status != "absent" || it.Version != 1 {
				t.Fatalf("new item %+v", it)
			}
		}
		base := "/api/v1/self-assessments/" + r.ID
		item := func(id string) string { return base + "/items/" + id }

		// Fill in every plateau 1 block but the last: Basis op orde is not reached.
		for _, id := range p1[:len(p1)-1] {
			var it kaderItemJSON
			e.do(t, "PUT", item(id), map[string]any{"status": "complete", "version": 1}, e.as("beleidA")).want(t, http.StatusOK).decode(t, &it)
			if it.ID != id || it.Status != "complete" || it.Version != 2 || it.UpdatedBy != "Test beleidA" {
				t.Fatalf("updated item %+v", it)
			}
		}
		last := p1[len(p1)-1]
		e.do(t, "GET", base, nil, e.as("beleidA")).want(t, http.StatusOK).decode(t, &r)
		if r.BasisOpOrde || !slices.Equal(r.Blocking, []string{last}) {
			t.Fatalf("all but one: basisOpOrde %v, blocking %v", r.BasisOpOrde, r.Blocking)
		}
		// The last one with everything a block can have.
		var it kaderItemJSON
		e.do(t, "PUT", item(last), map[string]any{"status": "not_applicable", "evidence": "  Geen eigen opvang: regionaal belegd. ",
			"links": []string{"https://intranet.gemeente-a.nl/beleid/mensenhandel"}, "owner": "Bram Beleid", "date": "2026-03-01",
			"remark": "Zie regionale afspraken.", "version": 1}, e.as("beleidA")).want(t, http.StatusOK).decode(t, &it)
		if it.Status != "not_applicable" || it.Evidence != "Geen eigen opvang: regionaal belegd." || len(it.Links) != 1 ||
			it.Owner != "Bram Beleid" || it.Date != "2026-03-01" || it.Remark == "" || it.Version != 2 {
			t.Errorf("full item %+v", it)
		}
		r = kaderRoundJSON{}
		e.do(t, "GET", base, nil, e.as("beleidA")).want(t, http.StatusOK).decode(t, &r)
		if !r.BasisOpOrde || len(r.Blocking) != 0 {
			t.Fatalf("every plateau 1 block done: basisOpOrde %v, blocking %v", r.BasisOpOrde, r.Blocking)
		}
		// Scores as the data says: plateau 1 100 % in every theme, plateau 2 0 %.
		overall := r.Scores[len(r.Scores)-1]
		if overall.Theme != "" || overall.Level != "" || overall.Complete != len(p1)-1 || overall.NotApplicable != 1 ||
			overall.Absent != len(p2) || overall.Percent == nil || *overall.Percent != kaderPercent(len(p1)-1, 0, len(p2)) {
			t.Errorf("overall score %+v", overall)
		}
		levels := 0
		for _, s := range r.Scores {
			switch s.Level {
			case "plateau1":
				levels++
				if s.Percent == nil || *s.Percent != 100 {
					t.Errorf("plateau 1 of %s: %+v", s.Theme, s)
				}
			case "plateau2":
				levels++
				if s.Percent == nil || *s.Percent != 0 {
					t.Errorf("plateau 2 of %s: %+v", s.Theme, s)
				}
			}
		}
		if levels != 10 {
			t.Errorf("%d scores per theme and level, want 10", levels)
		}
		clearPolicy := false
		for _, c := range r.IBP {
			if c.ID == "clear_policy" {
				clearPolicy = c.Met
			}
			if c.Check == "policy_officer" && (!c.Met || c.Count != 1) {
				t.Errorf("aandachtsfunctionaris: %+v", c)
			}
		}
		if !clearPolicy {
			t.Errorf("the adopted policy block is complete, clear_policy is not met: %+v", r.IBP)
		}

		// A plateau 2 block partial: the theme's plateau 2 score moves.
		e.do(t, "PUT", item(p2[0]), map[string]any{"status": "partial", "version": 1}, e.as("beleidA")).want(t, http.StatusOK)

		// Stale: the version seen before, with the current item.
		a = e.do(t, "PUT", item(p1[0]), map[string]any{"status": "absent", "version": 1}, e.as("beleidA"))
		a.wantProblem(t, http.StatusConflict, "conflict")
		var stale struct {
			Current kaderItemJSON `json:"current"`
		}
		a.decode(t, &stale)
		if stale.Current.ID != p1[0] || stale.Current.Version != 2 || stale.Current.Status != "complete" {
			t.Errorf("stale: current %+v", stale.Current)
		}

		// The list of rounds.
		var list struct {
			Items []struct {
				ID          string
				Year        int
				Overall     *int
				BasisOpOrde bool
				Blocking    int
			}
		}
		e.do(t, "GET", "/api/v1/self-assessments", nil, e.as("beleidA")).want(t, http.StatusOK).decode(t, &list)
		if len(list.Items) != 1 || list.Items[0].ID != r.ID || !list.Items[0].BasisOpOrde || list.Items[0].Overall == nil {
			t.Errorf("rounds %+v", list.Items)
		}
		e.do(t, "GET", "/api/v1/self-assessments?municipalityId="+e.gemA.ID, nil, e.as("beleidA")).want(t, http.StatusOK).decode(t, &list)
		if len(list.Items) != 1 {
			t.Errorf("rounds of A by id: %+v", list.Items)
		}

		// An earlier round, and the comparison.
		var r25 kaderRoundJSON
		e.do(t, "POST", "/api/v1/self-assessments", map[string]any{"year": 2025, "municipalityId": e.gemA.ID}, e.as("beleidA")).
			want(t, http.StatusCreated).decode(t, &r25)
		var cmp struct {
			From, To struct {
				ID   string
				Year int
			}
			Changes []struct {
				ID, From, To string
				Better       bool
			}
			Themes []struct{ Theme string }
		}
		e.do(t, "GET", base+"/comparison?with="+r25.ID, nil, e.as("beleidA")).want(t, http.StatusOK).decode(t, &cmp)
		if cmp.From.Year != 2025 || cmp.To.Year != 2026 || len(cmp.Changes) != len(p1)+1 || len(cmp.Themes) != 5 {
			t.Errorf("comparison: from %v to %v, %d changes, %d themes", cmp.From, cmp.To, len(cmp.Changes), len(cmp.Themes))
		}
		for _, c := range cmp.Changes {
			if c.From != "absent" || !c.Better {
				t.Errorf("change %+v", c)
			}
		}
		e.do(t, "GET", base+"/comparison", nil, e.as("beleidA")).wantProblem(t, http.StatusBadRequest, "invalid")
		p := e.do(t, "GET", base+"/comparison?with="+r.ID, nil, e.as("beleidA")).wantProblem(t, http.StatusBadRequest, "invalid")
		if !slices.Equal(p.params(), []string{"with:kader.compare.invalid"}) {
			t.Errorf("comparison with itself: %v", p.params())
		}

		// The action plan.
		a = e.do(t, "POST", base+"/actions", map[string]any{"title": "Training frontlinie Wmo", "blockId": p2[0],
			"owner": "Bram Beleid", "deadline": "2020-01-15"}, e.as("beleidA")).want(t, http.StatusCreated)
		var act kaderActionJSON
		a.decode(t, &act)
		if a.header.Get("Location") != "/api/v1/actions/"+act.ID || act.AssessmentID != r.ID || act.BlockID != p2[0] ||
			act.Status != "planned" || !act.Overdue || act.Version != 1 || len(act.Notes) != 0 {
			t.Fatalf("new action %+v (Location %q)", act, a.header.Get("Location"))
		}
		e.do(t, "POST", "/api/v1/self-assessments/"+r25.ID+"/actions", map[string]any{"title": "Beleid vaststellen", "status": "done"},
			e.as("beleidA")).want(t, http.StatusCreated)
		var acts struct{ Items []kaderActionJSON }
		e.do(t, "GET", base+"/actions", nil, e.as("beleidA")).want(t, http.StatusOK).decode(t, &acts)
		if len(acts.Items) != 1 || acts.Items[0].ID != act.ID {
			t.Errorf("actions of the round: %+v", acts.Items)
		}
		e.do(t, "GET", base+"/actions?scope=municipality", nil, e.as("beleidA")).want(t, http.StatusOK).decode(t, &acts)
		if len(acts.Items) != 2 || acts.Items[0].ID != act.ID {
			t.Errorf("the municipality's plan: %+v", acts.Items)
		}
		e.do(t, "GET", base+"/actions?scope=municipality&filter=overdue", nil, e.as("beleidA")).want(t, http.StatusOK).decode(t, &acts)
		if len(acts.Items) != 1 || acts.Items[0].ID != act.ID {
			t.Errorf("overdue actions: %+v", acts.Items)
		}
		e.do(t, "GET", base+"/actions?blockId="+p1[0], nil, e.as("beleidA")).want(t, http.StatusOK).decode(t, &acts)
		if len(acts.Items) != 0 {
			t.Errorf("actions of another block: %+v", acts.Items)
		}
		p = e.do(t, "GET", base+"/actions?scope=everyone&filter=late", nil, e.as("beleidA")).wantProblem(t, http.StatusBadRequest, "invalid")
		if !slices.Equal(p.params(), []string{"filter:kaderapi.param.choice", "scope:kaderapi.param.choice"}) {
			t.Errorf("bad list parameters: %v", p.params())
		}

		apath := "/api/v1/actions/" + act.ID
		e.do(t, "GET", apath, nil, e.as("beleidA")).want(t, http.StatusOK).decode(t, &act)
		var upd kaderActionJSON
		e.do(t, "PUT", apath, map[string]any{"title": "Training frontlinie Wmo en schuldhulp", "owner": "Bram Beleid",
			"deadline": "2027-06-30", "status": "in_progress", "version": 1}, e.as("beleidA")).want(t, http.StatusOK).decode(t, &upd)
		if upd.Version != 2 || upd.Status != "in_progress" || upd.Overdue || upd.BlockID != p2[0] || upd.AssessmentID != r.ID {
			t.Errorf("updated action %+v", upd)
		}
		a = e.do(t, "PUT", apath, map[string]any{"title": "Iets anders", "status": "done", "version": 1}, e.as("beleidA"))
		a.wantProblem(t, http.StatusConflict, "conflict")
		var staleAct struct {
			Current kaderActionJSON `json:"current"`
		}
		a.decode(t, &staleAct)
		if staleAct.Current.ID != act.ID || staleAct.Current.Version != 2 || staleAct.Current.Title != "Training frontlinie Wmo en schuldhulp" {
			t.Errorf("stale action: current %+v", staleAct.Current)
		}
		a = e.do(t, "POST", apath+"/notes", map[string]any{"body": "Offerte opleider aangevraagd."}, e.as("beleidA")).want(t, http.StatusCreated)
		a.decode(t, &upd)
		if len(upd.Notes) != 1 || upd.Notes[0].Body != "Offerte opleider aangevraagd." || upd.Notes[0].AuthorName != "Test beleidA" ||
			a.header.Get("Location") != apath {
			t.Errorf("note: %+v", upd.Notes)
		}

		// The report and the exports.
		a = e.do(t, "GET", base+"/report.pdf", nil, e.as("beleidA")).want(t, http.StatusOK)
		kaderWantFile(t, a, "application/pdf", "zelfevaluatie-2026.pdf", "nl")
		if err := kader.VerifyPDF(a.body); err != nil {
			t.Fatal(err)
		}
		a = e.do(t, "GET", base+"/report.pdf", nil, e.as("beleidA"), header("Accept-Language", "en")).want(t, http.StatusOK)
		kaderWantFile(t, a, "application/pdf", "zelfevaluatie-2026.pdf", "en")
		if err := kader.VerifyPDF(a.body); err != nil {
			t.Fatal(err)
		}
		a = e.do(t, "GET", base+"/export.csv", nil, e.as("beleidA")).want(t, http.StatusOK)
		kaderWantFile(t, a, "text/csv; charset=utf-8", "zelfevaluatie-2026.csv", "nl")
		csv := string(a.body)
		if !strings.HasPrefix(csv, "\ufeffThema;") || !strings.Contains(csv, last+";") || !strings.Contains(csv, "Bram Beleid") ||
			strings.Count(csv, "\r\n") != len(p1)+len(p2)+1 {
			t.Errorf("CSV export:\n%s", csv)
		}
		a = e.do(t, "GET", base+"/export.xlsx", nil, e.as("beleidA"), header("Accept-Language", "en")).want(t, http.StatusOK)
		kaderWantFile(t, a, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "zelfevaluatie-2026.xlsx", "en")
		if !bytes.HasPrefix(a.body, []byte("PK\x03\x04")) {
			t.Errorf("the XLSX export is not a zip: %q", a.body[:min(len(a.body), 8)])
		}
	})
}

// kaderWantFile checks the headers of a download.
func kaderWantFile(t *testing.T, a answer, media, filename, lang string) {
	t.Helper()
	if ct := a.header.Get("Content-Type"); ct != media {
		t.Errorf("Content-Type %q, want %q", ct, media)
	}
	if cd := a.header.Get("Content-Disposition"); cd != `attachment; filename="`+filename+`"` {
		t.Errorf("Content-Disposition %q, want %s", cd, filename)
	}
	if cl := a.header.Get("Content-Language"); cl != lang {
		t.Errorf("Content-Language %q, want %s", cl, lang)
	}
	if len(a.body) == 0 {
		t.Error("empty file")
	}
}

func TestKaderInvalid(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		kaderWorld(t, e)
		p1, _ := e.kaderBlocks(t)
		var r kaderRoundJSON
		e.do(t, "POST", "/api/v1/self-assessments", map[string]any{"year": 2026}, e.as("beleidA")).want(t, http.StatusCreated).decode(t, &r)
		base := "/api/v1/self-assessments/" + r.ID
		var act kaderActionJSON
		e.do(t, "POST", base+"/actions", map[string]any{"title": "Beleid actualiseren"}, e.as("beleidA")).want(t, http.StatusCreated).decode(t, &act)
		apath := "/api/v1/actions/" + act.ID

		rounds, items := e.count("self_assessments"), e.roundState(t, base)
		actions, notes := e.count("policy_actions"), e.count("policy_action_notes")
		thisYear, _ := strconv.Atoi(kader.Today(time.Now())[:4])
		nextYear := thisYear + 2
		for _, c := range []struct {
			method, path string
			body         any
			status       int
			want         []string // invalid params, nil: only the status and that nothing changed
		}{
			// Rounds.
			{"POST", "/api/v1/self-assessments", map[string]any{"year": 2026}, http.StatusConflict, []string{"year:kader.round.exists"}},
			{"POST", "/api/v1/self-assessments", map[string]any{"year": 1999}, http.StatusBadRequest, []string{"year:kader.year.invalid"}},
			{"POST", "/api/v1/self-assessments", map[string]any{"year": nextYear}, http.StatusBadRequest, []string{"year:kader.year.invalid"}},
			{"POST", "/api/v1/self-assessments", map[string]any{}, http.StatusBadRequest, []string{"year:field.required"}},
			{"POST", "/api/v1/self-assessments", map[string]any{"year": "2027", "colour": "red"}, http.StatusBadRequest,
				[]string{"colour:api.field.unknown", "year:api.field.type"}},
			{"POST", "/api/v1/self-assessments", `{"year": 2027,`, http.StatusBadRequest, nil},
			// Items.
			{"PUT", base + "/items/beleid.p1.bestaat_niet", map[string]any{"status": "complete", "version": 1}, http.StatusBadRequest,
				[]string{"itemId:kader.item.unknown"}},
			{"PUT", base + "/items/beleid.p1.bestaat_niet", map[string]any{"status": "done", "version": 1}, http.StatusBadRequest,
				[]string{"itemId:kader.item.unknown", "status:kader.status.invalid"}},
			{"PUT", base + "/items/" + p1[0], map[string]any{"status": "mostly", "version": 1}, http.StatusBadRequest,
				[]string{"status:kader.status.invalid"}},
			{"PUT", base + "/items/" + p1[0], map[string]any{"status": "complete"}, http.StatusBadRequest, []string{"version:field.required"}},
			{"PUT", base + "/items/nope", map[string]any{"status": "yes"}, http.StatusBadRequest,
				[]string{"itemId:kader.item.unknown", "status:kader.status.invalid", "version:field.required"}},
			{"PUT", base + "/items/" + p1[0], map[string]any{"status": "complete", "version": 1, "links": []string{"intranet/beleid", "https://ok.example/x"},
				"date": "2026-02-30", "owner": strings.Repeat("x", 201)}, http.StatusBadRequest,
				[]string{"date:kader.date.invalid", "links[0]:kader.link.invalid", "owner:kader.text.too_long"}},
			{"PUT", base + "/items/" + p1[0], map[string]any{"status": "complete", "version": 1, "score": 3}, http.StatusBadRequest,
				[]string{"score:api.field.unknown"}},
			{"PUT", base + "/items/" + p1[0], `{"status": "complete" "version": 1}`, http.StatusBadRequest, nil},
			// Actions.
			{"POST", base + "/actions", map[string]any{"owner": "Bram"}, http.StatusBadRequest, []string{"title:kader.action.title.required"}},
			{"POST", base + "/actions", map[string]any{"title": " ", "status": "someday", "blockId": "geen.blok", "deadline": "morgen"},
				http.StatusBadRequest, []string{"blockId:kader.item.unknown", "deadline:kader.date.invalid", "status:kader.action.status.invalid",
					"title:kader.action.title.required"}},
			{"POST", base + "/actions", map[string]any{"title": "X", "assessmentId": r.ID}, http.StatusBadRequest, []string{"assessmentId:api.field.unknown"}},
			{"POST", base + "/actions", `[]`, http.StatusBadRequest, nil},
			{"PUT", apath, map[string]any{"title": "Beleid", "status": "done"}, http.StatusBadRequest, []string{"version:field.required"}},
			{"PUT", apath, map[string]any{"version": 1}, http.StatusBadRequest, []string{"status:field.required", "title:kader.action.title.required"}},
			{"PUT", apath, map[string]any{"title": "", "status": "planned", "version": 1}, http.StatusBadRequest, []string{"title:kader.action.title.required"}},
			{"PUT", apath, map[string]any{"title": "Beleid", "status": "planned", "version": 1, "assessmentId": "elders"}, http.StatusBadRequest,
				[]string{"assessmentId:kader.action.round.invalid"}},
			{"PUT", apath, map[string]any{"title": "Beleid", "status": "planned", "version": 2}, http.StatusConflict, nil},
			{"POST", apath + "/notes", map[string]any{"body": "  "}, http.StatusBadRequest, []string{"body:kader.action.note.required"}},
			{"POST", apath + "/notes", map[string]any{"text": "Gedaan"}, http.StatusBadRequest, []string{"text:api.field.unknown"}},
			// Query parameters.
			{"GET", "/api/v1/regions/" + e.noord.ID + "/self-assessments?year=twenty", nil, http.StatusBadRequest, []string{"year:api.param.range"}},
			{"GET", "/api/v1/regions/" + e.noord.ID + "/self-assessments?year=1999", nil, http.StatusBadRequest, []string{"year:kader.year.invalid"}},
			{"GET", base + "?full=1", nil, http.StatusBadRequest, []string{"full:api.param.unknown"}},
		} {
			label := "beleidA"
			if strings.HasPrefix(c.path, "/api/v1/regions/") {
				label = "kAnalistNoord"
			}
			a := e.do(t, c.method, c.path, c.body, e.as(label))
			code := "invalid"
			if c.status == http.StatusConflict {
				code = "conflict"
			}
			p := a.wantProblem(t, c.status, code)
			if p.Detail == "" {
				t.Errorf("%s %s: no detail", c.method, c.path)
			}
			if c.want != nil && !slices.Equal(p.params(), c.want) {
				t.Errorf("%s %s %v: %v, want %v", c.method, c.path, c.body, p.params(), c.want)
			}
			for _, ip := range p.InvalidParams {
				if ip.Reason == "" || ip.Reason == ip.Code {
					t.Errorf("%s %s: param %s without a message", c.method, c.path, ip.Name)
				}
			}
		}
		// Nothing was stored.
		if n := e.count("self_assessments"); n != rounds {
			t.Errorf("%d rounds after bad requests, want %d", n, rounds)
		}
		if got := e.roundState(t, base); got != items {
			t.Errorf("the round changed:\n%s\nwant\n%s", got, items)
		}
		if n, m := e.count("policy_actions"), e.count("policy_action_notes"); n != actions || m != notes {
			t.Errorf("%d actions and %d notes after bad requests, want %d and %d", n, m, actions, notes)
		}
		e.do(t, "GET", apath, nil, e.as("beleidA")).want(t, http.StatusOK).decode(t, &act)
		if act.Version != 1 || act.Title != "Beleid actualiseren" {
			t.Errorf("the action changed: %+v", act)
		}
		// Messages in English too.
		p := e.do(t, "POST", base+"/actions", map[string]any{}, e.as("beleidA"), header("Accept-Language", "en")).
			wantProblem(t, http.StatusBadRequest, "invalid")
		if len(p.InvalidParams) != 1 || p.InvalidParams[0].Reason != "Give the action a title." {
			t.Errorf("English: %+v", p.InvalidParams)
		}
	})
}

// roundState is what a round holds, to see that a refused request changed
// nothing.
func (e *env) roundState(t testing.TB, path string) string {
	t.Helper()
	var r kaderRoundJSON
	e.do(t, "GET", path, nil, e.as("beleidA")).want(t, http.StatusOK).decode(t, &r)
	return fmt.Sprintf("%+v", r.Items)
}

func TestKaderAccess(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		gemB := kaderWorld(t, e)
		p1, _ := e.kaderBlocks(t)
		var ra, rb, rc kaderRoundJSON
		e.do(t, "POST", "/api/v1/self-assessments", map[string]any{"year": 2026}, e.as("beleidA")).want(t, http.StatusCreated).decode(t, &ra)
		e.do(t, "POST", "/api/v1/self-assessments", map[string]any{"year": 2026}, e.as("kBeleidB")).want(t, http.StatusCreated).decode(t, &rb)
		e.do(t, "POST", "/api/v1/self-assessments", map[string]any{"year": 2026}, e.as("kBeleidC")).want(t, http.StatusCreated).decode(t, &rc)
		if rb.MunicipalityID != gemB.ID || rc.MunicipalityID != e.gemC.ID {
			t.Fatalf("rounds of B and C: %s, %s", rb.MunicipalityID, rc.MunicipalityID)
		}
		for _, id := range p1 {
			e.do(t, "PUT", "/api/v1/self-assessments/"+ra.ID+"/items/"+id, map[string]any{"status": "complete", "version": 1},
				e.as("beleidA")).want(t, http.StatusOK)
		}
		var act kaderActionJSON
		e.do(t, "POST", "/api/v1/self-assessments/"+ra.ID+"/actions", map[string]any{"title": "Opvang regelen"}, e.as("beleidA")).
			want(t, http.StatusCreated).decode(t, &act)
		base := "/api/v1/self-assessments/" + ra.ID
		rounds, actions := e.count("self_assessments"), e.count("policy_actions")

		// Whoever is not one of A's policy officers does not learn A's round exists.
		for _, label := range []string{"kBeleidB", "kBeleidC", "signaleerderA", "kAnalistNoord", "zorgNoord", "adminA", "admin"} {
			for _, c := range []struct {
				method, path string
				body         any
			}{
				{"GET", base, nil},
				{"PUT", base + "/items/" + p1[0], map[string]any{"status": "absent", "version": 2}},
				{"GET", base + "/comparison?with=" + rb.ID, nil},
				{"GET", base + "/actions", nil},
				{"POST", base + "/actions", map[string]any{"title": "Stiekem"}},
				{"GET", base + "/report.pdf", nil},
				{"GET", base + "/export.csv", nil},
				{"GET", base + "/export.xlsx", nil},
				{"GET", "/api/v1/actions/" + act.ID, nil},
				{"PUT", "/api/v1/actions/" + act.ID, map[string]any{"title": "Stiekem", "status": "done", "version": 1}},
				{"POST", "/api/v1/actions/" + act.ID + "/notes", map[string]any{"body": "Stiekem"}},
			} {
				e.do(t, c.method, c.path, c.body, e.as(label)).wantProblem(t, http.StatusNotFound, "not_found")
			}
			// Lists and new rounds of A: refused.
			e.do(t, "GET", "/api/v1/self-assessments?municipalityId="+e.gemA.ID, nil, e.as(label)).wantProblem(t, http.StatusForbidden, "forbidden")
			e.do(t, "POST", "/api/v1/self-assessments", map[string]any{"year": 2025, "municipalityId": e.gemA.ID}, e.as(label)).
				wantProblem(t, http.StatusForbidden, "forbidden")
		}
		// A's policy officer: not B's round either (comparing across municipalities).
		e.do(t, "GET", base+"/comparison?with="+rb.ID, nil, e.as("beleidA")).wantProblem(t, http.StatusNotFound, "not_found")
		e.do(t, "GET", "/api/v1/self-assessments/nope", nil, e.as("beleidA")).wantProblem(t, http.StatusNotFound, "not_found")
		e.do(t, "GET", "/api/v1/self-assessments", nil).wantProblem(t, http.StatusUnauthorized, "unauthenticated")
		if n, m := e.count("self_assessments"), e.count("policy_actions"); n != rounds || m != actions {
			t.Errorf("refused requests stored something: %d rounds, %d actions", n, m)
		}

		// The region view: Noord's analyst and care coordinator see A and B, not C.
		type regionJSON struct {
			RegionID, RegionName string
			Year                 int
			Rows                 []struct {
				MunicipalityID, MunicipalityName string
				HasRound, BasisOpOrde            bool
				Overall                          *int
				Themes                           []kaderScoreJSON
			}
		}
		region := "/api/v1/regions/" + e.noord.ID + "/self-assessments"
		for _, label := range []string{"kAnalistNoord", "zorgNoord"} {
			var rv regionJSON
			e.do(t, "GET", region+"?year=2026", nil, e.as(label)).want(t, http.StatusOK).decode(t, &rv)
			var names []string
			for _, row := range rv.Rows {
				names = append(names, row.MunicipalityName)
			}
			if rv.RegionName != "Noord" || rv.Year != 2026 || !slices.Equal(names, []string{"Gemeente A", "Gemeente B"}) {
				t.Fatalf("%s: region view %+v", label, rv)
			}
			a, b := rv.Rows[0], rv.Rows[1]
			if !a.HasRound || !a.BasisOpOrde || len(a.Themes) != 5 || a.Overall == nil || !b.HasRound || b.BasisOpOrde || b.Overall == nil || *b.Overall != 0 {
				t.Errorf("%s: rows %+v", label, rv.Rows)
			}
		}
		var rv regionJSON
		e.do(t, "GET", region+"?year=2025", nil, e.as("kAnalistNoord")).want(t, http.StatusOK).decode(t, &rv)
		if len(rv.Rows) != 2 || rv.Rows[0].HasRound || rv.Rows[1].HasRound {
			t.Errorf("2025: %+v", rv.Rows)
		}
		e.do(t, "GET", region, nil, e.as("kAnalistNoord")).want(t, http.StatusOK).decode(t, &rv)
		if thisYear, _ := strconv.Atoi(kader.Today(time.Now())[:4]); rv.Year != thisYear {
			t.Errorf("without a year: %d", rv.Year)
		}
		a := e.do(t, "GET", "/api/v1/regions/"+e.noord.ID+"/self-assessments.csv?year=2026", nil, e.as("kAnalistNoord")).want(t, http.StatusOK)
		kaderWantFile(t, a, "text/csv; charset=utf-8", "zelfevaluatie-regio-2026.csv", "nl")
		if csv := string(a.body); !regexp.MustCompile(`\r\nGemeente A;[0-9;]+;ja;0\r\n`).MatchString(csv) ||
			!regexp.MustCompile(`\r\nGemeente B;0;0;0;0;0;0;nee;[1-9][0-9]*\r\n`).MatchString(csv) || strings.Contains(csv, "Gemeente C") {
			t.Errorf("region CSV:\n%s", csv)
		}
		a = e.do(t, "GET", "/api/v1/regions/"+e.noord.ID+"/self-assessments.xlsx?year=2026", nil, e.as("zorgNoord"),
			header("Accept-Language", "en")).want(t, http.StatusOK)
		kaderWantFile(t, a, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "zelfevaluatie-regio-2026.xlsx", "en")
		if !bytes.HasPrefix(a.body, []byte("PK\x03\x04")) || bytes.Contains(a.body, []byte("Gemeente C")) {
			t.Errorf("region XLSX")
		}
		// Another region's analyst, the municipality's own staff: 403.
		for _, label := range []string{"kAnalistZuid", "signaleerderA", "beleidA", "kBeleidC", "partner"} {
			for _, suffix := range []string{"", ".csv", ".xlsx"} {
				e.do(t, "GET", "/api/v1/regions/"+e.noord.ID+"/self-assessments"+suffix+"?year=2026", nil, e.as(label)).
					wantProblem(t, http.StatusForbidden, "forbidden")
			}
		}
		// Zuid's analyst sees C in Zuid.
		e.do(t, "GET", "/api/v1/regions/"+e.zuid.ID+"/self-assessments?year=2026", nil, e.as("kAnalistZuid")).want(t, http.StatusOK).decode(t, &rv)
		if len(rv.Rows) != 1 || rv.Rows[0].MunicipalityName != "Gemeente C" || !rv.Rows[0].HasRound {
			t.Errorf("Zuid: %+v", rv.Rows)
		}
	})
}
