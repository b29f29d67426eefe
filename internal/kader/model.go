// Package kader is the municipality's self-assessment against the Kader
// aanpak mensenhandel (issue 6): rounds per year with a status per building
// block, scores per theme and level, "Basis op orde", the IBP 5.11 checklist
// fed by Baken's own data, the action plan, comparisons between rounds and
// the region view. The framework itself is content (content.Kader, data/
// kader.yaml, data/ibp.yaml). See docs/kader.md.
package kader

import (
	"time"

	"github.com/baken-nl/baken/internal/content"
	"github.com/baken-nl/baken/internal/policy"
)

// Status of a building block in a round.
type Status string

const (
	Absent        Status = "absent"
	Partial       Status = "partial"
	Complete      Status = "complete"
	NotApplicable Status = "not_applicable"
)

// Statuses lists the statuses.
var Statuses = []Status{Absent, Partial, Complete, NotApplicable}

// ActionStatus of an action of the plan.
type ActionStatus string

const (
	Planned    ActionStatus = "planned"
	InProgress ActionStatus = "in_progress"
	Done       ActionStatus = "done"
	Cancelled  ActionStatus = "cancelled"
)

// ActionStatuses lists the action statuses.
var ActionStatuses = []ActionStatus{Planned, InProgress, Done, Cancelled}

// Limits.
const (
	MaxEvidence = 5000
	MaxRemark   = 2000
	MaxOwner    = 200
	MaxLinks    = 10
	MaxLink     = 500
	MaxTitle    = 300
	MaxDesc     = 5000
	MaxNote     = 4000
	// FirstYear is the earliest year of a round (the Kader dates from 2021;
	// earlier years allow a municipality to record its history).
	FirstYear = 2015
)

// Item is one building block in a round.
type Item struct {
	BlockID   string    `json:"id"`
	ThemeID   string    `json:"theme"`
	Level     string    `json:"level"`
	Status    Status    `json:"status"`
	Evidence  string    `json:"evidence"`
	Links     []string  `json:"links"`
	Owner     string    `json:"owner"`
	Date      string    `json:"date,omitempty"` // YYYY-MM-DD or ""
	Remark    string    `json:"remark"`
	UpdatedBy string    `json:"updatedBy,omitempty"`
	UpdatedAt time.Time `json:"updatedAt"`
	Version   int       `json:"version"`
}

// ItemInput is what a policy officer fills in for a building block.
type ItemInput struct {
	Status   Status   `json:"status"`
	Evidence string   `json:"evidence"`
	Links    []string `json:"links"`
	Owner    string   `json:"owner"`
	Date     string   `json:"date"`
	Remark   string   `json:"remark"`
}

// Score of a theme at a level (Level "" for the theme as a whole, ThemeID ""
// for the whole framework): complete counts 1, partial ½, absent 0;
// not applicable blocks are left out. Percent is nil when every block is not
// applicable.
type Score struct {
	ThemeID       string `json:"theme,omitempty"`
	Level         string `json:"level,omitempty"`
	Complete      int    `json:"complete"`
	Partial       int    `json:"partial"`
	Absent        int    `json:"absent"`
	NotApplicable int    `json:"notApplicable"`
	Percent       *int   `json:"percent"`
}

// CommitmentResult is one IBP 5.11 commitment checked against the data.
type CommitmentResult struct {
	ID  string `json:"id"`
	Met bool   `json:"met"`
	// Evidence is what the check found, language-neutral: a count or names
	// (the web and API render it).
	Count int      `json:"count"`
	Names []string `json:"names,omitempty"`
	Check string   `json:"check"`
	Block string   `json:"block,omitempty"`
	// From and To (YYYY-MM-DD, inclusive) are the period of a count over
	// time (signals recorded): the last twelve months for this year's
	// round, the calendar year for an earlier year's.
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
}

// Round is one self-assessment round of a municipality.
type Round struct {
	ID               string             `json:"id"`
	MunicipalityID   string             `json:"municipalityId"`
	MunicipalityName string             `json:"municipalityName"`
	RegionID         string             `json:"regionId"`
	Year             int                `json:"year"`
	ContentVersion   string             `json:"contentVersion"`
	Items            []Item             `json:"items"`
	Scores           []Score            `json:"scores"` // per theme and level, per theme, and overall (last)
	BasisOpOrde      bool               `json:"basisOpOrde"`
	Blocking         []string           `json:"blocking"` // plateau1 blocks neither complete nor not applicable
	IBP              []CommitmentResult `json:"ibp"`
	CreatedBy        string             `json:"createdBy"`
	CreatedAt        time.Time          `json:"createdAt"`
	UpdatedAt        time.Time          `json:"updatedAt"`
	Version          int                `json:"version"`
}

// Resource is the policy view of the round.
func (r Round) Resource() policy.Resource {
	return policy.Resource{ID: r.ID, OrgID: r.MunicipalityID, RegionID: r.RegionID}
}

// RoundSummary is a round in a list.
type RoundSummary struct {
	ID          string `json:"id"`
	Year        int    `json:"year"`
	Overall     *int   `json:"overall"`
	BasisOpOrde bool   `json:"basisOpOrde"`
	Blocking    int    `json:"blocking"`
}

// Action is one action of the plan.
type Action struct {
	ID             string       `json:"id"`
	MunicipalityID string       `json:"municipalityId"`
	AssessmentID   string       `json:"assessmentId,omitempty"`
	BlockID        string       `json:"blockId,omitempty"`
	Title          string       `json:"title"`
	Description    string       `json:"description"`
	Owner          string       `json:"owner"`
	Deadline       string       `json:"deadline"`
	Status         ActionStatus `json:"status"`
	Overdue        bool         `json:"overdue"`
	Notes          []Note       `json:"notes"`
	CreatedAt      time.Time    `json:"createdAt"`
	UpdatedAt      time.Time    `json:"updatedAt"`
	Version        int          `json:"version"`
}

// Note is a progress note of an action.
type Note struct {
	ID         string    `json:"id"`
	AuthorID   string    `json:"authorId"`
	AuthorName string    `json:"authorName"`
	Body       string    `json:"body"`
	At         time.Time `json:"at"`
}

// ActionInput creates or changes an action.
type ActionInput struct {
	AssessmentID string       `json:"assessmentId"`
	BlockID      string       `json:"blockId"`
	Title        string       `json:"title"`
	Description  string       `json:"description"`
	Owner        string       `json:"owner"`
	Deadline     string       `json:"deadline"`
	Status       ActionStatus `json:"status"`
}

// Change is a building block whose status differs between two rounds.
type Change struct {
	BlockID string `json:"id"`
	From    Status `json:"from"`
	To      Status `json:"to"`
	// Better: the status moved towards complete.
	Better bool `json:"better"`
}

// Comparison of two rounds of one municipality.
type Comparison struct {
	From    RoundSummary `json:"from"`
	To      RoundSummary `json:"to"`
	Changes []Change     `json:"changes"`
	// ScoreChanges per theme (overall percent from → to).
	Themes []ThemeChange `json:"themes"`
}

// ThemeChange is a theme's score in two rounds.
type ThemeChange struct {
	ThemeID string `json:"theme"`
	From    *int   `json:"from"`
	To      *int   `json:"to"`
}

// RegionView is every municipality of a region × theme for a year.
type RegionView struct {
	RegionID   string      `json:"regionId"`
	RegionName string      `json:"regionName"`
	Year       int         `json:"year"`
	Rows       []RegionRow `json:"rows"`
}

// RegionRow is one municipality in the region view.
type RegionRow struct {
	MunicipalityID   string  `json:"municipalityId"`
	MunicipalityName string  `json:"municipalityName"`
	HasRound         bool    `json:"hasRound"`
	Themes           []Score `json:"themes"` // per theme (Level ""), in the Kader's order
	Overall          *int    `json:"overall"`
	BasisOpOrde      bool    `json:"basisOpOrde"`
	Blocking         int     `json:"blocking"`
}

// blocks returns every building block of the Kader with its theme, in order.
func blocks(cat *content.Catalog) []struct {
	Theme string
	content.BuildingBlock
} {
	var out []struct {
		Theme string
		content.BuildingBlock
	}
	for _, t := range cat.Kader.Themes {
		for _, b := range t.Blocks {
			out = append(out, struct {
				Theme string
				content.BuildingBlock
			}{t.ID, b})
		}
	}
	return out
}
