package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/baken-nl/baken/internal/assess"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/signal"
)

// reassessPage is the data of the re-assessment page: a signal's stored
// assessment beside the current ruleset's, with what differs (issue 11).
type reassessPage struct {
	Comparison signal.Comparison
	// The differences with their texts: added ones in the current result's
	// language, removed ones in the stored result's.
	AdviceAdded    []assess.Advice
	AdviceRemoved  []assess.Advice
	ReasonsAdded   []assess.Reason
	ReasonsRemoved []assess.Reason
	Alert          string // catalog key: the signal changed meanwhile
}

func (s *Server) newReassessPage(c signal.Comparison) *reassessPage {
	rp := &reassessPage{Comparison: c}
	for _, id := range c.AdviceAdded {
		for _, a := range c.Current.Result.Advice {
			if a.ID == id {
				rp.AdviceAdded = append(rp.AdviceAdded, a)
			}
		}
	}
	for _, id := range c.AdviceRemoved {
		for _, a := range c.Stored.Result.Advice {
			if a.ID == id {
				rp.AdviceRemoved = append(rp.AdviceRemoved, a)
			}
		}
	}
	for _, id := range c.ReasonsAdded {
		for _, x := range c.Current.Result.Explanation {
			if x.Rule == id {
				rp.ReasonsAdded = append(rp.ReasonsAdded, x)
			}
		}
	}
	for _, id := range c.ReasonsRemoved {
		for _, x := range c.Stored.Result.Explanation {
			if x.Rule == id {
				rp.ReasonsRemoved = append(rp.ReasonsRemoved, x)
			}
		}
	}
	return rp
}

// signalReassess shows the current ruleset's assessment beside the stored
// one (POST: the comparison is a logged read of the signal, and the button
// works without JavaScript). Nothing is stored.
func (s *Server) signalReassess(w http.ResponseWriter, r *http.Request) error {
	return s.renderReassess(w, r, http.StatusOK, "")
}

func (s *Server) renderReassess(w http.ResponseWriter, r *http.Request, status int, alert string) error {
	st := stateOf(r)
	if err := s.requireSignalsRead(st); err != nil {
		return err
	}
	id := r.PathValue("id")
	// One read of the signal, one processing-log record (per person): the
	// comparison carries the reference and status the page needs.
	c, err := s.d.Signals.Compare(r.Context(), st.subject, id, st.lang)
	if err != nil {
		return err
	}
	rp := s.newReassessPage(c)
	rp.Alert = alert
	return s.render(w, r, status, "signal_reassess", s.newPage(r, "web.signal.reassess.title", rp))
}

// signalReassessKeep keeps the current ruleset's assessment, computed again
// on the server (the page sends only the version it compared). A signal
// that changed meanwhile shows the comparison again with a message (409);
// a keep that is refused (nothing new, a final signal) shows the signal
// page with the reason (409).
func (s *Server) signalReassessKeep(w http.ResponseWriter, r *http.Request) error {
	st := stateOf(r)
	if err := s.requireSignalsRead(st); err != nil {
		return err
	}
	id := r.PathValue("id")
	version, verr := strconv.Atoi(r.PostForm.Get("version"))
	if verr != nil {
		version = -1
	}
	sig, _, err := s.d.Signals.Reassess(r.Context(), st.subject, id, version)
	if err == nil {
		http.Redirect(w, r, "/signalen/"+url.PathEscape(id)+"?herbeoordeeld=1", http.StatusSeeOther)
		return nil
	}
	e := errs.As(err)
	switch {
	case e != nil && e.Code == errs.Conflict && sig.ID != "":
		return s.renderReassess(w, r, http.StatusConflict, "error.stale")
	case e != nil && e.Code == errs.Conflict:
		cur, gerr := s.d.Signals.Get(r.Context(), st.subject, id)
		if gerr != nil {
			return gerr
		}
		sp := s.newShowPage(st, cur, newForm(nil, nil))
		sp.Alert = e.Key
		if err := s.addMeldcode(r, st, sp, nil, nil); err != nil {
			return err
		}
		return s.render(w, r, http.StatusConflict, "signal_show", s.newPage(r, "web.signal.show.title", sp))
	}
	return err
}
