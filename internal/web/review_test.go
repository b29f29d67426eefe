package web_test

import (
	"net/http"
	"testing"

	"github.com/baken-nl/baken/internal/policy"
)

// A timeline page number beyond the seq column's range (?voor=2^31 and
// more) shows the newest events, never the 500 page (PostgreSQL refused to
// compare the 32-bit column with it).
func TestCaseTimelineBeforeOutOfRange(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		co := e.as(policy.Zorgcoordinator)
		id := openCase(t, co, e.caseForm())
		for _, voor := range []string{"2147483648", "99999999999"} {
			co.get("/casussen/"+id+"?voor="+voor).wantStatus(t, http.StatusOK).wantContains(t, clientName)
		}
	})
}
