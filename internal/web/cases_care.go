package web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/baken-nl/baken/internal/cases"
	"github.com/baken-nl/baken/internal/content"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/httpx"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
)

// The care sections of the case page — documents, the support plan,
// consent, the transfer to another region and the national registration
// (partials case_section_{documents,support,consent,transfers,registration}.html)
// — and two pages across cases: the region's shelters with their capacity
// and the incoming transfers. Every URL holds ids only; file names, notes
// and reasons travel in POST bodies and (a file name) in the
// Content-Disposition header of a download to an authorised user.
//
//   - POST /casussen/{id}/documenten                          upload (multipart: documentType, file)
//   - GET  /casussen/{id}/documenten/{doc}                    download (attachment; a logged read)
//   - POST /casussen/{id}/steunplan                           one support domain (domain, the domain's version)
//   - POST /casussen/{id}/toestemmingen                       a consent
//   - POST /casussen/{id}/toestemmingen/{consent}/intrekken   withdraw a consent
//   - POST /casussen/{id}/overdragen                          ask another region to take over (toRegionId, transferReason)
//   - POST /casussen/{id}/overdragen/{transfer}/intrekken     withdraw the pending transfer
//   - GET  /casussen/overdrachten                             incoming transfers of the coordinator's region
//   - POST /casussen/overdrachten/{transfer}/accepteren       accept: 303 to the case
//   - POST /casussen/overdrachten/{transfer}/afwijzen         decline (declineReason, optional)
//   - GET  /casussen/opvang                                   the region's shelters: places, occupied, free
//   - POST /casussen/opvang/{org}/capaciteit                  a shelter's capacity (places, version)

func (s *Server) caseCareRoutes() []route {
	return []route{
		// The upload reads its own multipart body: see caseUploadDocument.
		{"POST /casussen/{id}/documenten", upload, s.caseUploadDocument},
		{"GET /casussen/{id}/documenten/{doc}", signedIn, s.caseDownloadDocument},
		{"POST /casussen/{id}/steunplan", signedIn, s.caseSetSupport},
		{"POST /casussen/{id}/toestemmingen", signedIn, s.caseAddConsent},
		{"POST /casussen/{id}/toestemmingen/{consent}/intrekken", signedIn, s.caseWithdrawConsent},
		{"POST /casussen/{id}/overdragen", signedIn, s.caseRequestTransfer},
		{"POST /casussen/{id}/overdragen/{transfer}/intrekken", signedIn, s.caseWithdrawTransfer},
		{"GET /casussen/overdrachten", signedIn, s.caseIncoming},
		{"POST /casussen/overdrachten/{transfer}/accepteren", signedIn, s.caseAcceptTransfer},
		{"POST /casussen/overdrachten/{transfer}/afwijzen", signedIn, s.caseDeclineTransfer},
		{"GET /casussen/opvang", signedIn, s.caseShelters},
		{"POST /casussen/opvang/{org}/capaciteit", signedIn, s.caseSetCapacity},
	}
}

// The forms of these sections; each is also the anchor of its section.
const (
	caseFormDocuments = "documenten"
	caseFormSupport   = "steunplan"
	caseFormConsent   = "toestemming"
	caseFormTransfer  = "regio-overdracht"
	caseSectionRegist = "registratie"
)

// uploadMargin is what a multipart body may hold beside the file: the
// boundaries, the part headers, the CSRF token and the type.
const uploadMargin = 64 << 10

// The page's field names for the service's, where two forms on the case
// page would otherwise share a name (and an id).
var (
	documentFields = map[string]string{"type": "documentType", "filename": "file", "contentType": "file", "data": "file"}
	supportFields  = map[string]string{"status": "supportStatus", "note": "supportNote"}
	consentFields  = map[string]string{"note": "consentNote"}
	transferFields = map[string]string{"reason": "transferReason"}
	declineFields  = map[string]string{"reason": "declineReason"}
)

func init() {
	for k, v := range map[string]string{"documentType": "web.case.document.type", "file": "web.case.document.file",
		"supportStatus": "web.case.support.status", "supportNote": "web.case.support.note", "domain": "web.case.support.domain",
		"partnerOrgId": "web.case.consent.partner", "purpose": "web.case.consent.purpose", "basis": "web.case.consent.basis",
		"scope": "web.case.consent.scope", "untilOn": "web.case.consent.until", "consentNote": "web.case.consent.note",
		"toRegionId": "web.case.transfer.region", "transferReason": "web.case.transfer.reason",
		"declineReason": "web.case.transfer.decline_reason", "places": "web.case.shelter.places"} {
		caseFieldLabels[k] = v
	}
}

// renameFields moves the field errors of err to the page's field names.
func renameFields(err error, names map[string]string) error {
	if !isFieldProblem(err) {
		return err
	}
	var v errs.Validation
	seen := map[errs.FieldError]bool{}
	for _, fe := range errs.As(err).Fields {
		fe.Field = caseFieldOf(fe.Field)
		if n, ok := names[fe.Field]; ok {
			fe.Field = n
		}
		if !seen[fe] {
			seen[fe] = true
			v.Add(fe.Field, fe.Key)
		}
	}
	return v.Err()
}

// itemVersion reads the version of a sub-item (0: none stored yet; -1 when
// it is not a number, which is stale).
func itemVersion(v url.Values) int {
	n, err := strconv.Atoi(strings.TrimSpace(v.Get("version")))
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// backTo answers a saved form: 303 to the case page at section anchor.
func backTo(w http.ResponseWriter, r *http.Request, id, anchor string) {
	http.Redirect(w, r, "/casussen/"+url.PathEscape(id)+"?opgeslagen=1#"+anchor, http.StatusSeeOther)
}

// ---- the data of the sections ----

// caseCare is the data of the care sections of the case page.
type caseCare struct {
	Documents     []cases.Document
	DocumentTypes []content.Option
	// UploadMax is the largest file the upload takes (the catalogue's
	// limit, or less when the server's request cap is lower).
	UploadMax    int64
	UploadAccept string // the accept attribute: the content types
	DocumentForm *form

	Support         []cases.SupportItem
	SupportDomains  []content.Option
	SupportStatuses []content.Option
	// SupportForm is the one domain's form sent (typed values), or empty.
	SupportForm *form

	Consents        []cases.Consent
	Partners        []org.Organisation // the case region's partners and the national ones
	ConsentPurposes []content.Option
	ConsentBases    []content.Option
	ShareableFields []content.Option
	ConsentForm     *form

	Transfers    []cases.Transfer // newest first
	Pending      *cases.Transfer
	Regions      []org.Organisation // the other regions
	TransferForm *form

	Registration cases.Registration
	reporterType content.Text
	lang         string
}

// CareLabel finds the label of a catalogue option of the care sections.
func (m caseCare) CareLabel(list, id string) string {
	return caseworkLabel(map[string][]content.Option{"document": m.DocumentTypes, "domain": m.SupportDomains,
		"status": m.SupportStatuses, "purpose": m.ConsentPurposes, "basis": m.ConsentBases, "field": m.ShareableFields},
		list, id, m.lang)
}

// TransferTyped reports whether the transfer form came back with what
// was typed (then it shows even while a transfer is pending).
func (m caseCare) TransferTyped() bool {
	return m.TransferForm != nil && (m.TransferForm.Get("toRegionId") != "" || m.TransferForm.Get("transferReason") != "")
}

// ReporterType is the label of the registration's reporter type.
func (m caseCare) ReporterType() string {
	if s := m.reporterType.In(m.lang); s != "" {
		return s
	}
	return m.Registration.ReporterType
}

// HasAge reports whether the registration record has an age (the birth
// date is known); Age is that age.
func (m caseCare) HasAge() bool { return m.Registration.AgeAtRegistration != nil }

// Age is the age at registration (0 when unknown: see HasAge).
func (m caseCare) Age() int {
	if a := m.Registration.AgeAtRegistration; a != nil {
		return *a
	}
	return 0
}

// Size is a file size in words: bytes, kB or MB.
func (m caseCare) Size(n int64) string { return humanSize(n, m.lang) }

func humanSize(n int64, lang string) string {
	var s string
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		s = fmt.Sprintf("%.1f kB", float64(n)/1000)
	default:
		s = fmt.Sprintf("%.1f MB", float64(n)/(1000*1000))
	}
	if lang == "nl" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// supportRow is one domain of the support plan with its edit form: the
// values typed when this domain's form came back, the current ones
// otherwise. Suffix makes the field ids unique; the form that came back
// keeps the plain ids, so that the error summary links to its fields.
type supportRow struct {
	cases.SupportItem
	Form   *form
	Suffix string
	Failed bool
}

// SupportRows are the support plan's domains with their forms.
func (m caseCare) SupportRows() []supportRow {
	out := make([]supportRow, 0, len(m.Support))
	for _, it := range m.Support {
		row := supportRow{SupportItem: it, Suffix: "-" + it.Domain}
		if m.SupportForm != nil && m.SupportForm.Get("domain") == it.Domain {
			row.Form, row.Suffix, row.Failed = m.SupportForm, "", true
		} else {
			row.Form = newForm(url.Values{"supportStatus": {it.Status}, "supportNote": {it.Note}}, caseFieldLabels)
		}
		out = append(out, row)
	}
	return out
}

// fillCaseCare takes the care sections of case cp.Case — documents,
// support plan, consents, transfers and the national registration record —
// from its page read, reads the organisations to choose from, and registers
// the sections' forms in slot.
func (s *Server) fillCaseCare(r *http.Request, st *state, cp *casePage, slot map[string]**form, pg cases.CasePage) error {
	ctx := r.Context()
	cw := s.d.Content.Casework
	m := &cp.caseCare
	m.lang = st.lang
	m.Documents, m.Support, m.Consents, m.Transfers = pg.Documents, pg.Support, pg.Consents, pg.Transfers
	for i := range m.Transfers {
		if m.Transfers[i].Status == cases.TransferPending {
			m.Pending = &m.Transfers[i]
			break
		}
	}
	m.Registration = pg.Registration
	if p, ok := s.d.Content.PartnerType(m.Registration.ReporterType); ok {
		m.reporterType = p.Label
	}
	orgs, err := s.d.Orgs.ListOrgs(ctx, st.subject)
	if err != nil {
		return err
	}
	for _, o := range orgs {
		switch {
		case o.Kind == org.Region && o.ID != cp.Case.RegionID:
			m.Regions = append(m.Regions, o)
		case o.Kind == org.Partner && (o.RegionID == "" || o.RegionID == cp.Case.RegionID):
			m.Partners = append(m.Partners, o)
		}
	}
	m.DocumentTypes, m.SupportDomains, m.SupportStatuses = cw.DocumentTypes, cw.SupportDomains, cw.SupportStatuses
	m.ConsentPurposes, m.ConsentBases, m.ShareableFields = cw.ConsentPurposes, cw.ConsentBases, cw.ShareableFields
	m.UploadMax = s.uploadMax()
	m.UploadAccept = strings.Join(cw.Documents.ContentTypes, ",")
	m.DocumentForm = newForm(nil, caseFieldLabels)
	m.SupportForm = newForm(nil, caseFieldLabels)
	m.ConsentForm = newForm(nil, caseFieldLabels)
	m.TransferForm = newForm(nil, caseFieldLabels)
	slot[caseFormDocuments] = &m.DocumentForm
	slot[caseFormSupport] = &m.SupportForm
	slot[caseFormConsent] = &m.ConsentForm
	slot[caseFormTransfer] = &m.TransferForm
	return nil
}

// uploadMax is the largest file an upload may hold: the catalogue's limit
// (the upload route raises the general body cap, --max-body, for itself).
func (s *Server) uploadMax() int64 { return s.d.Content.Casework.Documents.MaxBytes }

// ---- documents ----

// caseUploadDocument stores a document. It is an upload route: the wrapper
// loads the session and requires a signed-in user but leaves the multipart
// body alone (its CSRF token could only be found by buffering the file), so
// the handler reads the body once, in memory, capped at the catalogue's
// limit plus a margin, then checks the token with uploadCSRF before
// anything is stored or shown.
func (s *Server) caseUploadDocument(w http.ResponseWriter, r *http.Request) error {
	return s.uploadDocument(w, r, stateOf(r))
}

// uploadForm is a document form as read from its multipart body.
type uploadForm struct {
	csrf string
	in   cases.DocumentInput
}

func (s *Server) uploadDocument(w http.ResponseWriter, r *http.Request, st *state) error {
	if err := s.requireCases(st); err != nil {
		return err
	}
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return errs.E(errs.Invalid, "web.error.bad_form")
	}
	// Refuse before reading a large body from someone who may not write
	// the case (the colleague who is not assigned sees the outline).
	if err := s.d.Cases.MayWrite(r.Context(), st.subject, r.PathValue("id")); err != nil {
		return err
	}
	maxFile := s.d.Content.Casework.Documents.MaxBytes
	if !httpx.RaiseBodyLimit(w, r, maxFile+uploadMargin) {
		r.Body = http.MaxBytesReader(w, r.Body, maxFile+uploadMargin)
	}
	up, rerr := readUpload(r, maxFile)
	var tooBig *http.MaxBytesError
	large := errors.As(rerr, &tooBig)
	if err := s.uploadCSRF(r, st, up.csrf); err != nil {
		if large {
			return &errs.Error{Code: errs.TooLarge, Key: "error.too_large", Err: rerr}
		}
		return err
	}
	id := r.PathValue("id")
	typed := url.Values{"documentType": {up.in.Type}}
	// The multipart text fields pass the edge's one rule too (F6): the
	// form again, 400, with the error at the field.
	if !httpx.ValidText(up.in.Type, false) || !httpx.ValidText(up.in.Filename, false) {
		var v errs.Validation
		if !httpx.ValidText(up.in.Type, false) {
			v.Add("documentType", "field.control_chars")
		}
		if !httpx.ValidText(up.in.Filename, false) {
			v.Add("file", "field.control_chars")
		}
		typed.Set("documentType", clean(up.in.Type, false))
		return s.caseProblem(statusAs{w, http.StatusBadRequest}, r, id, caseFormDocuments, typed, v.Err(), nil)
	}
	if large {
		// The file is larger than the body may be: the page with the
		// problem at the file field, the type kept (413).
		var v errs.Validation
		v.Add("file", "web.case.document.too_large")
		return s.caseProblem(statusAs{w, http.StatusRequestEntityTooLarge}, r, id, caseFormDocuments, typed, v.Err(), nil)
	}
	if rerr != nil {
		return &errs.Error{Code: errs.Invalid, Key: "web.error.bad_form", Err: rerr}
	}
	if _, err := s.d.Cases.AddDocument(r.Context(), st.subject, id, up.in); err != nil {
		return s.caseProblem(w, r, id, caseFormDocuments, typed, renameFields(err, documentFields), nil)
	}
	backTo(w, r, id, caseFormDocuments)
	return nil
}

// readUpload reads the parts csrf, documentType and file; the file up to
// maxFile+1 bytes, so that the service can say it is too large. Other
// parts are ignored.
func readUpload(r *http.Request, maxFile int64) (uploadForm, error) {
	var up uploadForm
	mr, err := r.MultipartReader()
	if err != nil {
		return up, err
	}
	small := func(p io.Reader) (string, error) {
		b, err := io.ReadAll(io.LimitReader(p, 1024))
		return string(b), err
	}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return up, nil
		}
		if err != nil {
			return up, err
		}
		switch p.FormName() {
		case csrfField:
			up.csrf, err = small(p)
		case "documentType":
			up.in.Type, err = small(p)
		case "file":
			up.in.Filename = p.FileName()
			up.in.ContentType = p.Header.Get("Content-Type")
			up.in.Data, err = cases.ReadUpload(p, maxFile, r.ContentLength)
		default:
			_, err = io.Copy(io.Discard, p)
		}
		if err != nil {
			return up, err
		}
	}
}

// statusAs writes status instead of the one the page renderer asks for (a
// too large upload shows the case page with 413).
type statusAs struct {
	http.ResponseWriter
	status int
}

func (w statusAs) WriteHeader(int) { w.ResponseWriter.WriteHeader(w.status) }

// caseDownloadDocument answers a document's bytes as an attachment (the
// service logs the read). The file name, personal data, is only in the
// Content-Disposition header of this answer to an authorised user.
func (s *Server) caseDownloadDocument(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := s.requireCases(st); err != nil {
		return err
	}
	d, data, err := s.d.Cases.GetDocument(r.Context(), st.subject, r.PathValue("id"), r.PathValue("doc"))
	if err != nil {
		return err
	}
	h := w.Header()
	ct := d.ContentType
	if ct == "text/plain" {
		ct = "text/plain; charset=utf-8"
	}
	h.Set("Content-Type", ct)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	disp := mime.FormatMediaType("attachment", map[string]string{"filename": d.Filename})
	if disp == "" {
		disp = "attachment"
	}
	h.Set("Content-Disposition", disp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	// Never rendered in Baken's origin, whatever the file holds.
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(data)
	}
	return nil
}

// ---- the support plan ----

func (s *Server) caseSetSupport(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := s.requireCases(st); err != nil {
		return err
	}
	id, v := r.PathValue("id"), r.PostForm
	_, err := s.d.Cases.SetSupport(r.Context(), st.subject, id, itemVersion(v), cases.SupportInput{Domain: v.Get("domain"),
		Status: v.Get("supportStatus"), Note: v.Get("supportNote")})
	if err == nil {
		backTo(w, r, id, caseFormSupport)
		return nil
	}
	typed := url.Values{"domain": {v.Get("domain")}, "supportStatus": {v.Get("supportStatus")}, "supportNote": {v.Get("supportNote")}}
	return s.caseProblem(w, r, id, caseFormSupport, typed, renameFields(err, supportFields),
		map[string]string{cases.KeySupportStale: cases.KeySupportStale})
}

// ---- consent ----

func (s *Server) caseAddConsent(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := s.requireCases(st); err != nil {
		return err
	}
	id, v := r.PathValue("id"), r.PostForm
	_, err := s.d.Cases.AddConsent(r.Context(), st.subject, id, cases.ConsentInput{PartnerOrgID: v.Get("partnerOrgId"),
		Purpose: v.Get("purpose"), Basis: v.Get("basis"), Scope: slices.Clone(v["scope"]), UntilOn: v.Get("untilOn"),
		Note: v.Get("consentNote")})
	if err == nil {
		backTo(w, r, id, caseFormConsent)
		return nil
	}
	typed := url.Values{"partnerOrgId": {v.Get("partnerOrgId")}, "purpose": {v.Get("purpose")}, "basis": {v.Get("basis")},
		"scope": slices.Clone(v["scope"]), "untilOn": {v.Get("untilOn")}, "consentNote": {v.Get("consentNote")}}
	return s.caseProblem(w, r, id, caseFormConsent, typed, renameFields(err, consentFields), nil)
}

func (s *Server) caseWithdrawConsent(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := s.requireCases(st); err != nil {
		return err
	}
	id := r.PathValue("id")
	_, err := s.d.Cases.WithdrawConsent(r.Context(), st.subject, id, r.PathValue("consent"))
	if err == nil {
		backTo(w, r, id, caseFormConsent)
		return nil
	}
	return s.caseProblem(w, r, id, caseFormConsent, nil, err, map[string]string{cases.KeyConsentWithdrawn: cases.KeyConsentWithdrawn})
}

// ---- transfers ----

// transferConflicts are the refusals of a transfer the page explains.
var transferConflicts = map[string]string{cases.KeyTransferPending: cases.KeyTransferPending,
	cases.KeyTransferClosed: cases.KeyTransferClosed, cases.KeyTransferNotPending: cases.KeyTransferNotPending}

func (s *Server) caseRequestTransfer(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := s.requireCases(st); err != nil {
		return err
	}
	id, v := r.PathValue("id"), r.PostForm
	_, err := s.d.Cases.RequestTransfer(r.Context(), st.subject, id, v.Get("toRegionId"), v.Get("transferReason"))
	if err == nil {
		backTo(w, r, id, caseFormTransfer)
		return nil
	}
	typed := url.Values{"toRegionId": {v.Get("toRegionId")}, "transferReason": {v.Get("transferReason")}}
	return s.caseProblem(w, r, id, caseFormTransfer, typed, renameFields(err, transferFields), transferConflicts)
}

func (s *Server) caseWithdrawTransfer(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := s.requireCases(st); err != nil {
		return err
	}
	id := r.PathValue("id")
	_, err := s.d.Cases.WithdrawTransfer(r.Context(), st.subject, id, r.PathValue("transfer"))
	if err == nil {
		backTo(w, r, id, caseFormTransfer)
		return nil
	}
	return s.caseProblem(w, r, id, caseFormTransfer, nil, err, transferConflicts)
}

// caseTransfersPage is the data of the incoming transfers: reference,
// sending region, forms, when — no client data.
type caseTransfersPage struct {
	Items      []cases.IncomingTransfer
	FormLabels map[string]content.Text
	// Decline is the decline form sent (typed reason, errors) for the
	// transfer Decline.Get("transfer"); Conflict a refused decision.
	Decline  *form
	Conflict string
	Failed   *form
}

// DeclineValue is the reason typed for transfer id (after a refusal).
func (p *caseTransfersPage) DeclineValue(id string) string {
	if p.Decline.Get("transfer") == id {
		return p.Decline.Get("declineReason")
	}
	return ""
}

// DeclineErr is the errors of the reason of transfer id.
func (p *caseTransfersPage) DeclineErr(id string) []string {
	if p.Decline.Get("transfer") == id {
		return p.Decline.Err("declineReason")
	}
	return nil
}

func (s *Server) renderIncoming(w http.ResponseWriter, r *http.Request, status int, typed *form, conflict string) error {
	st := stateOf(r)
	items, err := s.d.Cases.IncomingTransfers(r.Context(), st.subject)
	if err != nil {
		return err
	}
	tp := &caseTransfersPage{Items: items, FormLabels: map[string]content.Text{}, Decline: typed, Conflict: conflict}
	for _, fm := range s.d.Content.Forms {
		tp.FormLabels[fm.ID] = fm.Label
	}
	if tp.Decline == nil {
		tp.Decline = newForm(nil, caseFieldLabels)
	}
	if tp.Decline.Invalid() {
		tp.Failed = tp.Decline
	}
	p := s.newPage(r, "web.case.transfers.title", tp)
	if r.Method == http.MethodGet && r.URL.Query().Get("afgewezen") == "1" {
		p.Notice = "web.case.transfers.declined"
	}
	return s.render(w, r, status, "case_transfers", p)
}

func (s *Server) caseIncoming(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := s.requireCases(st); err != nil {
		return err
	}
	return s.renderIncoming(w, r, http.StatusOK, nil, "")
}

// decisionProblem answers a refused accept or decline: a decision taken
// meanwhile as 409 with the current list, invalid input as 422 with the
// typed reason; anything else (a transfer that is not the region's: 404)
// is returned.
func (s *Server) decisionProblem(w http.ResponseWriter, r *http.Request, typed url.Values, err error) error {
	e := errs.As(err)
	switch {
	case e != nil && e.Code == errs.Conflict && len(e.Fields) == 0:
		conflict := "web.case.conflict.stale"
		if k := transferConflicts[e.Key]; k != "" {
			conflict = k
		}
		return s.renderIncoming(w, r, http.StatusConflict, formWithErrs(typed, caseFieldLabels, nil), conflict)
	case isFieldProblem(err):
		return s.renderIncoming(w, r, http.StatusUnprocessableEntity, formWithErrs(typed, caseFieldLabels, renameFields(err, declineFields)), "")
	}
	return err
}

func (s *Server) caseAcceptTransfer(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := s.requireCases(st); err != nil {
		return err
	}
	t, err := s.d.Cases.AcceptTransfer(r.Context(), st.subject, r.PathValue("transfer"))
	if err != nil {
		return s.decisionProblem(w, r, url.Values{}, err)
	}
	http.Redirect(w, r, "/casussen/"+url.PathEscape(t.CaseID)+"?overgenomen=1", http.StatusSeeOther)
	return nil
}

func (s *Server) caseDeclineTransfer(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := s.requireCases(st); err != nil {
		return err
	}
	tid, reason := r.PathValue("transfer"), r.PostForm.Get("declineReason")
	if _, err := s.d.Cases.DeclineTransfer(r.Context(), st.subject, tid, reason); err != nil {
		return s.decisionProblem(w, r, url.Values{"transfer": {tid}, "declineReason": {reason}}, err)
	}
	http.Redirect(w, r, "/casussen/overdrachten?afgewezen=1", http.StatusSeeOther)
	return nil
}

// ---- shelters ----

// shelterRow is a shelter with whether the coordinator may set its capacity.
type shelterRow struct {
	cases.Shelter
	CanManage bool
}

// caseSheltersPage is the data of /casussen/opvang.
type caseSheltersPage struct {
	Items []shelterRow
	// Form is the capacity form sent (typed places, errors) for shelter
	// Form.Get("shelter"); Conflict a stale edit's message.
	Form     *form
	Failed   *form
	Conflict string
}

// PlacesValue is the number of places the form of shelter sh shows: typed
// after a refusal, the current one otherwise.
func (p *caseSheltersPage) PlacesValue(sh shelterRow) string {
	if p.Form.Get("shelter") == sh.OrgID {
		return p.Form.Get("places")
	}
	if sh.Known {
		return strconv.Itoa(sh.Places)
	}
	return ""
}

// PlacesErr is the errors of the places of shelter id.
func (p *caseSheltersPage) PlacesErr(id string) []string {
	if p.Form.Get("shelter") == id {
		return p.Form.Err("places")
	}
	return nil
}

func (s *Server) renderShelters(w http.ResponseWriter, r *http.Request, status int, typed *form, conflict string) error {
	st := stateOf(r)
	list, err := s.d.Cases.Shelters(r.Context(), st.subject)
	if err != nil {
		return err
	}
	sp := &caseSheltersPage{Form: typed, Conflict: conflict}
	if sp.Form == nil {
		sp.Form = newForm(nil, caseFieldLabels)
	}
	if sp.Form.Invalid() {
		sp.Failed = sp.Form
	}
	for _, sh := range list {
		sp.Items = append(sp.Items, shelterRow{Shelter: sh,
			CanManage: policy.Can(st.subject, policy.ManageShelter, policy.Resource{ID: sh.OrgID, OrgID: sh.OrgID, RegionID: sh.RegionID})})
	}
	p := s.newPage(r, "web.case.shelters.title", sp)
	if r.Method == http.MethodGet && r.URL.Query().Get("opgeslagen") == "1" {
		p.Notice = "web.case.shelters.saved"
	}
	return s.render(w, r, status, "case_shelters", p)
}

func (s *Server) caseShelters(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := s.requireCases(st); err != nil {
		return err
	}
	return s.renderShelters(w, r, http.StatusOK, nil, "")
}

func (s *Server) caseSetCapacity(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := s.requireCases(st); err != nil {
		return err
	}
	oid, v := r.PathValue("org"), r.PostForm
	// Not a number is sent as -1, which the service refuses with every
	// other problem: the page has no validation of its own.
	places, perr := strconv.Atoi(strings.TrimSpace(v.Get("places")))
	if perr != nil {
		places = -1
	}
	_, err := s.d.Cases.SetCapacity(r.Context(), st.subject, oid, places, itemVersion(v))
	if err == nil {
		http.Redirect(w, r, "/casussen/opvang?opgeslagen=1#opvang-"+url.PathEscape(oid), http.StatusSeeOther)
		return nil
	}
	typed := url.Values{"shelter": {oid}, "places": {v.Get("places")}}
	e := errs.As(err)
	switch {
	case e != nil && e.Code == errs.Conflict && len(e.Fields) == 0:
		return s.renderShelters(w, r, http.StatusConflict, newForm(typed, caseFieldLabels), cases.KeyShelterStale)
	case isFieldProblem(err):
		return s.renderShelters(w, r, http.StatusUnprocessableEntity, formWithErrs(typed, caseFieldLabels, err), "")
	}
	return err
}
