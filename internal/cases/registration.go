package cases

import (
	"context"
	"time"

	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
)

// Registration is the export record of a case for the national registry
// (CoMensha): ONLY what the registry receives — never the name, birth date,
// BSN or contact of the client, nor the case's reference.
type Registration struct {
	Forms           []string `json:"forms"`
	CountryOfOrigin string   `json:"countryOfOrigin"` // ISO 3166-1 alpha-2, "" when unknown
	// AgeAtRegistration in whole years on RegisteredOn (today while not
	// registered); null when the birth date is unknown.
	AgeAtRegistration *int   `json:"ageAtRegistration"`
	Gender            string `json:"gender"`
	Region            string `json:"region"`       // the region's name
	ReporterType      string `json:"reporterType"` // catalogue registration.reporterType
	DossierType       string `json:"dossierType"`  // catalogue dossierTypes, "" when not set
	RegisteredOn      string `json:"registeredOn"` // "" while not registered
}

// AgeOn returns the age in whole years on day of someone born on birth
// (both YYYY-MM-DD); ok is false when either is not a date or day is before
// birth.
func AgeOn(birth, day string) (int, bool) {
	b, ok1 := parseDate(birth)
	d, ok2 := parseDate(day)
	if !ok1 || !ok2 || d.Before(b) {
		return 0, false
	}
	age := d.Year() - b.Year()
	if d.Month() < b.Month() || d.Month() == b.Month() && d.Day() < b.Day() {
		age--
	}
	return age, true
}

// NationalRegistration returns the export record of case caseID for the
// national registry. Computing it opens the client (country, birth date,
// gender): a logged read (detail "national_registration").
func (s *Service) NationalRegistration(ctx context.Context, actor policy.Subject, caseID string) (Registration, error) {
	var r Registration
	err := s.readWith(ctx, actor, caseID, "national registration", "national_registration", func(tx *store.Tx, c *Case) error {
		var err error
		r, err = s.registrationOf(ctx, tx, c)
		return err
	})
	if err != nil {
		return Registration{}, err
	}
	return r, nil
}

// registrationOf computes the export record of an opened case.
func (s *Service) registrationOf(ctx context.Context, tx *store.Tx, c *Case) (Registration, error) {
	r := Registration{Forms: c.Forms, CountryOfOrigin: c.Client.CountryOfOrigin, Gender: c.Client.Gender,
		ReporterType: s.cat.Casework.Registration.ReporterType, DossierType: c.DossierType, RegisteredOn: c.RegisteredOn}
	if r.Forms == nil {
		r.Forms = []string{}
	}
	on := c.RegisteredOn
	if on == "" {
		on = Today(tx.Now).Format(time.DateOnly)
	}
	if age, ok := AgeOn(c.Client.BirthDate, on); ok {
		r.AgeAtRegistration = &age
	}
	return r, tx.QueryRow(ctx, `SELECT name FROM organisations WHERE id = ?`, c.RegionID).Scan(&r.Region)
}
