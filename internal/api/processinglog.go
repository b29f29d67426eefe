package api

import (
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/org"
)

// recordJSON is one processing-log record (Logboek dataverwerkingen), the
// data subject id decrypted for the reader.
type recordJSON struct {
	Seq                  int64     `json:"seq"`
	ID                   string    `json:"id"`
	OccurredAt           time.Time `json:"occurredAt"`
	ActorID              string    `json:"actorId"`
	ActorOrgID           string    `json:"actorOrgId"`
	Action               string    `json:"action"`
	ObjectType           string    `json:"objectType"`
	ObjectID             string    `json:"objectId"`
	ProcessingActivityID string    `json:"processingActivityId"`
	DataSubjectID        *string   `json:"dataSubjectId"`
	DataSubjectIDType    *string   `json:"dataSubjectIdType"`
	TraceID              string    `json:"traceId"`
	SpanID               string    `json:"spanId"`
	ParentSpanID         string    `json:"parentSpanId"`
	Outcome              string    `json:"outcome"`
	Detail               string    `json:"detail"`
	PrevHash             string    `json:"prevHash"`
	Hash                 string    `json:"hash"`
}

func recordOf(v audit.View) recordJSON {
	return recordJSON{Seq: v.Seq, ID: v.ID, OccurredAt: v.OccurredAt, ActorID: v.ActorID, ActorOrgID: v.ActorOrgID,
		Action: v.Action, ObjectType: v.ObjectType, ObjectID: v.ObjectID, ProcessingActivityID: v.ActivityID,
		DataSubjectID: nullString(v.Subject), DataSubjectIDType: nullString(v.SubjectType), TraceID: v.TraceID,
		SpanID: v.SpanID, ParentSpanID: v.ParentSpanID, Outcome: v.Outcome, Detail: v.Detail, PrevHash: v.PrevHash, Hash: v.Hash}
}

// recordPageJSON is one page of records, newest first.
type recordPageJSON struct {
	Items      []recordJSON `json:"items"`
	NextBefore *int64       `json:"nextBefore"` // pass as "before" for the next page; null on the last
}

// logSearchJSON is the body of POST /processing-log/search: the filters of
// GET /processing-log and the data subject, which must not be in a URL.
type logSearchJSON struct {
	DataSubjectID string `json:"dataSubjectId"`
	ObjectID      string `json:"objectId"`
	ActorID       string `json:"actorId"`
	Action        string `json:"action"`
	From          string `json:"from"`
	To            string `json:"to"`
	Before        *int64 `json:"before"`
	Limit         *int   `json:"limit"`
}

// Page sizes of the processing log.
const (
	defaultLogLimit = 50
	maxLogLimit     = 500
	maxFilterLen    = 200
)

func (a *API) listProcessingLog(w http.ResponseWriter, r *http.Request, u org.User) error {
	q := parseQuery(r, "objectId", "actorId", "action", "from", "to", "before", "limit")
	f := audit.Filter{
		ObjectID: q.str("objectId", maxFilterLen),
		ActorID:  q.str("actorId", maxFilterLen),
		Action:   q.str("action", maxFilterLen),
		From:     q.time("from"),
		To:       q.time("to"),
		Before:   q.int("before", 1, 1<<62, 0),
		Limit:    int(q.int("limit", 1, maxLogLimit, defaultLogLimit)),
	}
	checkRange(&q.v, f.From, f.To)
	if err := q.v.Err(); err != nil {
		return err
	}
	return a.searchLog(w, r, u, f, "")
}

func (a *API) searchProcessingLog(w http.ResponseWriter, r *http.Request, u org.User) error {
	var in logSearchJSON
	if err := a.readJSON(w, r, &in); err != nil {
		return err
	}
	var v errs.Validation
	for _, s := range []struct{ field, value string }{
		{"dataSubjectId", in.DataSubjectID}, {"objectId", in.ObjectID}, {"actorId", in.ActorID}, {"action", in.Action},
	} {
		v.Check(utf8.RuneCountInString(s.value) <= maxFilterLen, s.field, "field.too_long")
	}
	from, ok := parseTime(in.From)
	v.Check(ok, "from", "api.field.datetime")
	to, ok := parseTime(in.To)
	v.Check(ok, "to", "api.field.datetime")
	checkRange(&v, from, to)
	f := audit.Filter{ObjectID: in.ObjectID, ActorID: in.ActorID, Action: in.Action, From: from, To: to, Limit: defaultLogLimit}
	if in.Before != nil {
		f.Before = *in.Before
		v.Check(f.Before >= 1, "before", "api.param.range")
	}
	if in.Limit != nil {
		f.Limit = *in.Limit
		v.Check(f.Limit >= 1 && f.Limit <= maxLogLimit, "limit", "api.param.range")
	}
	if err := v.Err(); err != nil {
		return err
	}
	return a.searchLog(w, r, u, f, in.DataSubjectID)
}

// checkRange: "to" must lie after "from" when both are given.
func checkRange(v *errs.Validation, from, to time.Time) {
	if !from.IsZero() && !to.IsZero() && !to.After(from) && !v.Has("to") {
		v.Add("to", "api.range.invalid")
	}
}

func (a *API) searchLog(w http.ResponseWriter, r *http.Request, u org.User, f audit.Filter, subject string) error {
	views, next, err := a.d.Viewer.Search(r.Context(), u.Subject(), f, subject)
	if err != nil {
		return err
	}
	out := recordPageJSON{Items: make([]recordJSON, 0, len(views))}
	for _, v := range views {
		out.Items = append(out.Items, recordOf(v))
	}
	if next > 0 {
		out.NextBefore = &next
	}
	return writeJSON(w, http.StatusOK, out)
}
