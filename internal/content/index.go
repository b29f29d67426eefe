package content

import (
	"maps"
	"slices"
)

// index holds the lookup maps of a validated catalogue. It is built once by
// Validate and never changed afterwards, so any number of goroutines may
// read a loaded Catalog at the same time.
type index struct {
	forms       map[string]Form
	dimensions  map[string]Dimension
	indicators  map[string]Indicator
	departments map[string]Department
	signals     map[string]FrontlineSignal
	riskFactors map[string]RiskFactor
	advice      map[string]Advice
	partners    map[string]PartnerType
	themes      map[string]Theme
	blocks      map[string]BuildingBlock

	byDimension map[string][]Indicator          // in file order
	signalsFor  map[[2]string][]FrontlineSignal // {form, department}, "" for any; in file order
	bySignal    map[string][]FrontlineSignal    // indicator id → signals that map to it
}

func byID[T any](items []T, id func(T) string) map[string]T {
	m := make(map[string]T, len(items))
	for _, it := range items {
		m[id(it)] = it
	}
	return m
}

func newIndex(c *Catalog) *index {
	ix := &index{
		forms:       byID(c.Forms, func(f Form) string { return f.ID }),
		dimensions:  byID(c.Dimensions, func(d Dimension) string { return d.ID }),
		indicators:  byID(c.Indicators, func(i Indicator) string { return i.ID }),
		departments: byID(c.Departments, func(d Department) string { return d.ID }),
		signals:     byID(c.FrontlineSignals, func(s FrontlineSignal) string { return s.ID }),
		riskFactors: byID(c.RiskFactors, func(r RiskFactor) string { return r.ID }),
		advice:      byID(c.Advice, func(a Advice) string { return a.ID }),
		partners:    byID(c.PartnerTypes, func(p PartnerType) string { return p.ID }),
		themes:      byID(c.Kader.Themes, func(t Theme) string { return t.ID }),
		blocks:      map[string]BuildingBlock{},
		byDimension: map[string][]Indicator{},
		signalsFor:  map[[2]string][]FrontlineSignal{},
		bySignal:    map[string][]FrontlineSignal{},
	}
	for _, t := range c.Kader.Themes {
		for _, b := range t.Blocks {
			ix.blocks[b.ID] = b
		}
	}
	for _, d := range c.Dimensions {
		ix.byDimension[d.ID] = []Indicator{}
	}
	for _, ind := range c.Indicators {
		ix.byDimension[ind.Dimension()] = append(ix.byDimension[ind.Dimension()], ind)
	}
	forms := append([]string{""}, idsOf(c.Forms, func(f Form) string { return f.ID })...)
	depts := append([]string{""}, idsOf(c.Departments, func(d Department) string { return d.ID })...)
	for _, f := range forms {
		for _, d := range depts {
			var list []FrontlineSignal
			for _, s := range c.FrontlineSignals {
				if matches(s.Forms, f) && matches(s.Departments, d) {
					list = append(list, s)
				}
			}
			ix.signalsFor[[2]string{f, d}] = slices.Clip(list)
		}
	}
	for _, s := range c.FrontlineSignals {
		for _, id := range s.Indicators {
			ix.bySignal[id] = append(ix.bySignal[id], s)
		}
	}
	return ix
}

// matches reports whether a signal's list (empty: any) admits want ("": any).
func matches(list []string, want string) bool {
	return want == "" || len(list) == 0 || slices.Contains(list, want)
}

// ix returns the index built by the last successful Validate. A Catalog that
// was never validated (e.g. built by hand in a test) gets a fresh index on
// each call: correct, but slow.
func (c *Catalog) ix() *index {
	if c.idx != nil {
		return c.idx
	}
	return newIndex(c)
}

// Form returns the form of exploitation with this id.
func (c *Catalog) Form(id string) (Form, bool) { f, ok := c.ix().forms[id]; return f, ok }

// Dimension returns the indicator dimension with this id.
func (c *Catalog) Dimension(id string) (Dimension, bool) {
	d, ok := c.ix().dimensions[id]
	return d, ok
}

// Indicator returns the indicator with this id (dimension.concept). The
// Overrides slice is shared: do not modify it.
func (c *Catalog) Indicator(id string) (Indicator, bool) {
	i, ok := c.ix().indicators[id]
	return i, ok
}

// Department returns the department with this id.
func (c *Catalog) Department(id string) (Department, bool) {
	d, ok := c.ix().departments[id]
	return d, ok
}

// Signal returns the frontline signal with this id.
func (c *Catalog) Signal(id string) (FrontlineSignal, bool) {
	s, ok := c.ix().signals[id]
	return s, ok
}

// RiskFactor returns the risk factor with this id.
func (c *Catalog) RiskFactor(id string) (RiskFactor, bool) {
	r, ok := c.ix().riskFactors[id]
	return r, ok
}

// AdviceByID returns the advice with this id. (It cannot be called Advice:
// that is the name of the Catalog field.)
func (c *Catalog) AdviceByID(id string) (Advice, bool) {
	a, ok := c.ix().advice[id]
	return a, ok
}

// PartnerType returns the partner type with this id.
func (c *Catalog) PartnerType(id string) (PartnerType, bool) {
	p, ok := c.ix().partners[id]
	return p, ok
}

// Theme returns the Kader theme with this id.
func (c *Catalog) Theme(id string) (Theme, bool) { t, ok := c.ix().themes[id]; return t, ok }

// BuildingBlock returns the Kader building block with this id.
func (c *Catalog) BuildingBlock(id string) (BuildingBlock, bool) {
	b, ok := c.ix().blocks[id]
	return b, ok
}

// Explanation returns the text of an engine rule by rule id.
func (c *Catalog) Explanation(id string) (Text, bool) {
	t, ok := c.Explanations[id]
	return t, ok
}

// SignalsFor returns the frontline signals for a form and a department, in
// file order; "" means any form or any department, and a signal that lists
// no forms (or no departments) counts for all of them. An unknown form or
// department gives nil. The result is the caller's to keep or change.
func (c *Catalog) SignalsFor(form, department string) []FrontlineSignal {
	return slices.Clone(c.ix().signalsFor[[2]string{form, department}])
}

// SignalsForIndicator returns the frontline signals that map to an indicator
// id, in file order.
func (c *Catalog) SignalsForIndicator(id string) []FrontlineSignal {
	return slices.Clone(c.ix().bySignal[id])
}

// IndicatorsByDimension returns every dimension's indicators in file order
// (a dimension without indicators has an empty list). The map and slices are
// the caller's to keep or change.
func (c *Catalog) IndicatorsByDimension() map[string][]Indicator {
	m := maps.Clone(c.ix().byDimension)
	for k, v := range m {
		m[k] = slices.Clone(v)
	}
	return m
}

// IndicatorsOf returns one dimension's indicators in file order.
func (c *Catalog) IndicatorsOf(dimension string) []Indicator {
	return slices.Clone(c.ix().byDimension[dimension])
}

// StrengthFor returns an indicator's strength for a population (adult or
// child) and the suspected forms (INDICATORS.md): per form the override for
// that form and population, or else the base strength; with several forms
// the highest of these; with no form the base strength.
func (i Indicator) StrengthFor(population string, forms []string) Strength {
	base := i.Adult
	if population == Child {
		base = i.Child
	}
	if len(forms) == 0 {
		return base
	}
	best := Strength("")
	for _, f := range forms {
		s := base
		for _, o := range i.Overrides {
			if o.Form == f && o.Population == population {
				s = o.Strength
				break
			}
		}
		if rank(s) > rank(best) {
			best = s
		}
	}
	return best
}

func rank(s Strength) int {
	switch s {
	case Strong:
		return 3
	case Medium:
		return 2
	case Weak:
		return 1
	}
	return 0
}
