package api

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/baken-nl/baken/internal/cases"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/httpx"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
)

// caseMoreRoutes are the routes of what a coordinator tracks on a case
// (tasks, placements, the national registration, support, consents,
// transfers, documents) and across cases (the dashboard, open tasks,
// shelter capacity), described in openapi/cases_more.json.
func (a *API) caseMoreRoutes() []route {
	return []route{
		{"POST /api/v1/cases/{id}/tasks", false, caseAdd(a, a.d.Cases.AddTask)},
		{"GET /api/v1/cases/{id}/tasks", false, caseList(a.d.Cases.ListTasks)},
		{"POST /api/v1/cases/{id}/tasks/{taskId}/completion", false, a.completeCaseTask},
		{"POST /api/v1/cases/{id}/placements", false, caseAdd(a, a.d.Cases.AddPlacement)},
		{"GET /api/v1/cases/{id}/placements", false, caseList(a.d.Cases.ListPlacements)},
		{"POST /api/v1/cases/{id}/placements/{placementId}/ending", false, a.endCasePlacement},
		{"GET /api/v1/cases/{id}/national-registration", false, a.caseRegistration},
		{"GET /api/v1/cases/{id}/support", false, a.caseSupportPlan},
		{"PUT /api/v1/cases/{id}/support/{domain}", false, a.setCaseSupport},
		{"POST /api/v1/cases/{id}/consents", false, caseAdd(a, a.d.Cases.AddConsent)},
		{"GET /api/v1/cases/{id}/consents", false, caseList(a.d.Cases.ListConsents)},
		{"POST /api/v1/cases/{id}/consents/{consentId}/withdrawal", false, a.withdrawCaseConsent},
		{"POST /api/v1/cases/{id}/transfers", false, a.requestCaseTransfer},
		{"GET /api/v1/cases/{id}/transfers", false, caseList(a.d.Cases.ListTransfers)},
		{"POST /api/v1/cases/{id}/transfers/{transferId}/withdrawal", false, a.withdrawCaseTransfer},
		{"GET /api/v1/case-transfers", false, a.incomingCaseTransfers},
		{"POST /api/v1/case-transfers/{id}/decision", false, a.decideCaseTransfer},
		{"POST /api/v1/cases/{id}/documents", false, a.uploadCaseDocument},
		{"GET /api/v1/cases/{id}/documents", false, caseList(a.d.Cases.ListDocuments)},
		{"GET /api/v1/cases/{id}/documents/{documentId}", false, a.downloadCaseDocument},
		{"GET /api/v1/case-dashboard", false, a.caseDashboard},
		{"GET /api/v1/case-tasks", false, a.openCaseTasks},
		{"GET /api/v1/shelters", false, a.listShelters},
		{"PUT /api/v1/shelters/{id}/capacity", false, a.setShelterCapacity},
	}
}

// caseList serves GET /api/v1/cases/{id}/…: a list of a case's items (tasks,
// placements, consents, transfers, documents' metadata), as {"items": […]}.
func caseList[T any](list func(context.Context, policy.Subject, string) ([]T, error)) func(http.ResponseWriter, *http.Request, org.User) error {
	return func(w http.ResponseWriter, r *http.Request, u org.User) error {
		l, err := list(r.Context(), u.Subject(), r.PathValue("id"))
		if err != nil {
			return itemFailure(err, nil, false)
		}
		return writeJSON(w, http.StatusOK, items(l))
	}
}

// caseAdd serves POST /api/v1/cases/{id}/…: the body decoded strictly into
// the service's input, 201 with the new item. The item has no address of
// its own (it is read in the case's list), so the answer has no Location.
func caseAdd[In, Out any](a *API, add func(context.Context, policy.Subject, string, In) (Out, error)) func(http.ResponseWriter, *http.Request, org.User) error {
	return func(w http.ResponseWriter, r *http.Request, u org.User) error {
		var b In
		if err := a.readJSON(w, r, &b); err != nil {
			return err
		}
		item, err := add(r.Context(), u.Subject(), r.PathValue("id"), b)
		if err != nil {
			return itemFailure(err, nil, false)
		}
		return writeJSON(w, http.StatusCreated, item)
	}
}

// itemFailure renders what a case method on one item of a case (a task, a
// placement, …) refused, as caseFailure does; a conflict shows the item's
// current state (current, when the service returned one) in the problem's
// "current" member.
func itemFailure(err error, current any, ok bool) error {
	e := errs.As(err)
	if e == nil {
		return err
	}
	switch e.Code {
	case errs.Invalid:
		return renameCaseFields(err)
	case errs.Forbidden:
		if e.Key == "error.forbidden" {
			return errs.E(errs.Forbidden, keyCaseBreakGlass)
		}
	case errs.Conflict:
		if ok {
			return &withCurrent{err: err, current: current}
		}
	}
	return err
}

// itemsJSON is a list of the items of a case.
type itemsJSON[T any] struct {
	Items []T `json:"items"`
}

func items[T any](list []T) itemsJSON[T] {
	if list == nil {
		list = []T{}
	}
	return itemsJSON[T]{Items: list}
}

// ---- tasks ----

// versionJSON is a body that carries only the version the caller saw.
type versionJSON struct {
	Version *int `json:"version"`
}

// completeCaseTask marks a task done: 200 with the task; 409 with the
// task's current state when it changed since version or is done already.
func (a *API) completeCaseTask(w http.ResponseWriter, r *http.Request, u org.User) error {
	var b versionJSON
	if err := a.readJSON(w, r, &b); err != nil {
		return err
	}
	var v errs.Validation
	checkVersion(&v, b.Version)
	if err := v.Err(); err != nil {
		return err
	}
	t, err := a.d.Cases.CompleteTask(r.Context(), u.Subject(), r.PathValue("id"), r.PathValue("taskId"), *b.Version)
	if err != nil {
		return itemFailure(err, t, t.ID != "")
	}
	return writeJSON(w, http.StatusOK, t)
}

// ---- placements ----

// placementEndJSON is the body of POST …/placements/{placementId}/ending.
type placementEndJSON struct {
	ToOn    string `json:"toOn"`
	Version *int   `json:"version"`
}

// endCasePlacement ends a placement on toOn: 200 with the placement; 409
// with its current state when it changed since version or has ended.
func (a *API) endCasePlacement(w http.ResponseWriter, r *http.Request, u org.User) error {
	var b placementEndJSON
	if err := a.readJSON(w, r, &b); err != nil {
		return err
	}
	var v errs.Validation
	checkVersion(&v, b.Version)
	if err := v.Err(); err != nil {
		return err
	}
	p, err := a.d.Cases.EndPlacement(r.Context(), u.Subject(), r.PathValue("id"), r.PathValue("placementId"), *b.Version, b.ToOn)
	if err != nil {
		return itemFailure(err, p, p.ID != "")
	}
	return writeJSON(w, http.StatusOK, p)
}

// ---- national registration ----

// caseRegistration answers the export record for the national registry:
// only what CoMensha receives, never a name, birth date or BSN.
func (a *API) caseRegistration(w http.ResponseWriter, r *http.Request, u org.User) error {
	reg, err := a.d.Cases.NationalRegistration(r.Context(), u.Subject(), r.PathValue("id"))
	if err != nil {
		return itemFailure(err, nil, false)
	}
	return writeJSON(w, http.StatusOK, reg)
}

// ---- support ----

// caseSupportPlan answers every support domain with its status.
func (a *API) caseSupportPlan(w http.ResponseWriter, r *http.Request, u org.User) error {
	list, err := a.d.Cases.SupportPlan(r.Context(), u.Subject(), r.PathValue("id"))
	if err != nil {
		return itemFailure(err, nil, false)
	}
	return writeJSON(w, http.StatusOK, items(list))
}

// supportJSON is the body of PUT …/support/{domain}.
type supportJSON struct {
	Status  string `json:"status"`
	Note    string `json:"note"`
	Version *int   `json:"version"` // the domain's version; 0 while it was never set
}

// setCaseSupport sets the status of one support domain: 200 with it; 409
// with its current state when it changed since version.
func (a *API) setCaseSupport(w http.ResponseWriter, r *http.Request, u org.User) error {
	var b supportJSON
	if err := a.readJSON(w, r, &b); err != nil {
		return err
	}
	var v errs.Validation
	switch {
	case b.Version == nil:
		v.Add("version", "field.required")
	case *b.Version < 0:
		v.Add("version", "api.param.range")
	}
	if err := v.Err(); err != nil {
		return err
	}
	it, err := a.d.Cases.SetSupport(r.Context(), u.Subject(), r.PathValue("id"), *b.Version,
		cases.SupportInput{Domain: r.PathValue("domain"), Status: b.Status, Note: b.Note})
	if err != nil {
		return itemFailure(err, it, it.Domain != "")
	}
	return writeJSON(w, http.StatusOK, it)
}

// ---- consents ----

// withdrawCaseConsent withdraws a consent from now on: 200 with it; 409 with
// its current state when it was withdrawn already. No body.
func (a *API) withdrawCaseConsent(w http.ResponseWriter, r *http.Request, u org.User) error {
	c, err := a.d.Cases.WithdrawConsent(r.Context(), u.Subject(), r.PathValue("id"), r.PathValue("consentId"))
	if err != nil {
		return itemFailure(err, c, c.ID != "")
	}
	return writeJSON(w, http.StatusOK, c)
}

// ---- transfers ----

// transferJSON is the body of POST …/transfers.
type transferJSON struct {
	ToRegionID string `json:"toRegionId"`
	Reason     string `json:"reason"`
}

// requestCaseTransfer asks another region to take the case over: 201 with
// the transfer (no Location: it is read in the case's list).
func (a *API) requestCaseTransfer(w http.ResponseWriter, r *http.Request, u org.User) error {
	var b transferJSON
	if err := a.readJSON(w, r, &b); err != nil {
		return err
	}
	t, err := a.d.Cases.RequestTransfer(r.Context(), u.Subject(), r.PathValue("id"), b.ToRegionID, b.Reason)
	if err != nil {
		return itemFailure(err, nil, false)
	}
	return writeJSON(w, http.StatusCreated, t)
}

// withdrawCaseTransfer withdraws a pending transfer (the sending side): 200
// with it; 409 with its current state when it is no longer pending. No body.
func (a *API) withdrawCaseTransfer(w http.ResponseWriter, r *http.Request, u org.User) error {
	t, err := a.d.Cases.WithdrawTransfer(r.Context(), u.Subject(), r.PathValue("id"), r.PathValue("transferId"))
	if err != nil {
		return itemFailure(err, t, t.ID != "")
	}
	return writeJSON(w, http.StatusOK, t)
}

// incomingCaseTransfers lists the transfers pending to the caller's region:
// no client data until one is accepted.
func (a *API) incomingCaseTransfers(w http.ResponseWriter, r *http.Request, u org.User) error {
	list, err := a.d.Cases.IncomingTransfers(r.Context(), u.Subject())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, items(list))
}

// Decisions on a transfer.
const (
	decisionAccept  = "accept"
	decisionDecline = "decline"
)

// transferDecisionJSON is the body of POST /case-transfers/{id}/decision.
type transferDecisionJSON struct {
	Decision string `json:"decision"`
	Reason   string `json:"reason"` // with decline only: why (the sending region reads it)
}

// decideCaseTransfer accepts or declines a transfer to the caller's region:
// 200 with the transfer; 409 when it is no longer pending.
func (a *API) decideCaseTransfer(w http.ResponseWriter, r *http.Request, u org.User) error {
	var b transferDecisionJSON
	if err := a.readJSON(w, r, &b); err != nil {
		return err
	}
	var v errs.Validation
	switch b.Decision {
	case decisionAccept:
		v.Check(b.Reason == "", "reason", cases.KeyReasonNotAllowed)
	case decisionDecline:
	case "":
		v.Add("decision", "field.required")
	default:
		v.Add("decision", cases.KeyOptionUnknown)
	}
	if err := v.Err(); err != nil {
		return err
	}
	var (
		t   cases.Transfer
		err error
	)
	if b.Decision == decisionAccept {
		t, err = a.d.Cases.AcceptTransfer(r.Context(), u.Subject(), r.PathValue("id"))
	} else {
		t, err = a.d.Cases.DeclineTransfer(r.Context(), u.Subject(), r.PathValue("id"), b.Reason)
	}
	if err != nil {
		return renameCaseFields(err)
	}
	return writeJSON(w, http.StatusOK, t)
}

// ---- documents ----

// uploadOverhead is what a multipart body may hold beside the file: the
// boundaries, the part headers and the type.
const uploadOverhead = 64 << 10

// uploadCaseDocument stores a document (multipart/form-data with the parts
// "type" and "file"; the file part's filename and Content-Type are the
// document's): 201 with Location and the document's metadata.
func (a *API) uploadCaseDocument(w http.ResponseWriter, r *http.Request, u org.User) error {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return &problemError{status: http.StatusUnsupportedMediaType, code: codeUnsupportedMediaType, key: keyCaseMultipart}
	}
	// Refuse before reading a body of up to 10 MiB from someone who may not
	// write the case.
	if err := a.d.Cases.MayWrite(r.Context(), u.Subject(), r.PathValue("id")); err != nil {
		return err
	}
	// A document may be larger than the server's general body cap (and
	// than the API's JSON cap): this route takes up to the catalogue's
	// limit and the multipart overhead.
	maxFile := a.d.Cases.Catalog().Casework.Documents.MaxBytes
	httpx.RaiseBodyLimit(w, r, maxFile+uploadOverhead)
	r.Body = http.MaxBytesReader(w, r.Body, maxFile+uploadOverhead)
	in, err := readUpload(r, maxFile)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	d, err := a.d.Cases.AddDocument(r.Context(), u.Subject(), id, in)
	if err != nil {
		return itemFailure(err, nil, false)
	}
	w.Header().Set("Location", BasePath+"/cases/"+id+"/documents/"+d.ID)
	return writeJSON(w, http.StatusCreated, d)
}

// keyCaseMultipart: an upload that is not multipart/form-data.
const keyCaseMultipart = "caseapi.document.multipart"

// readUpload reads the parts of a document upload strictly: "type" and
// "file", each at most once; every other part is refused, all at once. The
// file is read up to maxFile+1 bytes, so the service can say it is too large.
func readUpload(r *http.Request, maxFile int64) (cases.DocumentInput, error) {
	var in cases.DocumentInput
	mr, err := r.MultipartReader()
	if err != nil {
		return in, bodyError("api.body.unreadable")
	}
	var v errs.Validation
	seen := map[string]bool{}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return in, uploadError(err)
		}
		name := p.FormName()
		if seen[name] {
			if !v.Has(name) {
				v.Add(name, "api.field.duplicate")
			}
			continue
		}
		seen[name] = true
		switch name {
		case "type":
			b, err := io.ReadAll(io.LimitReader(p, 201))
			if err != nil {
				return in, uploadError(err)
			}
			if len(b) > 200 {
				v.Add("type", "field.too_long")
			}
			in.Type = string(b)
		case "file":
			in.Filename = p.FileName()
			in.ContentType = p.Header.Get("Content-Type")
			if in.Data, err = cases.ReadUpload(p, maxFile, r.ContentLength); err != nil {
				return in, uploadError(err)
			}
		default:
			v.Add(name, "api.field.unknown")
		}
	}
	if !seen["file"] {
		v.Add("file", "field.required")
	}
	return in, v.Err()
}

// uploadError is a body that could not be read: too large (413) or not
// well-formed multipart (400).
func uploadError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return errs.E(errs.TooLarge, "error.too_large")
	}
	return bodyError("api.body.unreadable")
}

// downloadCaseDocument answers a document's bytes as an attachment, with
// the content type it was stored with (a logged read).
func (a *API) downloadCaseDocument(w http.ResponseWriter, r *http.Request, u org.User) error {
	d, data, err := a.d.Cases.GetDocument(r.Context(), u.Subject(), r.PathValue("id"), r.PathValue("documentId"))
	if err != nil {
		return itemFailure(err, nil, false)
	}
	h := w.Header()
	h.Set("Content-Type", d.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	disp := mime.FormatMediaType("attachment", map[string]string{"filename": d.Filename})
	if disp == "" {
		disp = "attachment"
	}
	h.Set("Content-Disposition", disp)
	// Never rendered in the API's origin, whatever the file holds.
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
	return nil
}

// ---- across cases ----

// caseDashboard answers the care coordinator's dashboard: counts, case
// references, dates and shelter figures; no client data.
func (a *API) caseDashboard(w http.ResponseWriter, r *http.Request, u org.User) error {
	d, err := a.d.Cases.Dashboard(r.Context(), u.Subject())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, d)
}

// openCaseTasks answers the caller's open tasks across their cases, overdue
// and upcoming: references and due dates, never the titles.
func (a *API) openCaseTasks(w http.ResponseWriter, r *http.Request, u org.User) error {
	o, err := a.d.Cases.OpenTasks(r.Context(), u.Subject())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, o)
}

// listShelters answers the shelters of the caller's region and the national
// ones, with capacity and occupancy.
func (a *API) listShelters(w http.ResponseWriter, r *http.Request, u org.User) error {
	list, err := a.d.Cases.Shelters(r.Context(), u.Subject())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, items(list))
}

// capacityJSON is the body of PUT /shelters/{id}/capacity.
type capacityJSON struct {
	Places  *int `json:"places"`
	Version *int `json:"version"` // the capacity's version; 0 while none is set
}

// setShelterCapacity sets a shelter's number of places: 200 with the
// shelter; 409 with its current state when it changed since version.
func (a *API) setShelterCapacity(w http.ResponseWriter, r *http.Request, u org.User) error {
	var b capacityJSON
	if err := a.readJSON(w, r, &b); err != nil {
		return err
	}
	var v errs.Validation
	v.Check(b.Places != nil, "places", "field.required")
	switch {
	case b.Version == nil:
		v.Add("version", "field.required")
	case *b.Version < 0:
		v.Add("version", "api.param.range")
	}
	if err := v.Err(); err != nil {
		return err
	}
	sh, err := a.d.Cases.SetCapacity(r.Context(), u.Subject(), r.PathValue("id"), *b.Places, *b.Version)
	if errs.Is(err, errs.Conflict) && sh.OrgID != "" {
		return &withCurrent{err: err, current: sh}
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, sh)
}
