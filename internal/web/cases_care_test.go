package web_test

import (
	"bytes"
	"context"
	"fmt"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/cases"
	"github.com/baken-nl/baken/internal/config"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
)

// Tests of the care sections of the case page (documents, support plan,
// consent, transfer, national registration) and of the shelters and
// incoming transfers pages (cases_care.go).

// eachDialectCare runs fn on both databases with the default request cap
// (1 MiB): the upload route raises it for itself to the catalogue's limit.
func eachDialectCare(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			fn(t, newEnv(t, d, func(c *config.Config) {}))
		})
	}
}

// uploadPart is one file of an upload.
type uploadPart struct {
	name, contentType string
	data              []byte
}

// upload posts the document form as multipart/form-data: the browser's
// CSRF token first (unless csrf is "-"), then the type, then the file.
func (c *client) upload(path, docType string, file *uploadPart, csrf string) *response {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if csrf == "" {
		csrf = c.cookie("baken_csrf")
	}
	if csrf != "-" {
		_ = mw.WriteField("csrf", csrf)
	}
	_ = mw.WriteField("documentType", docType)
	if file != nil {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", mime.FormatMediaType("form-data", map[string]string{"name": "file", "filename": file.name}))
		h.Set("Content-Type", file.contentType)
		pw, err := mw.CreatePart(h)
		if err != nil {
			c.t.Fatal(err)
		}
		_, _ = pw.Write(file.data)
	}
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.e.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

// Small files whose first bytes say what they are.
var (
	pngBytes = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{7}, 300)...)
	pdfBytes = []byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
)

// idAttrRE finds the id attributes of a page (each must be unique).
var idAttrRE = regexp.MustCompile(`\sid="([^"]+)"`)

// section is the part of a page from the element with id to the end of its section.
func section(t *testing.T, body, id string) string {
	t.Helper()
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no section %q", id)
	}
	j := strings.Index(body[i:], "</section>")
	if j < 0 {
		t.Fatalf("section %q not closed", id)
	}
	return body[i : i+j]
}

func TestCaseDocuments(t *testing.T) {
	eachDialectCare(t, func(t *testing.T, e *env) {
		co := e.as(policy.Zorgcoordinator)
		id := openCase(t, co, e.caseForm())
		base := "/casussen/" + id
		cw := e.app.Content.Casework
		typ := cw.DocumentTypes[0]

		r := co.get(base).wantStatus(t, http.StatusOK)
		r.wantContains(t, `action="`+base+`/documenten" enctype="multipart/form-data"`, `name="documentType"`, `id="field-file"`,
			`type="file"`, "10,5 MB", "Er zijn nog geen documenten toegevoegd.")

		// Success: 303 back to the section; the name is in no URL.
		name := "Verklaring Ioana Popescu.png"
		r = co.upload(base+"/documenten", typ.ID, &uploadPart{name, "image/png", pngBytes}, "").wantStatus(t, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != base+"?opgeslagen=1#documenten" {
			t.Errorf("Location %q", loc)
		}
		noPersonalDataInURLs(t, r, "Ioana", "Verklaring")
		r = co.follow(r).wantStatus(t, http.StatusOK)
		docs := section(t, r.body, "documenten")
		for _, want := range []string{esc(name), esc(typ.Label.In("nl")), `data-size="` + strconv.Itoa(len(pngBytes)) + `"`,
			esc(e.users[policy.Zorgcoordinator].Name)} {
			if !strings.Contains(docs, want) {
				t.Errorf("documents section lacks %q\n%s", want, docs)
			}
		}
		r.wantContains(t, `data-event="document"`)
		noPersonalDataInURLs(t, r, "Ioana", "Verklaring", clientContact)
		m := regexp.MustCompile(`href="(` + regexp.QuoteMeta(base) + `/documenten/([^"/]+))" download`).FindStringSubmatch(r.body)
		if m == nil {
			t.Fatal("no download link")
		}

		// The download: the bytes, as an attachment, never sniffed or cached.
		d := co.get(m[1]).wantStatus(t, http.StatusOK)
		if d.body != string(pngBytes) {
			t.Errorf("downloaded %d bytes, want the %d uploaded", len(d.body), len(pngBytes))
		}
		for h, want := range map[string]string{"Content-Type": "image/png", "X-Content-Type-Options": "nosniff",
			"Cache-Control": "no-store", "Content-Length": strconv.Itoa(len(pngBytes))} {
			if got := d.Header.Get(h); got != want {
				t.Errorf("%s: %q, want %q", h, got, want)
			}
		}
		// The read is in the processing log, with the document's id.
		var logged int
		if err := e.app.DB.Tx(context.Background(), func(tx *store.Tx) error {
			return tx.QueryRow(context.Background(), `SELECT count(*) FROM processing_log WHERE object_id = ? AND actor_id = ? AND detail LIKE ?`,
				id, e.users[policy.Zorgcoordinator].ID, "%document "+m[2]+"%").Scan(&logged)
		}); err != nil || logged != 1 {
			t.Errorf("download in the processing log: %d %v", logged, err)
		}
		disp, params, err := mime.ParseMediaType(d.Header.Get("Content-Disposition"))
		if err != nil || disp != "attachment" || params["filename"] != name {
			t.Errorf("Content-Disposition %q: %v %q", d.Header.Get("Content-Disposition"), err, params["filename"])
		}
		// A name with quotes and accents stays one safe header value.
		odd := `Brief "Ioana" é;x.pdf`
		r = co.follow(co.upload(base+"/documenten", typ.ID, &uploadPart{odd, "application/pdf", pdfBytes}, "").wantStatus(t, http.StatusSeeOther))
		m2 := regexp.MustCompile(`href="(` + regexp.QuoteMeta(base) + `/documenten/[^"/]+)" download>` + regexp.QuoteMeta(esc("Brief _Ioana_ é;x.pdf"))).FindStringSubmatch(r.body)
		if m2 == nil {
			t.Fatalf("no link to the second document\n%s", section(t, r.body, "documenten"))
		}
		d = co.get(m2[1]).wantStatus(t, http.StatusOK)
		if _, params, err := mime.ParseMediaType(d.Header.Get("Content-Disposition")); err != nil || params["filename"] != "Brief _Ioana_ é;x.pdf" {
			t.Errorf("Content-Disposition %q: %v %q", d.Header.Get("Content-Disposition"), err, params["filename"])
		}
		if d.body != string(pdfBytes) || d.Header.Get("Content-Type") != "application/pdf" {
			t.Errorf("pdf download: %q %q", d.Header.Get("Content-Type"), d.body)
		}
		co.get(base+"/documenten/onbekend").wantStatus(t, http.StatusNotFound)

		// Every problem at once (no type, a type not accepted), nothing stored.
		r = co.upload(base+"/documenten", "", &uploadPart{"programma.exe", "application/x-msdownload", []byte("MZ\x90\x00")}, "").
			wantStatus(t, http.StatusUnprocessableEntity)
		r.wantContains(t, "baken-error-summary", `href="#field-documentType"`, `href="#field-file"`, `id="error-file"`, `aria-invalid="true"`)
		// A PDF that claims to be a PNG: refused, the chosen type kept.
		r = co.upload(base+"/documenten", typ.ID, &uploadPart{"foto.png", "image/png", pdfBytes}, "").wantStatus(t, http.StatusUnprocessableEntity)
		r.wantContains(t, `href="#field-file"`, esc("De inhoud van het bestand past niet bij het opgegeven soort bestand"),
			`<option value="`+typ.ID+`" selected>`).wantLacks(t, `href="#field-documentType"`)
		// No file at all.
		co.upload(base+"/documenten", typ.ID, nil, "").wantStatus(t, http.StatusUnprocessableEntity).wantContains(t, `href="#field-file"`)

		// Too large: just over the catalogue's limit the service says so
		// (422); beyond the body's cap the page says so (413), type kept.
		big := bytes.Repeat([]byte("a"), int(cw.Documents.MaxBytes)+1)
		co.upload(base+"/documenten", typ.ID, &uploadPart{"groot.txt", "text/plain", big}, "").wantStatus(t, http.StatusUnprocessableEntity).
			wantContains(t, `href="#field-file"`, "Het bestand is te groot")
		huge := bytes.Repeat([]byte("a"), int(cw.Documents.MaxBytes)+200<<10)
		r = co.upload(base+"/documenten", typ.ID, &uploadPart{"enorm.txt", "text/plain", huge}, "").wantStatus(t, http.StatusRequestEntityTooLarge)
		r.wantContains(t, `href="#field-file"`, esc("groter dan is toegestaan"), `<option value="`+typ.ID+`" selected>`, `data-reference="`)
		list, err := e.app.Cases.ListDocuments(context.Background(), e.users[policy.Zorgcoordinator].Subject(), id)
		if err != nil || len(list) != 2 {
			t.Errorf("documents stored: %d %v", len(list), err)
		}

		// The CSRF token is required of an upload too.
		co.upload(base+"/documenten", typ.ID, &uploadPart{"x.png", "image/png", pngBytes}, "-").wantStatus(t, http.StatusForbidden)
		co.upload(base+"/documenten", typ.ID, &uploadPart{"x.png", "image/png", pngBytes}, "wrong").wantStatus(t, http.StatusForbidden)
		// Signed out: the login, nothing stored.
		anon := e.client()
		anon.get("/inloggen")
		r = anon.upload(base+"/documenten", typ.ID, &uploadPart{"x.png", "image/png", pngBytes}, "").wantStatus(t, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); !strings.HasPrefix(loc, "/inloggen") {
			t.Errorf("anonymous upload: Location %q", loc)
		}

		// Nobody else reads or adds documents.
		zuid := e.addUser("zorgcoordinator-zuid@baken.test", "Zuid Zorg", e.zuid.ID, policy.Zorgcoordinator)
		for _, c := range []*client{e.loginAs(zuid.Email), e.as(policy.Signaleerder), e.as(policy.Ketenpartner)} {
			c.get(m[1]).wantStatus(t, http.StatusNotFound).wantLacks(t, string(pngBytes[:8]))
			c.upload(base+"/documenten", typ.ID, &uploadPart{"x.png", "image/png", pngBytes}, "").wantStatus(t, http.StatusNotFound)
		}
		if list, _ := e.app.Cases.ListDocuments(context.Background(), e.users[policy.Zorgcoordinator].Subject(), id); len(list) != 2 {
			t.Errorf("documents after the refusals: %d", len(list))
		}
	})
}

func TestCaseSupportPlan(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		co := e.as(policy.Zorgcoordinator)
		id := openCase(t, co, e.caseForm())
		base := "/casussen/" + id
		cw := e.app.Content.Casework
		dom, dom2 := cw.SupportDomains[0], cw.SupportDomains[1]
		st, st2 := cw.SupportStatuses[0], cw.SupportStatuses[1]

		r := co.get(base).wantStatus(t, http.StatusOK)
		for _, d := range cw.SupportDomains {
			r.wantContains(t, `data-support="`+d.ID+`"`, `name="domain" value="`+d.ID+`"`, esc(d.Label.In("nl")))
		}
		r.wantContains(t, "Nog niet bekeken", `id="field-supportStatus-`+dom.ID+`"`)

		// Invalid: the error at this domain's fields, the note kept.
		r = co.post(base+"/steunplan", url.Values{"domain": {dom.ID}, "version": {"0"}, "supportStatus": {""},
			"supportNote": {"Wacht op een woning via de gemeente"}}).wantStatus(t, http.StatusUnprocessableEntity)
		r.wantContains(t, "baken-error-summary", `href="#field-supportStatus"`, `id="field-supportStatus"`, `id="error-supportStatus"`,
			"Wacht op een woning via de gemeente", `id="field-supportStatus-`+dom2.ID+`"`)
		if strings.Count(r.body, `id="field-supportStatus"`) != 1 {
			t.Error("the support forms' ids clash")
		}
		co.post(base+"/steunplan", url.Values{"domain": {dom.ID}, "version": {"0"}, "supportStatus": {"nonsense"}}).
			wantStatus(t, http.StatusUnprocessableEntity).wantContains(t, `href="#field-supportStatus"`)

		// Saved, with the domain's version.
		r = co.post(base+"/steunplan", url.Values{"domain": {dom.ID}, "version": {"0"}, "supportStatus": {st.ID},
			"supportNote": {"Aanvraag loopt"}}).wantStatus(t, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != base+"?opgeslagen=1#steunplan" {
			t.Errorf("Location %q", loc)
		}
		r = co.follow(r).wantStatus(t, http.StatusOK)
		r.wantContains(t, `data-support="`+dom.ID+`" data-status="`+st.ID+`"`, "Aanvraag loopt", `data-event="support"`,
			`data-support="`+dom2.ID+`" data-status=""`)
		// Stale: the domain changed since; the current state and the typed text.
		r = co.post(base+"/steunplan", url.Values{"domain": {dom.ID}, "version": {"0"}, "supportStatus": {st2.ID},
			"supportNote": {"Mijn nieuwe tekst"}}).wantStatus(t, http.StatusConflict)
		r.wantContains(t, `data-conflict="case.support.stale"`, esc("Iemand anders heeft dit leefgebied intussen gewijzigd"),
			`data-support="`+dom.ID+`" data-status="`+st.ID+`"`, "Mijn nieuwe tekst", `<option value="`+st2.ID+`" selected>`)
		row := r.body[strings.Index(r.body, `data-support="`+dom.ID+`"`):]
		if !strings.Contains(row[:strings.Index(row, "</tr>")], `name="version" value="1"`) {
			t.Error("the stale form does not carry the domain's current version")
		}
		co.follow(co.post(base+"/steunplan", url.Values{"domain": {dom.ID}, "version": {"1"}, "supportStatus": {st2.ID}}).
			wantStatus(t, http.StatusSeeOther)).wantContains(t, `data-support="`+dom.ID+`" data-status="`+st2.ID+`"`)
	})
}

func TestCaseConsent(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		co := e.as(policy.Zorgcoordinator)
		id := openCase(t, co, e.caseForm())
		base := "/casussen/" + id
		cw := e.app.Content.Casework
		zuidPartner, err := e.app.Orgs.CreateOrg(ctx, org.System, org.OrgInput{Kind: org.Partner, Name: "Politie Zuid", RegionID: e.zuid.ID, PartnerType: "politie"})
		if err != nil {
			t.Fatal(err)
		}
		legal := ""
		for _, b := range cw.ConsentBases {
			if b.ID != cases.BasisConsent {
				legal = b.ID
				break
			}
		}

		r := co.get(base).wantStatus(t, http.StatusOK)
		r.wantContains(t, `<option value="`+e.politie.ID+`">Politie Noord</option>`, `name="scope"`).wantLacks(t, zuidPartner.ID)

		// Every problem at once; what was typed kept.
		r = co.post(base+"/toestemmingen", url.Values{"basis": {legal}, "untilOn": {"2001-01-01"}}).wantStatus(t, http.StatusUnprocessableEntity)
		r.wantContains(t, "baken-error-summary", `href="#field-partnerOrgId"`, `href="#field-purpose"`, `href="#field-scope"`,
			`href="#field-untilOn"`, `href="#field-consentNote"`, `value="2001-01-01"`, `<option value="`+legal+`" selected>`)

		until := cases.Today(time.Now()).AddDate(0, 6, 0).Format(time.DateOnly)
		f := url.Values{"partnerOrgId": {e.politie.ID}, "purpose": {cw.ConsentPurposes[0].ID}, "basis": {cases.BasisConsent},
			"scope": {cw.ShareableFields[0].ID, cw.ShareableFields[1].ID}, "untilOn": {until}}
		r = co.post(base+"/toestemmingen", f).wantStatus(t, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != base+"?opgeslagen=1#toestemming" {
			t.Errorf("Location %q", loc)
		}
		r = co.follow(r).wantStatus(t, http.StatusOK)
		r.wantContains(t, `data-active="true"`, "Politie Noord", until, esc(cw.ShareableFields[1].Label.In("nl")),
			esc(cw.ConsentPurposes[0].Label.In("nl")), `data-event="consent"`)
		m := regexp.MustCompile(`action="(` + regexp.QuoteMeta(base) + `/toestemmingen/[^"/]+/intrekken)"`).FindStringSubmatch(r.body)
		if m == nil {
			t.Fatal("no withdraw button")
		}
		r = co.follow(co.post(m[1], url.Values{}).wantStatus(t, http.StatusSeeOther)).wantStatus(t, http.StatusOK)
		r.wantContains(t, `data-active="false"`, "Ingetrokken op", `data-event="consent_withdrawn"`).wantLacks(t, m[1])
		co.post(m[1], url.Values{}).wantStatus(t, http.StatusConflict).
			wantContains(t, `data-conflict="case.consent.withdrawn"`, `data-active="false"`)
		co.post(base+"/toestemmingen/onbekend/intrekken", url.Values{}).wantStatus(t, http.StatusNotFound)
		// A legal basis with its article.
		f.Set("basis", legal)
		f.Set("consentNote", "Art. 10 Wet XYZ")
		co.follow(co.post(base+"/toestemmingen", f).wantStatus(t, http.StatusSeeOther)).wantContains(t, "Art. 10 Wet XYZ")
	})
}

func TestCaseTransfers(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		co := e.as(policy.Zorgcoordinator)
		me := e.users[policy.Zorgcoordinator]
		zuid := e.addUser("zorgcoordinator-zuid@baken.test", "Zuid Zorg", e.zuid.ID, policy.Zorgcoordinator)
		zc := e.loginAs(zuid.Email)
		id := openCase(t, co, e.caseForm())
		base := "/casussen/" + id
		c, err := e.app.Cases.Get(context.Background(), me.Subject(), id)
		if err != nil {
			t.Fatal(err)
		}

		r := co.get(base).wantStatus(t, http.StatusOK)
		tr := section(t, r.body, "regio-overdracht")
		if !strings.Contains(tr, `<option value="`+e.zuid.ID+`">Zuid</option>`) || strings.Contains(tr, `value="`+e.noord.ID+`"`) {
			t.Errorf("region choice:\n%s", tr)
		}
		r.wantContains(t, `href="/casussen/overdrachten"`)

		// Every problem at once, the reason kept.
		r = co.post(base+"/overdragen", url.Values{"toRegionId": {e.noord.ID}, "transferReason": {""}}).wantStatus(t, http.StatusUnprocessableEntity)
		r.wantContains(t, `href="#field-toRegionId"`, `href="#field-transferReason"`, "De casus hoort al bij deze regio")
		if strings.Count(r.body, `id="field-reason"`) > 1 {
			t.Error("the transfer form's reason clashes with the phase form's")
		}
		reason := "Cliënt verhuist naar Ioana's zus in het zuiden"
		r = co.post(base+"/overdragen", url.Values{"transferReason": {reason}}).wantStatus(t, http.StatusUnprocessableEntity)
		r.wantContains(t, `href="#field-toRegionId"`, esc(reason))

		// Asked: the pending request with its withdraw button.
		r = co.post(base+"/overdragen", url.Values{"toRegionId": {e.zuid.ID}, "transferReason": {reason}}).wantStatus(t, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != base+"?opgeslagen=1#regio-overdracht" {
			t.Errorf("Location %q", loc)
		}
		noPersonalDataInURLs(t, r, "Ioana", "verhuist")
		r = co.follow(r).wantStatus(t, http.StatusOK)
		r.wantContains(t, "data-pending-transfer", esc(reason), `data-transfer-status="pending"`, `data-event="transfer_requested"`).
			wantLacks(t, `action="`+base+`/overdragen"`)
		// A second request: 409, the current state and what was typed.
		r = co.post(base+"/overdragen", url.Values{"toRegionId": {e.zuid.ID}, "transferReason": {"Nog eens"}}).wantStatus(t, http.StatusConflict)
		r.wantContains(t, `data-conflict="case.transfer.pending"`, "data-pending-transfer", "Nog eens", `<option value="`+e.zuid.ID+`" selected>`)

		// The receiving region: reference, region, forms, when; no client data.
		co.get("/casussen/overdrachten").wantStatus(t, http.StatusOK).wantContains(t, "Er wachten geen overdrachten").wantLacks(t, c.Reference)
		zc.get(base).wantStatus(t, http.StatusNotFound)
		r = zc.get("/casussen/overdrachten").wantStatus(t, http.StatusOK)
		r.wantContains(t, c.Reference, "Noord", esc(e.app.Content.Forms[0].Label.In("nl")), `data-incoming-transfer="`).
			wantLacks(t, "Ioana", clientContact, clientBSN, "verhuist")
		noPersonalDataInURLs(t, r, "Ioana")
		m := regexp.MustCompile(`action="(/casussen/overdrachten/([^"/]+))/accepteren"`).FindStringSubmatch(r.body)
		if m == nil {
			t.Fatal("no accept form")
		}
		// A decline reason too long: 422, typed kept, nothing decided.
		long := strings.Repeat("x", cases.MaxReason+1)
		r = zc.post(m[1]+"/afwijzen", url.Values{"declineReason": {long}}).wantStatus(t, http.StatusUnprocessableEntity)
		r.wantContains(t, `href="#field-declineReason"`, `id="field-declineReason"`, long, c.Reference)
		// Not the region's to decide: 404.
		co.post(m[1]+"/accepteren", url.Values{}).wantStatus(t, http.StatusNotFound)
		e.as(policy.Ketenpartner).post(m[1]+"/accepteren", url.Values{}).wantStatus(t, http.StatusNotFound)
		e.as(policy.Signaleerder).get("/casussen/overdrachten").wantStatus(t, http.StatusNotFound)

		// Accepted: to the case, which is now the region's and this coordinator's.
		r = zc.post(m[1]+"/accepteren", url.Values{}).wantStatus(t, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != base+"?overgenomen=1" {
			t.Errorf("Location %q", loc)
		}
		r = zc.follow(r).wantStatus(t, http.StatusOK)
		r.wantContains(t, esc(clientName), "U hebt de overdracht geaccepteerd", `data-transfer-status="accepted"`,
			`data-event="transfer_accepted"`, `data-coordinator="`+zuid.ID+`"`, esc(reason))
		zc.post(m[1]+"/accepteren", url.Values{}).wantStatus(t, http.StatusConflict).
			wantContains(t, `data-conflict="case.transfer.not_pending"`)
		// The old coordinator has lost access: the 404 page, not even the outline.
		co.get(base).wantStatus(t, http.StatusNotFound).wantLacks(t, "Ioana")
		co.post(base+"/steunplan", url.Values{"domain": {e.app.Content.Casework.SupportDomains[0].ID}, "version": {"0"},
			"supportStatus": {e.app.Content.Casework.SupportStatuses[0].ID}}).wantStatus(t, http.StatusNotFound)

		// Withdrawn by the sending region; then declined by the receiving one.
		id2 := openCase(t, co, e.caseForm())
		base2 := "/casussen/" + id2
		co.post(base2+"/overdragen", url.Values{"toRegionId": {e.zuid.ID}, "transferReason": {"Verhuizing"}}).wantStatus(t, http.StatusSeeOther)
		r = co.get(base2).wantStatus(t, http.StatusOK)
		w := regexp.MustCompile(`action="(` + regexp.QuoteMeta(base2) + `/overdragen/[^"/]+/intrekken)"`).FindStringSubmatch(r.body)
		if w == nil {
			t.Fatal("no withdraw button")
		}
		co.follow(co.post(w[1], url.Values{}).wantStatus(t, http.StatusSeeOther)).
			wantContains(t, `data-transfer-status="withdrawn"`, `data-event="transfer_withdrawn"`, "Verzoek tot overdracht ingetrokken").
			wantLacks(t, "data-pending-transfer")
		co.post(w[1], url.Values{}).wantStatus(t, http.StatusConflict).wantContains(t, `data-conflict="case.transfer.not_pending"`)
		zc.get("/casussen/overdrachten").wantStatus(t, http.StatusOK).wantContains(t, "Er wachten geen overdrachten")
		co.post(base2+"/overdragen", url.Values{"toRegionId": {e.zuid.ID}, "transferReason": {"Verhuizing"}}).wantStatus(t, http.StatusSeeOther)
		r = zc.get("/casussen/overdrachten").wantStatus(t, http.StatusOK)
		m = regexp.MustCompile(`action="(/casussen/overdrachten/[^"/]+)/afwijzen"`).FindStringSubmatch(r.body)
		if m == nil {
			t.Fatal("no decline form")
		}
		r = zc.post(m[1]+"/afwijzen", url.Values{"declineReason": {"Geen plek in de opvang"}}).wantStatus(t, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != "/casussen/overdrachten?afgewezen=1" {
			t.Errorf("Location %q", loc)
		}
		zc.follow(r).wantContains(t, "De overdracht is afgewezen", "Er wachten geen overdrachten")
		co.get(base2).wantStatus(t, http.StatusOK).wantContains(t, `data-transfer-status="declined"`, "Geen plek in de opvang",
			`action="`+base2+`/overdragen"`)
	})
}

func TestCaseRegistrationSection(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		co := e.as(policy.Zorgcoordinator)
		id := openCase(t, co, e.caseForm())
		base := "/casussen/" + id
		c, err := e.app.Cases.Get(context.Background(), e.users[policy.Zorgcoordinator].Subject(), id)
		if err != nil {
			t.Fatal(err)
		}
		age, _ := cases.AgeOn("1995-04-01", cases.Today(time.Now()).Format(time.DateOnly))
		r := co.get(base).wantStatus(t, http.StatusOK)
		reg := section(t, r.body, "registratie")
		for _, want := range []string{`data-reg="countryOfOrigin">Roemenië (RO)<`, fmt.Sprintf(`data-reg="age">%d jaar<`, age), `data-reg="gender">Vrouw<`,
			`data-reg="region">Noord<`, `data-reg="registeredOn">Nog niet geregistreerd<`, `href="#gegevens"`, "CoMensha",
			esc(e.app.Content.Forms[0].Label.In("nl"))} {
			if !strings.Contains(reg, want) {
				t.Errorf("registration lacks %q\n%s", want, reg)
			}
		}
		if n := strings.Count(reg, "data-reg="); n != 8 {
			t.Errorf("the export record shows %d fields, want 8", n)
		}
		for _, no := range []string{"Ioana", clientBSN, "1995-04-01", clientContact, c.Reference, `name="registeredOn"`} {
			if strings.Contains(reg, no) {
				t.Errorf("the registration section holds %q", no)
			}
		}
		// Registered through the tracked items' form: the record follows.
		dt := e.app.Content.Casework.DossierTypes[0]
		co.post(base+"/gegevens", url.Values{"version": {strconv.Itoa(c.Version)}, "registeredOn": {"2026-01-07"}, "dossierType": {dt.ID},
			"aangifte": {"unknown"}, "cooperation": {"unknown"}}).
			wantStatus(t, http.StatusSeeOther)
		reg = section(t, co.get(base).wantStatus(t, http.StatusOK).body, "registratie")
		if !strings.Contains(reg, `data-reg="registeredOn">2026-01-07<`) || !strings.Contains(reg, esc(dt.Label.In("nl"))) {
			t.Errorf("registration after registering:\n%s", reg)
		}
	})
}

func TestCaseShelters(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		co := e.as(policy.Zorgcoordinator)
		mk := func(name, region string) org.Organisation {
			o, err := e.app.Orgs.CreateOrg(ctx, org.System, org.OrgInput{Kind: org.Partner, Name: name, RegionID: region, PartnerType: cases.ShelterPartnerType})
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		noord, national, zuid := mk("Opvang Noord", e.noord.ID), mk("Landelijke Opvang", ""), mk("Opvang Zuid", e.zuid.ID)

		r := co.get("/casussen/opvang").wantStatus(t, http.StatusOK)
		r.wantContains(t, "Opvang en capaciteit", `data-shelter="`+noord.ID+`"`, `data-shelter="`+national.ID+`"`,
			`action="/casussen/opvang/`+noord.ID+`/capaciteit"`, "Wordt beheerd door een andere regio of landelijk",
			`href="/casussen/opvang" aria-current="page"`).
			wantLacks(t, zuid.ID, `action="/casussen/opvang/`+national.ID+`/capaciteit"`)

		// Not a number: 422, the input kept, at this shelter's field.
		r = co.post("/casussen/opvang/"+noord.ID+"/capaciteit", url.Values{"version": {"0"}, "places": {"veel"}}).wantStatus(t, http.StatusUnprocessableEntity)
		r.wantContains(t, "baken-error-summary", `href="#field-places"`, `id="field-places"`, `value="veel"`)
		co.post("/casussen/opvang/"+noord.ID+"/capaciteit", url.Values{"version": {"0"}, "places": {"-3"}}).
			wantStatus(t, http.StatusUnprocessableEntity).wantContains(t, `value="-3"`)

		r = co.post("/casussen/opvang/"+noord.ID+"/capaciteit", url.Values{"version": {"0"}, "places": {"5"}}).wantStatus(t, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != "/casussen/opvang?opgeslagen=1#opvang-"+noord.ID {
			t.Errorf("Location %q", loc)
		}
		co.follow(r).wantStatus(t, http.StatusOK).wantContains(t, "De capaciteit is opgeslagen.", `data-places="5"`, `data-free="5"`)
		// Stale: the current capacity, the typed number, the current version.
		r = co.post("/casussen/opvang/"+noord.ID+"/capaciteit", url.Values{"version": {"0"}, "places": {"7"}}).wantStatus(t, http.StatusConflict)
		r.wantContains(t, `data-conflict="case.shelter.stale"`, `data-places="5"`, `value="7"`, `name="version" value="1"`)

		// A placement occupies a place.
		id := openCase(t, co, e.caseForm())
		co.post("/casussen/"+id+"/plaatsingen", url.Values{"shelterOrgId": {noord.ID}, "shelterType": {e.app.Content.Casework.ShelterTypes[0].ID},
			"fromOn": {cases.Today(time.Now()).Format(time.DateOnly)}}).wantStatus(t, http.StatusSeeOther)
		co.get("/casussen/opvang").wantStatus(t, http.StatusOK).wantContains(t, `data-occupied="1"`, `data-free="4"`).wantLacks(t, "Ioana")

		// Not the coordinator's to manage: 404.
		co.post("/casussen/opvang/"+national.ID+"/capaciteit", url.Values{"version": {"0"}, "places": {"3"}}).wantStatus(t, http.StatusNotFound)
		co.post("/casussen/opvang/"+zuid.ID+"/capaciteit", url.Values{"version": {"0"}, "places": {"3"}}).wantStatus(t, http.StatusNotFound)
		for _, role := range []policy.Role{policy.Ketenpartner, policy.Signaleerder} {
			c := e.as(role)
			c.get("/casussen/opvang").wantStatus(t, http.StatusNotFound)
			c.post("/casussen/opvang/"+noord.ID+"/capaciteit", url.Values{"version": {"1"}, "places": {"3"}}).wantStatus(t, http.StatusNotFound)
		}
	})
}

// TestCaseCareAccessAndLanguages: nobody but the case's coordinators
// reaches the care sections' routes; every page of this file in both
// languages without a raw key; no personal data in any URL.
func TestCaseCareAccessAndLanguages(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		co := e.as(policy.Zorgcoordinator)
		me := e.users[policy.Zorgcoordinator]
		cw := e.app.Content.Casework
		id := openCase(t, co, e.caseForm())
		base := "/casussen/" + id
		// Something in every section.
		if _, err := e.app.Cases.AddDocument(ctx, me.Subject(), id, cases.DocumentInput{Type: cw.DocumentTypes[0].ID,
			Filename: "Paspoort Ioana.pdf", ContentType: "application/pdf", Data: pdfBytes}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.Cases.SetSupport(ctx, me.Subject(), id, 0, cases.SupportInput{Domain: cw.SupportDomains[0].ID,
			Status: cw.SupportStatuses[0].ID, Note: "Ioana zoekt werk"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.Cases.AddConsent(ctx, me.Subject(), id, cases.ConsentInput{PartnerOrgID: e.politie.ID,
			Purpose: cw.ConsentPurposes[0].ID, Basis: cases.BasisConsent, Scope: []string{cw.ShareableFields[0].ID}}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.Cases.RequestTransfer(ctx, me.Subject(), id, e.zuid.ID, "Ioana verhuist"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.Orgs.CreateOrg(ctx, org.System, org.OrgInput{Kind: org.Partner, Name: "Opvang Noord", RegionID: e.noord.ID,
			PartnerType: cases.ShelterPartnerType}); err != nil {
			t.Fatal(err)
		}
		docs, err := e.app.Cases.ListDocuments(ctx, me.Subject(), id)
		if err != nil || len(docs) != 1 {
			t.Fatal(err)
		}
		consents, _ := e.app.Cases.ListConsents(ctx, me.Subject(), id)
		transfers, _ := e.app.Cases.ListTransfers(ctx, me.Subject(), id)
		colleague := e.addUser("collega-zc@baken.test", "Collega Zorg", e.noord.ID, policy.Zorgcoordinator)
		zuid := e.addUser("zorgcoordinator-zuid@baken.test", "Zuid Zorg", e.zuid.ID, policy.Zorgcoordinator)
		support := url.Values{"domain": {cw.SupportDomains[1].ID}, "version": {"0"}, "supportStatus": {cw.SupportStatuses[0].ID}}
		consent := url.Values{"partnerOrgId": {e.politie.ID}, "purpose": {cw.ConsentPurposes[0].ID}, "basis": {cases.BasisConsent},
			"scope": {cw.ShareableFields[0].ID}}
		for _, tc := range []struct {
			name   string
			c      *client
			status int
		}{
			{"other region coordinator", e.loginAs(zuid.Email), http.StatusNotFound},
			{"reporter", e.as(policy.Signaleerder), http.StatusNotFound},
			{"partner", e.as(policy.Ketenpartner), http.StatusNotFound},
			{"colleague without access", e.loginAs(colleague.Email), http.StatusForbidden},
		} {
			c := tc.c
			for _, r := range []*response{
				c.get(base + "/documenten/" + docs[0].ID),
				c.upload(base+"/documenten", cw.DocumentTypes[0].ID, &uploadPart{"x.pdf", "application/pdf", pdfBytes}, ""),
				c.post(base+"/steunplan", support),
				c.post(base+"/toestemmingen", consent),
				c.post(base+"/toestemmingen/"+consents[0].ID+"/intrekken", url.Values{}),
				c.post(base+"/overdragen/"+transfers[0].ID+"/intrekken", url.Values{}),
				c.post(base+"/overdragen", url.Values{"toRegionId": {e.zuid.ID}, "transferReason": {"x"}}),
			} {
				if r.StatusCode != tc.status {
					t.Errorf("%s: %s %s: %d, want %d", tc.name, r.Request.Method, r.Request.URL.Path, r.StatusCode, tc.status)
				}
				r.wantLacks(t, "Ioana", "%PDF")
			}
		}
		// Nothing changed by them.
		if c, _ := e.app.Cases.ListConsents(ctx, me.Subject(), id); len(c) != 1 || !c[0].Active {
			t.Errorf("consents after the refusals: %+v", c)
		}

		for _, lang := range []string{"en", "nl"} {
			co.post("/taal", url.Values{"lang": {lang}, "next": {"/"}}).wantStatus(t, http.StatusSeeOther)
			for _, path := range []string{base, "/casussen/opvang", "/casussen/overdrachten"} {
				r := co.get(path).wantStatus(t, http.StatusOK).wantLacks(t, "web.case.", "case.transfer.", "%!")
				if k := rawKeyRE.FindString(r.body); k != "" {
					t.Errorf("%s (%s): raw key %q", path, lang, k)
				}
				if !strings.Contains(r.body, `<html lang="`+lang+`"`) {
					t.Errorf("%s: not in %s", path, lang)
				}
				noPersonalDataInURLs(t, r, "Ioana", "Paspoort", "verhuist", clientContact, clientBSN)
				seen := map[string]bool{}
				for _, m := range idAttrRE.FindAllStringSubmatch(r.body, -1) {
					if seen[m[1]] {
						t.Errorf("%s: id %q twice", path, m[1])
					}
					seen[m[1]] = true
				}
			}
		}
		co.get(base).wantContains(t, "Documenten", "Steunplan", "Toestemming en delen", "Landelijke registratie",
			"Overdragen aan een andere regio", "Paspoort Ioana.pdf", "Ioana zoekt werk")
		// The receiving region's list, in English too.
		zc := e.loginAs(zuid.Email)
		zc.post("/taal", url.Values{"lang": {"en"}, "next": {"/"}})
		r := zc.get("/casussen/overdrachten").wantStatus(t, http.StatusOK).wantContains(t, "Transfers to your region", "Accept and open the case")
		if k := rawKeyRE.FindString(r.body); k != "" {
			t.Errorf("incoming (en): raw key %q", k)
		}
	})
}
