package cases

import (
	"context"
	"time"

	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
)

// DashboardTasks is how many overdue tasks the dashboard lists (it counts
// them all).
const DashboardTasks = 5

// PhaseCount is the number of the caller's open cases in one phase.
type PhaseCount struct {
	Phase Phase `json:"phase"`
	Count int   `json:"count"`
}

// ReflectionDue is a case whose reflection period ends soon.
type ReflectionDue struct {
	CaseID    string `json:"caseId"`
	Reference string `json:"reference"`
	End       string `json:"end"`
	DaysLeft  int    `json:"daysLeft"`
}

// Dashboard is the care coordinator's start page.
type Dashboard struct {
	// Phases: the caller's open cases per phase, every open phase in flow
	// order (0 included).
	Phases []PhaseCount `json:"phases"`
	// OverdueTasks counts the caller's overdue tasks; Overdue lists the
	// oldest DashboardTasks of them (reference and due date only).
	OverdueTasks int       `json:"overdueTasks"`
	Overdue      []DueTask `json:"overdue"`
	// Reflections of the caller's open cases ending within the catalogue's
	// warnDays (today included), soonest first.
	Reflections []ReflectionDue `json:"reflections"`
	// Shelters of the region (and the national ones) with free places.
	Shelters []Shelter `json:"shelters"`
	// IncomingTransfers counts the transfers pending to the caller's region.
	IncomingTransfers int `json:"incomingTransfers"`
}

// Dashboard returns the caller's dashboard. It holds no client data — counts,
// case references, dates, shelter figures; never a name, a task title or a
// note, and nothing sealed is opened — so it is not a processing of a
// client's data and not logged (like List). The case page is.
func (s *Service) Dashboard(ctx context.Context, actor policy.Subject) (Dashboard, error) {
	d := Dashboard{Phases: []PhaseCount{}, Overdue: []DueTask{}, Reflections: []ReflectionDue{}, Shelters: []Shelter{}}
	err := s.db.ReadTx(ctx, func(tx *store.Tx) error {
		if err := requireList(actor); err != nil {
			return err
		}
		counts := map[Phase]int{}
		rows, err := tx.Query(ctx, mineCTE+`SELECT c.phase, COUNT(*) FROM mine JOIN cases c ON c.id = mine.case_id
			WHERE c.region_id = ? AND `+openPhasesSQL+` GROUP BY c.phase`, actor.UserID, actor.RegionID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var p Phase
			var n int
			if err := rows.Scan(&p, &n); err != nil {
				rows.Close()
				return err
			}
			counts[p] = n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, p := range Phases {
			if p != PhaseClosed {
				d.Phases = append(d.Phases, PhaseCount{Phase: p, Count: counts[p]})
			}
		}
		tasks, err := openTasks(ctx, tx, actor, DashboardTasks)
		if err != nil {
			return err
		}
		d.OverdueTasks, d.Overdue = tasks.OverdueCount, tasks.Overdue

		today := Today(tx.Now)
		rows, err = tx.Query(ctx, mineCTE+`SELECT c.id, c.reference, c.reflection_end FROM mine JOIN cases c ON c.id = mine.case_id
			WHERE c.region_id = ? AND `+openPhasesSQL+` AND c.reflection_end <> ''
			AND c.reflection_end >= ? AND c.reflection_end <= ? ORDER BY c.reflection_end, c.reference`,
			actor.UserID, actor.RegionID, today.Format(time.DateOnly),
			today.AddDate(0, 0, s.cat.Casework.Reflection.WarnDays).Format(time.DateOnly))
		if err != nil {
			return err
		}
		for rows.Next() {
			var r ReflectionDue
			if err := rows.Scan(&r.CaseID, &r.Reference, &r.End); err != nil {
				rows.Close()
				return err
			}
			if end, ok := parseDate(r.End); ok {
				r.DaysLeft = daysBetween(today, end)
			}
			d.Reflections = append(d.Reflections, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if policy.Can(actor, policy.ReadShelters, policy.Resource{}) {
			if d.Shelters, err = shelters(ctx, tx, actor.RegionID, ""); err != nil {
				return err
			}
		}
		if policy.Can(actor, policy.DecideTransfer, policy.Resource{ID: "*", RegionID: actor.RegionID}) {
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM case_transfers WHERE to_region_id = ? AND status = 'pending'`,
				actor.RegionID).Scan(&d.IncomingTransfers); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Dashboard{}, errs.Wrap(err, "dashboard")
	}
	return d, nil
}
