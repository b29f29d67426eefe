package content

import "slices"

// Commitment is one IBP 5.11 commitment of a municipality, checked against
// the data Baken has (Check says how; the check itself is code in the kader
// package, the texts are data).
type Commitment struct {
	ID    string `yaml:"id"`
	Label Text   `yaml:"label"`
	Help  Text   `yaml:"help"`
	Check string `yaml:"check"` // one of CommitmentChecks
	Block string `yaml:"block"` // for Check "block": the building block that must be complete
}

// The checks a commitment can have.
const (
	CheckBlock           = "block"             // a building block of the round is complete
	CheckPolicyOfficer   = "policy_officer"    // the municipality has an active policy officer (aandachtsfunctionaris)
	CheckCareCoordinator = "care_coordinator"  // the municipality's region has an active care coordinator
	CheckShelter         = "shelter_in_region" // the region has a shelter organisation
	CheckSignals         = "signals_recorded"  // the municipality recorded signals in the last twelve months
)

// CommitmentChecks lists the checks.
var CommitmentChecks = []string{CheckBlock, CheckPolicyOfficer, CheckCareCoordinator, CheckShelter, CheckSignals}

func (v *validator) ibp() {
	if len(v.c.IBP) == 0 {
		v.add("ibp", "", "the list is empty")
		return
	}
	_, names := v.ids("ibp", idsOf(v.c.IBP, func(c Commitment) string { return c.ID }), isWord, wordWant)
	blocks := map[string]bool{}
	for _, t := range v.c.Kader.Themes {
		for _, b := range t.Blocks {
			blocks[b.ID] = true
		}
	}
	for i, c := range v.c.IBP {
		v.text("ibp", names[i], "label", c.Label)
		v.optionalText("ibp", names[i], "help", c.Help)
		switch {
		case !slices.Contains(CommitmentChecks, c.Check):
			v.add("ibp", names[i], "check %q is not one of %v", c.Check, CommitmentChecks)
		case c.Check == CheckBlock && !blocks[c.Block]:
			v.add("ibp", names[i], "block %q is not a building block of the kader", c.Block)
		case c.Check != CheckBlock && c.Block != "":
			v.add("ibp", names[i], "block is only for check %q", CheckBlock)
		}
	}
}
