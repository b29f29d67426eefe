package signal

import (
	"context"
	"time"

	"github.com/baken-nl/baken/internal/assess"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
)

// Preview is what Create would assess for an intake, before it is saved:
// the engine's input and result, and the warnings the form shows without
// blocking the save (a birth year and an age band that disagree).
type Preview struct {
	Input    assess.Input      `json:"input"`
	Result   assess.Result     `json:"result"`
	Warnings []errs.FieldError `json:"warnings,omitempty"`
}

// Preview assesses intake in as Create does — the same derivation of the
// engine's input (ages, the protective reading of contradictory ages) and
// the same engine — with texts in lang, for the intake page's live
// assessment. The intake may be half filled: nothing is required, a birth
// year out of range or a missing date counts as unknown. Unknown catalogue
// ids are the engine's problems (assess.Problems), as on save.
//
// Preview writes nothing and writes no processing-log record: it reads no
// stored personal data (only what the caller typed, and the catalogue), and
// keeps nothing of it. Who may preview: whoever may record signals.
func (s *Service) Preview(ctx context.Context, actor policy.Subject, in Input, lang string) (Preview, error) {
	if actor.Anonymous() {
		return Preview{}, errs.E(errs.Unauthenticated, "error.unauthenticated")
	}
	if err := policy.Require(actor, policy.ListSignals, policy.Resource{}); err != nil {
		return Preview{}, err // roles that may never record signals
	}
	in.normalise()
	return s.preview(&in, lang, s.db.Now())
}

// preview is the one home of the intake's assessment: Create calls it on a
// validated intake, Preview on what was typed so far.
func (s *Service) preview(in *Input, lang string, now time.Time) (Preview, error) {
	ain := assessmentInput(s.cat, in, now)
	res, err := s.engine.Assess(ain, lang)
	if err != nil {
		return Preview{}, err
	}
	return Preview{Input: ain, Result: res, Warnings: ageWarnings(in, now)}, nil
}
