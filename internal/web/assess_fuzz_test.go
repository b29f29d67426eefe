package web

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzAssessForm: whatever a browser (or anyone) posts to "Signalen wegen",
// weighing it never panics, and it gives either a result or problems, each
// naming a field of the form.
func FuzzAssessForm(f *testing.F) {
	s, _ := testServer(f)
	for _, seed := range []string{
		"",
		"age=15&forms=sexual&indicators=exploitation.sexual_services&acuteDanger=1",
		"minor=1&signals=altijd_bereikbaar&department=jeugd&acts=recruit",
		"age=300&forms=piracy&indicators=coercion.magic&signals=nope&department=kelder&acts=kidnap",
		"age=-1&age=abc&smugglingPaid=1&smugglingConsented=1&smugglingFacilitated=1",
		"age=99999999999999999999&indicators=&forms=",
	} {
		f.Add(seed)
	}
	fields := map[string]bool{fAge: true, fForms: true, fDepartment: true, fSignals: true, fIndicators: true, fActs: true}
	f.Fuzz(func(t *testing.T, query string) {
		v, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		ap := s.weigh(v, "nl")
		if (ap.Result == nil) == (len(ap.Problems) == 0) {
			t.Fatalf("%q: result %v and %d problems", query, ap.Result != nil, len(ap.Problems))
		}
		for _, p := range ap.Problems {
			if !fields[p.Field] || p.Key == "" || !strings.Contains(p.Label, ".") {
				t.Fatalf("%q: problem %+v names no field of the form", query, p)
			}
		}
	})
}
