package signal_test

import (
	"reflect"
	"testing"

	"github.com/baken-nl/baken/internal/assess"
	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/signal"
)

// TestInLanguage: the stored assessment (Dutch texts) shown in English is
// the engine's re-run on the stored input while the ruleset is unchanged —
// the same result in other words — and the stored Dutch texts, untouched,
// once the ruleset has changed.
func TestInLanguage(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		created := f.create(t, f.sig, input())
		stored, err := f.svc.Get(f.ctx, f.coordNoord, created.ID)
		if err != nil {
			t.Fatal(err)
		}
		if stored.Assessment.Ruleset != engine.Ruleset() || stored.Ruleset != engine.Ruleset() {
			t.Fatalf("stored ruleset %q/%q, engine %q", stored.Ruleset, stored.Assessment.Ruleset, engine.Ruleset())
		}
		nl, err := engine.Assess(stored.AssessmentInput, "nl")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(stored.Assessment, nl) {
			t.Fatalf("the stored assessment is not the engine's Dutch one:\n%+v\n%+v", stored.Assessment, nl)
		}

		t.Run("same ruleset: re-rendered in English", func(t *testing.T) {
			got, lang := f.svc.InLanguage(stored, "en")
			if lang != "en" {
				t.Fatalf("language %q, want en", lang)
			}
			want, err := engine.Assess(stored.AssessmentInput, "en")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Assessment, want) {
				t.Errorf("assessment in English:\n%+v\nwant\n%+v", got.Assessment, want)
			}
			if len(got.Assessment.Explanation) == 0 || len(got.Assessment.Advice) == 0 {
				t.Fatal("nothing to compare: the input fires no rule or advice")
			}
			for i, r := range got.Assessment.Explanation {
				if r.Rule != stored.Assessment.Explanation[i].Rule || r.Text == stored.Assessment.Explanation[i].Text {
					t.Errorf("explanation %d: %q %q, stored %q %q", i, r.Rule, r.Text,
						stored.Assessment.Explanation[i].Rule, stored.Assessment.Explanation[i].Text)
				}
			}
			if got.Assessment.Outcome != stored.Assessment.Outcome || got.Ruleset != stored.Ruleset {
				t.Errorf("outcome %q ruleset %q, stored %q %q", got.Assessment.Outcome, got.Ruleset, stored.Assessment.Outcome, stored.Ruleset)
			}
			if stored.Assessment.Explanation[0].Text != nl.Explanation[0].Text {
				t.Error("InLanguage changed its argument")
			}
			// Dutch: the stored texts as they are.
			if got, lang := f.svc.InLanguage(stored, "nl"); lang != "nl" || !reflect.DeepEqual(got, stored) {
				t.Errorf("Dutch: language %q, changed %v", lang, !reflect.DeepEqual(got, stored))
			}
		})

		t.Run("ruleset changed: the stored Dutch texts", func(t *testing.T) {
			next := *catalog
			next.Meta.Ruleset = catalog.Meta.Ruleset + "-next"
			e2, err := assess.New(&next)
			if err != nil {
				t.Fatal(err)
			}
			svc2 := signal.NewService(f.db, audit.New(f.keys), f.keys, &next, e2)
			again, err := svc2.Get(f.ctx, f.coordNoord, created.ID)
			if err != nil {
				t.Fatal(err)
			}
			got, lang := svc2.InLanguage(again, "en")
			if lang != signal.AssessmentLang {
				t.Errorf("language %q, want %q (the stored texts)", lang, signal.AssessmentLang)
			}
			if !reflect.DeepEqual(got.Assessment, stored.Assessment) || got.Ruleset != stored.Ruleset {
				t.Errorf("assessment changed after a ruleset change:\n%+v\nwant\n%+v", got.Assessment, stored.Assessment)
			}
		})

		t.Run("a re-run that does not reproduce the result: the stored texts", func(t *testing.T) {
			odd := stored
			odd.Assessment.Outcome = assess.NoIndication
			if stored.Assessment.Outcome == assess.NoIndication {
				odd.Assessment.Outcome = assess.TraffickingLikely
			}
			if got, lang := f.svc.InLanguage(odd, "en"); lang != "nl" || !reflect.DeepEqual(got, odd) {
				t.Errorf("language %q, changed %v", lang, !reflect.DeepEqual(got, odd))
			}
		})
	})
}
