package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/baken-nl/baken/internal/cases"
	"github.com/baken-nl/baken/internal/kader"
	"github.com/baken-nl/baken/internal/org"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/signal"
	"github.com/baken-nl/baken/internal/store"
)

// Services are what SeedContent records through: the same services (and so
// the same policy checks, validation, encryption and processing log) as the
// pages and the API.
type Services struct {
	DB      *store.DB
	Orgs    *org.Service
	Signals *signal.Service
	Cases   *cases.Service
	Kader   *kader.Service
}

// SeedContent gives the demo world something to look at, once: when the
// database holds no signal yet, signaleerder@baken.test records three signals
// for Gemeente A (one a consultation), zorgcoordinator@baken.test sets the
// capacity of Opvang De Haven and opens a case from one signal (a fictional
// client), and beleid@baken.test fills in last year's self-assessment. The
// other signals stay open, so a case can be walked from a demo signal.
// Everything is fictional.
func SeedContent(ctx context.Context, s Services) (bool, error) {
	var n int
	if err := s.DB.ReadTx(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT COUNT(*) FROM signals`).Scan(&n)
	}); err != nil {
		return false, fmt.Errorf("demo content: %w", err)
	}
	if n > 0 {
		return false, nil
	}
	who := func(email string) (policy.Subject, error) {
		list, _, err := s.Orgs.ListUsers(ctx, org.System, org.UserFilter{Query: email, Limit: 5})
		if err != nil {
			return policy.Subject{}, err
		}
		for _, u := range list {
			if u.Email == email {
				return u.Subject(), nil
			}
		}
		return policy.Subject{}, fmt.Errorf("demo account %s is missing", email)
	}
	sig, err := who("signaleerder@baken.test")
	if err != nil {
		return false, err
	}
	coord, err := who("zorgcoordinator@baken.test")
	if err != nil {
		return false, err
	}
	beleid, err := who("beleid@baken.test")
	if err != nil {
		return false, err
	}
	now := s.DB.Now()
	day := func(daysAgo int) string { return now.AddDate(0, 0, -daysAgo).Format(time.DateOnly) }
	by := now.Year() - 27
	signals := []signal.Input{
		{Department: "wmo", ObservedOn: day(6), Place: "Wijk Noord (demo)", CameToLight: "Huisbezoek voor een Wmo-aanvraag",
			Persons: []signal.PersonInput{{Alias: "Demo-persoon M.", BirthYear: &by, Gender: "female", Nationality: "RO"}},
			Forms:   []string{"sexual"}, Indicators: []string{"exploitation.earnings_taken", "coercion.isolation"},
			Narrative: "Fictief voorbeeld: een ander voert het woord en houdt het paspoort vast."},
		{Department: "handhaving", ObservedOn: day(3), Place: "Bedrijventerrein (demo)",
			CameToLight: "Adrescontrole: veel arbeidsmigranten op één adres",
			Persons:     []signal.PersonInput{{Alias: "Demo-groep A", AgeBand: "25_34", Gender: "male"}},
			Forms:       []string{"labour"}, Signals: []string{"slaapt_op_werkadres"},
			Narrative: "Fictief voorbeeld: twaalf matrassen in een bedrijfspand, werkgever regelt huisvesting en vervoer."},
		{Department: "schuldhulp", ObservedOn: day(1), Consultation: true, Forms: []string{"criminal"},
			Persons: []signal.PersonInput{{AgeBand: "12_17", Gender: "male"}}},
	}
	var first signal.Signal
	for i, in := range signals {
		created, err := s.Signals.Create(ctx, sig, in)
		if err != nil {
			return false, fmt.Errorf("demo signal %d: %w", i+1, err)
		}
		if i == 0 {
			first = created
		}
	}
	shelters, err := s.Cases.Shelters(ctx, coord)
	if err != nil {
		return false, fmt.Errorf("demo shelters: %w", err)
	}
	for _, sh := range shelters {
		if !sh.Known {
			if _, err := s.Cases.SetCapacity(ctx, coord, sh.OrgID, 12, sh.Version); err != nil {
				return false, fmt.Errorf("demo shelter capacity: %w", err)
			}
		}
	}
	c, err := s.Cases.Create(ctx, coord, cases.Input{SignalIDs: []string{first.ID}, Client: cases.Client{
		Name: "Demo Cliënt (fictief)", Nationality: "RO", CountryOfOrigin: "RO", Languages: []string{"ro", "en"}, Gender: "female"}})
	if err != nil {
		return false, fmt.Errorf("demo case: %w", err)
	}
	if _, err := s.Cases.Transition(ctx, coord, c.ID, c.Version, cases.TransitionInput{To: cases.PhaseIntake}); err != nil {
		return false, fmt.Errorf("demo case intake: %w", err)
	}
	if _, err := s.Cases.AddEvent(ctx, coord, c.ID, cases.EventInput{Kind: cases.KindNote,
		Body: "Fictief voorbeeld: intakegesprek gepland met tolk."}); err != nil {
		return false, fmt.Errorf("demo case note: %w", err)
	}
	r, err := s.Kader.StartRound(ctx, beleid, "", now.Year()-1)
	if err != nil {
		return false, fmt.Errorf("demo self-assessment: %w", err)
	}
	done := map[string]kader.Status{
		"beleid.p1.bestuurlijk_verantwoordelijke": kader.Complete, "beleid.p1.aandachtsfunctionaris": kader.Complete,
		"beleid.p1.vastgesteld_beleid": kader.Partial, "signalering.p1.meldroute": kader.Complete,
		"signalering.p1.frontlinie_getraind": kader.Partial, "samenwerking.p1.zorgcoordinatie": kader.Complete,
		"opvang.p1.zorgcoordinatie_dekkend": kader.Complete, "bewustwording.p1.informatie_beschikbaar": kader.Complete,
	}
	for _, it := range r.Items {
		st, ok := done[it.BlockID]
		if !ok {
			continue
		}
		if _, err := s.Kader.UpdateItem(ctx, beleid, r.ID, it.BlockID, it.Version, kader.ItemInput{Status: st,
			Evidence: "Demo: zie het collegebesluit (fictief).", Owner: "Bram Beleid"}); err != nil {
			return false, fmt.Errorf("demo self-assessment %s: %w", it.BlockID, err)
		}
	}
	if _, err := s.Kader.CreateAction(ctx, beleid, "", kader.ActionInput{AssessmentID: r.ID, BlockID: "beleid.p1.vastgesteld_beleid",
		Title: "Beleidsnota mensenhandel voorleggen aan de raad", Owner: "Bram Beleid",
		Deadline: now.AddDate(0, 2, 0).Format(time.DateOnly)}); err != nil {
		return false, fmt.Errorf("demo action: %w", err)
	}
	return true, nil
}
