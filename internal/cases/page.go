package cases

import (
	"context"

	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
)

// CasePage is everything the case page shows, read in one transaction: the
// case, the newest events of its timeline, and its tasks, placements,
// support plan, documents (metadata), consents, transfers and the national
// registration record.
type CasePage struct {
	Case         Case
	Events       EventPage
	Tasks        []Task
	Placements   []Placement
	Support      []SupportItem
	Documents    []Document
	Consents     []Consent
	Transfers    []Transfer
	Registration Registration
}

// Page reads the case page of case id for an assigned coordinator (or a
// holder of a current grant), with the newest events timeline events
// before seq before (0: the newest). One read, one processing-log record
// ("case.read", detail "page"): a page view is one processing of the
// client's data, not nine.
func (s *Service) Page(ctx context.Context, actor policy.Subject, id string, events, before int) (CasePage, error) {
	var p CasePage
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		c, err := s.access(ctx, tx, actor, id, policy.ReadCase)
		if err != nil {
			return err
		}
		p.Case = c
		if p.Events, err = s.events(ctx, tx, id, before, max(1, min(events, MaxLimit))); err != nil {
			return err
		}
		if p.Tasks, err = s.tasks(ctx, tx, `t.case_id = ?`, id); err != nil {
			return err
		}
		if p.Placements, err = placementsOf(ctx, tx, id); err != nil {
			return err
		}
		if p.Support, err = s.supportPlanOf(ctx, tx, id); err != nil {
			return err
		}
		if p.Documents, err = s.documentsOf(ctx, tx, id); err != nil {
			return err
		}
		if p.Consents, err = s.consents(ctx, tx, `cc.case_id = ?`, id); err != nil {
			return err
		}
		if p.Transfers, err = s.transfers(ctx, tx, true, `t.case_id = ?`, id); err != nil {
			return err
		}
		if p.Registration, err = s.registrationOf(ctx, tx, &c); err != nil {
			return err
		}
		return s.logCase(ctx, tx, actor, "case.read", id, "page")
	})
	if err != nil {
		return CasePage{}, errs.Wrap(err, "case page")
	}
	return p, nil
}

// MayWrite reports (nil) whether actor may write case id, reading only what
// the policy needs and nothing of the client: for an upload route to refuse
// before it reads a large body. The write itself checks again.
func (s *Service) MayWrite(ctx context.Context, actor policy.Subject, id string) error {
	return errs.Wrap(s.may(ctx, actor, id, policy.WriteCase), "may write case")
}

// may asks the policy whether actor may do a to case id, reading only what
// the policy needs.
func (s *Service) may(ctx context.Context, actor policy.Subject, id string, a policy.Action) error {
	return s.db.ReadTx(ctx, func(tx *store.Tx) error {
		if actor.Anonymous() {
			return errs.E(errs.Unauthenticated, "error.unauthenticated")
		}
		r, err := s.loadSealed(ctx, tx, id)
		if err != nil {
			return err
		}
		return policy.Require(actor, a, r.Resource())
	})
}

// MayAssign reports (nil) whether actor may decide who runs case id: hand it
// over or request or withdraw a transfer (the assigned coordinators; never a
// break-the-glass grant). It reads nothing of the client; the pages use it
// to show or hide those forms, and the writes check again.
func (s *Service) MayAssign(ctx context.Context, actor policy.Subject, id string) error {
	return errs.Wrap(s.may(ctx, actor, id, policy.AssignCase), "may assign case")
}
