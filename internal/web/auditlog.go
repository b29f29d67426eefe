package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
)

// logPage is the processing-log viewer (Logboek dataverwerkingen).
type logPage struct {
	Form    *form
	Records []audit.View
	// Next is the cursor of the next (older) page, 0 when there is none.
	Next int64
	// BySubject: the search names a data subject, so it came as a POST and
	// its paging must stay a POST (the subject never goes in a URL).
	BySubject bool
	OlderLink string // GET link to the next page when !BySubject
}

var logLabels = map[string]string{
	"object": "web.log.object", "actor": "web.log.actor", "action": "web.log.action",
	"from": "web.log.from", "to": "web.log.to", "subject": "web.log.subject",
}

// logIDRE: filters hold ids and action names only — no e-mail addresses or
// names in the query string.
var logIDRE = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,100}$`)

const logPageSize = 50

// auditLog shows the processing log to the privacyfunctionaris and the
// beheerder. The id and date filters are a GET form; the data-subject
// filter is a POST form, and so is its "older records" button.
func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if !policy.Can(st.subject, policy.ReadAudit, policy.Resource{}) {
		return errForbidden
	}
	in := r.URL.Query()
	if r.Method == http.MethodPost {
		in = r.PostForm
	}
	keep := url.Values{}
	for _, k := range []string{"object", "actor", "action", "from", "to", "subject"} {
		if v := strings.TrimSpace(in.Get(k)); v != "" {
			keep.Set(k, v)
		}
	}
	if r.Method != http.MethodPost {
		keep.Del("subject")
	}
	f := newForm(keep, logLabels)
	lp := logPage{Form: f, BySubject: keep.Get("subject") != ""}
	filter := audit.Filter{ObjectID: keep.Get("object"), ActorID: keep.Get("actor"), Action: keep.Get("action"), Limit: logPageSize}
	for _, k := range []string{"object", "actor", "action"} {
		if v := keep.Get(k); v != "" && !logIDRE.MatchString(v) {
			f.Add(k, "web.log.bad_id")
		}
	}
	filter.From = s.parseDay(f, "from", keep.Get("from"))
	if to := s.parseDay(f, "to", keep.Get("to")); !to.IsZero() {
		filter.To = to.AddDate(0, 0, 1) // "tot en met": the whole day
		if !filter.From.IsZero() && filter.To.Before(filter.From) {
			f.Add("to", "web.log.bad_range")
		}
	}
	if len(keep.Get("subject")) > 254 {
		f.Add("subject", "field.too_long")
	}
	if b := in.Get("before"); b != "" {
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n < 1 {
			return errs.E(errs.Invalid, "web.error.bad_page")
		}
		filter.Before = n
	}
	if f.Invalid() {
		p := s.newPage(r, "web.log.title", lp)
		p.Self = "/logboek"
		return s.render(w, r, http.StatusUnprocessableEntity, "log", p)
	}
	recs, next, err := s.d.Viewer.Search(r.Context(), st.subject, filter, keep.Get("subject"))
	if err != nil {
		return err
	}
	lp.Records, lp.Next = recs, next
	if next > 0 && !lp.BySubject {
		q := url.Values{}
		for k, v := range keep {
			q[k] = v
		}
		q.Set("before", strconv.FormatInt(next, 10))
		lp.OlderLink = "/logboek?" + q.Encode()
	}
	p := s.newPage(r, "web.log.title", lp)
	p.Self = "/logboek"
	return s.render(w, r, http.StatusOK, "log", p)
}

// parseDay reads a date (YYYY-MM-DD) as the start of that day in Dutch time.
func (s *Server) parseDay(f *form, field, v string) time.Time {
	if v == "" {
		return time.Time{}
	}
	t, err := time.ParseInLocation("2006-01-02", v, s.tz)
	if err != nil || t.Year() < 2000 || t.Year() > 9999 {
		f.Add(field, "web.log.bad_date")
		return time.Time{}
	}
	return t
}

// activityName is the readable end of a processing activity id.
func activityName(id string) string {
	if i := strings.LastIndexByte(id, ':'); i >= 0 {
		return id[i+1:]
	}
	return id
}
