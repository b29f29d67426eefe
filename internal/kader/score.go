package kader

import (
	"github.com/baken-nl/baken/internal/content"
)

// tally adds one item's status to a score.
func (s *Score) tally(st Status) {
	switch st {
	case Complete:
		s.Complete++
	case Partial:
		s.Partial++
	case NotApplicable:
		s.NotApplicable++
	default:
		s.Absent++
	}
}

// finish computes the percentage: complete 1, partial ½, absent 0, over the
// blocks that apply; rounded half up to whole percents.
func (s *Score) finish() {
	n := s.Complete + s.Partial + s.Absent
	if n == 0 {
		s.Percent = nil
		return
	}
	p := (200*s.Complete + 100*s.Partial + n) / (2 * n) // = round(100·(c + p/2)/n)
	s.Percent = &p
}

// Scores computes the scores of a round's items: per theme and level (in the
// Kader's order, plateau1 before plateau2), per theme (Level ""), and
// overall (ThemeID "" and Level "", last); Basis op orde (every plateau1
// block complete or not applicable) and the plateau1 blocks in its way.
func Scores(cat *content.Catalog, items []Item) (scores []Score, basis bool, blocking []string) {
	status := make(map[string]Status, len(items))
	for _, it := range items {
		status[it.BlockID] = it.Status
	}
	overall := Score{}
	blocking = []string{}
	for _, t := range cat.Kader.Themes {
		levels := []Score{{ThemeID: t.ID, Level: content.Plateau1}, {ThemeID: t.ID, Level: content.Plateau2}}
		theme := Score{ThemeID: t.ID}
		for _, b := range t.Blocks {
			st, ok := status[b.ID]
			if !ok {
				st = Absent
			}
			i := 0
			if b.Level == content.Plateau2 {
				i = 1
			}
			levels[i].tally(st)
			theme.tally(st)
			overall.tally(st)
			if b.Level == content.Plateau1 && st != Complete && st != NotApplicable {
				blocking = append(blocking, b.ID)
			}
		}
		for i := range levels {
			levels[i].finish()
		}
		theme.finish()
		scores = append(scores, levels[0], levels[1], theme)
	}
	overall.finish()
	scores = append(scores, overall)
	return scores, len(blocking) == 0, blocking
}

// ThemeScores returns only the per-theme scores (Level "") in order.
func ThemeScores(scores []Score) []Score {
	var out []Score
	for _, s := range scores {
		if s.ThemeID != "" && s.Level == "" {
			out = append(out, s)
		}
	}
	return out
}

// Overall returns the overall score of Scores' result.
func Overall(scores []Score) Score {
	if len(scores) == 0 {
		return Score{}
	}
	return scores[len(scores)-1]
}

// rank orders statuses towards complete (not applicable counts as complete:
// it is not in the way).
func rank(s Status) int {
	switch s {
	case Complete, NotApplicable:
		return 2
	case Partial:
		return 1
	}
	return 0
}
