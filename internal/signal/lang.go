package signal

import (
	"slices"

	"github.com/baken-nl/baken/internal/assess"
)

// InLanguage returns sig with the texts of its assessment in lang, and the
// language those texts are in. The stored texts are Dutch (AssessmentLang);
// the stored engine input and the rule ids are language-neutral. For another
// language the engine re-runs on the stored input, but only while its
// ruleset and content version are the ones the signal was assessed with:
// the same rules, strengths and texts give the same result, only in other
// words. After a ruleset change, and after a content change (the advice
// texts, contacts and explanations are the content's: another version may
// say other things in the other language), the stored Dutch texts are
// returned (and the language returned is AssessmentLang), since a signal's
// assessment is never recomputed silently. So are they for a signal whose
// content version was not recorded (assessed before it was). The same holds,
// as a safeguard, when the re-run does not reproduce the stored result apart
// from its texts.
func (s *Service) InLanguage(sig Signal, lang string) (Signal, string) {
	if lang == AssessmentLang || sig.Ruleset == "" || sig.Ruleset != s.engine.Ruleset() ||
		sig.ContentVersion == "" || sig.ContentVersion != s.cat.Meta.Version {
		return sig, AssessmentLang
	}
	res, err := s.engine.Assess(sig.AssessmentInput, lang)
	if err != nil || !sameResult(res, sig.Assessment) {
		return sig, AssessmentLang
	}
	sig.Assessment = res
	return sig, lang
}

// sameResult reports whether two results say the same, whatever their
// language: outcome, population, elements, dimensions, the advice and the
// rules that fired, in the same order.
func sameResult(a, b assess.Result) bool {
	if a.Outcome != b.Outcome || a.Population != b.Population || a.Elements != b.Elements || a.Ruleset != b.Ruleset ||
		!slices.Equal(a.Dimensions, b.Dimensions) ||
		!slices.EqualFunc(a.Advice, b.Advice, func(x, y assess.Advice) bool { return x.ID == y.ID && x.Urgent == y.Urgent }) {
		return false
	}
	return slices.EqualFunc(a.Explanation, b.Explanation, func(x, y assess.Reason) bool { return x.Rule == y.Rule })
}
