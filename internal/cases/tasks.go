package cases

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
)

// Message keys of tasks (i18n catalog/casework.*.json).
const (
	KeyTaskOwnerInvalid = "case.task.owner_invalid"
	KeyTaskDuePast      = "case.task.due_past"
	KeyTaskStale        = "case.task.stale"
	KeyTaskDone         = "case.task.done"
)

// UpcomingDays is how far ahead OpenTasks looks for tasks that are not
// overdue yet.
const UpcomingDays = 14

// MaxDue is how many tasks OpenTasks returns per group.
const MaxDue = 100

// Task is a task on a case: a title (sealed), a due date and an owner (an
// assigned coordinator).
type Task struct {
	ID        string    `json:"id"`
	CaseID    string    `json:"caseId"`
	Title     string    `json:"title"`
	DueOn     string    `json:"dueOn"` // YYYY-MM-DD
	OwnerID   string    `json:"ownerId"`
	OwnerName string    `json:"ownerName"`
	Done      bool      `json:"done"`
	DoneAt    time.Time `json:"doneAt,omitzero"`
	DoneBy    string    `json:"doneBy,omitempty"`
	// Overdue: open and due before today.
	Overdue   bool      `json:"overdue"`
	CreatedBy string    `json:"createdBy"`
	CreatedAt time.Time `json:"createdAt"`
	Version   int       `json:"version"`
}

// TaskInput adds a task. OwnerID: an assigned coordinator of the case; empty
// is the actor.
type TaskInput struct {
	Title   string `json:"title"`
	DueOn   string `json:"dueOn"`
	OwnerID string `json:"ownerId"`
}

// AddTask adds a task to case id and puts it on the timeline (the title in
// the event's sealed body). The due date may not lie in the past.
func (s *Service) AddTask(ctx context.Context, actor policy.Subject, caseID string, in TaskInput) (Task, error) {
	in.Title = strings.TrimSpace(in.Title)
	in.DueOn = strings.TrimSpace(in.DueOn)
	in.OwnerID = strings.TrimSpace(in.OwnerID)
	if in.OwnerID == "" {
		in.OwnerID = actor.UserID
	}
	var t Task
	_, err := s.write(ctx, actor, caseID, 0, "add task", func(tx *store.Tx, c *Case) error {
		var v errs.Validation
		v.Check(in.Title != "", "title", KeyRequired)
		text(&v, "title", in.Title, MaxTitle)
		v.Check(in.DueOn != "", "dueOn", KeyRequired)
		date(&v, "dueOn", in.DueOn, tx.Now, false)
		if d, ok := parseDate(in.DueOn); ok && !v.Has("dueOn") && d.Before(Today(tx.Now)) {
			v.Add("dueOn", KeyTaskDuePast)
		}
		owner := ""
		for _, co := range c.Coordinators {
			if co.UserID == in.OwnerID {
				owner = co.Name
			}
		}
		v.Check(owner != "", "ownerId", KeyTaskOwnerInvalid)
		if err := v.Err(); err != nil {
			return err
		}
		t = Task{ID: store.NewID(), CaseID: c.ID, Title: in.Title, DueOn: in.DueOn, OwnerID: in.OwnerID,
			OwnerName: owner, CreatedBy: actor.UserID, CreatedAt: tx.Now, Version: 1}
		sealed, err := s.seal(t.Title, "case_tasks", "title", t.ID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO case_tasks (id, case_id, title_enc, due_on, owner_id, created_by, created_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, 1)`, t.ID, t.CaseID, sealed, t.DueOn, t.OwnerID, t.CreatedBy, t.CreatedAt); err != nil {
			return err
		}
		if _, err := s.appendEvent(ctx, tx, actor, c.ID, KindTask, t.Title,
			map[string]string{"task": t.ID, "dueOn": t.DueOn, "owner": t.OwnerID}); err != nil {
			return err
		}
		return s.logCase(ctx, tx, actor, "case.task", c.ID, "add")
	})
	if err != nil {
		return Task{}, err
	}
	return t, nil
}

// CompleteTask marks task taskID of case caseID done. version is the task's
// version the coordinator saw: a stale one, or a task that is done already,
// is a conflict answered with the task's current state (a logged read).
func (s *Service) CompleteTask(ctx context.Context, actor policy.Subject, caseID, taskID string, version int) (Task, error) {
	var t Task
	_, err := s.write(ctx, actor, caseID, 0, "complete task", func(tx *store.Tx, c *Case) error {
		var err error
		if t, err = s.task(ctx, tx, c.ID, taskID); err != nil {
			return err
		}
		if t.Version != version {
			return errs.E(errs.Conflict, KeyTaskStale)
		}
		if t.Done {
			return errs.E(errs.Conflict, KeyTaskDone)
		}
		res, err := tx.Exec(ctx, `UPDATE case_tasks SET done_at = ?, done_by = ?, version = version + 1
			WHERE id = ? AND version = ?`, tx.Now, actor.UserID, t.ID, version)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return errs.E(errs.Conflict, KeyTaskStale)
		}
		t.Done, t.DoneAt, t.DoneBy, t.Overdue = true, tx.Now, actor.UserID, false
		t.Version++
		if _, err := s.appendEvent(ctx, tx, actor, c.ID, KindTaskDone, "", map[string]string{"task": t.ID}); err != nil {
			return err
		}
		return s.logCase(ctx, tx, actor, "case.task", c.ID, "complete")
	})
	return t, err
}

// ListTasks returns the tasks of case id, open ones first by due date. The
// titles are opened: a logged read.
func (s *Service) ListTasks(ctx context.Context, actor policy.Subject, caseID string) ([]Task, error) {
	var out []Task
	err := s.readWith(ctx, actor, caseID, "list tasks", "tasks", func(tx *store.Tx, c *Case) error {
		var err error
		out, err = s.tasks(ctx, tx, `t.case_id = ?`, c.ID)
		return err
	})
	return out, err
}

const taskColumns = `t.id, t.case_id, t.title_enc, t.due_on, t.owner_id, COALESCE(u.name, ''), t.done_at, t.done_by,
	t.created_by, t.created_at, t.version`

func (s *Service) tasks(ctx context.Context, tx *store.Tx, where string, args ...any) ([]Task, error) {
	rows, err := tx.Query(ctx, `SELECT `+taskColumns+` FROM case_tasks t LEFT JOIN users u ON u.id = t.owner_id
		WHERE `+where+` ORDER BY CASE WHEN t.done_at IS NULL THEN 0 ELSE 1 END, t.due_on, t.created_at, t.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Task{}
	for rows.Next() {
		t, err := s.scanTask(tx, rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

func (s *Service) task(ctx context.Context, tx *store.Tx, caseID, id string) (Task, error) {
	t, err := s.scanTask(tx, tx.QueryRow(ctx, `SELECT `+taskColumns+` FROM case_tasks t LEFT JOIN users u ON u.id = t.owner_id
		WHERE t.id = ? AND t.case_id = ?`, id, caseID))
	if errors.Is(err, sql.ErrNoRows) {
		return t, errs.E(errs.NotFound, "error.not_found")
	}
	return t, err
}

func (s *Service) scanTask(tx *store.Tx, row interface{ Scan(...any) error }) (Task, error) {
	var t Task
	var sealed string
	var done store.NullTime
	var at store.Time
	if err := row.Scan(&t.ID, &t.CaseID, &sealed, &t.DueOn, &t.OwnerID, &t.OwnerName, &done, &t.DoneBy,
		&t.CreatedBy, &at, &t.Version); err != nil {
		return t, err
	}
	t.CreatedAt = at.Time
	if p := done.Ptr(); p != nil {
		t.Done, t.DoneAt = true, *p
	}
	var err error
	if t.Title, err = s.open(sealed, "case_tasks", "title", t.ID); err != nil {
		return t, err
	}
	t.Overdue = !t.Done && t.DueOn < Today(tx.Now).Format(time.DateOnly)
	return t, nil
}

// DueTask is an open task in a user's overview: the case's reference and the
// due date, never the title (it may name the client; see OpenTasks).
type DueTask struct {
	TaskID    string `json:"taskId"`
	CaseID    string `json:"caseId"`
	Reference string `json:"reference"`
	DueOn     string `json:"dueOn"`
	// DaysLeft until DueOn (negative when overdue).
	DaysLeft int `json:"daysLeft"`
}

// TaskOverview is a user's open tasks across their cases.
type TaskOverview struct {
	Overdue  []DueTask `json:"overdue"`  // due before today, oldest first
	Upcoming []DueTask `json:"upcoming"` // due today or within UpcomingDays
	// OverdueCount counts every overdue task (Overdue holds at most MaxDue).
	OverdueCount int `json:"overdueCount"`
}

// OpenTasks returns the actor's open tasks (they are the owner) on the cases
// of their region they are assigned to: overdue ones and those due within
// UpcomingDays. Privacy by design: the overview shows the case reference and
// the due date only, not the (sealed) title, so it decrypts nothing and
// holds no client data; it is therefore not a processing of the client's
// data and not logged. The title is read on the case page (ListTasks, a
// logged read).
func (s *Service) OpenTasks(ctx context.Context, actor policy.Subject) (TaskOverview, error) {
	var o TaskOverview
	err := s.db.ReadTx(ctx, func(tx *store.Tx) error {
		if err := requireList(actor); err != nil {
			return err
		}
		var err error
		o, err = openTasks(ctx, tx, actor, MaxDue)
		return err
	})
	if err != nil {
		return TaskOverview{}, errs.Wrap(err, "open tasks")
	}
	return o, nil
}

func requireList(actor policy.Subject) error {
	if actor.Anonymous() {
		return errs.E(errs.Unauthenticated, "error.unauthenticated")
	}
	return policy.Require(actor, policy.ListCases, policy.Resource{})
}

// openTasks reads the overview (no policy check): limit tasks per group.
func openTasks(ctx context.Context, tx *store.Tx, actor policy.Subject, limit int) (TaskOverview, error) {
	today := Today(tx.Now)
	todayS := today.Format(time.DateOnly)
	o := TaskOverview{Overdue: []DueTask{}, Upcoming: []DueTask{}}
	const from = ` FROM case_tasks t
		JOIN cases c ON c.id = t.case_id
		JOIN case_coordinators cc ON cc.case_id = t.case_id AND cc.user_id = t.owner_id
		WHERE t.owner_id = ? AND t.done_at IS NULL AND c.region_id = ?`
	if err := tx.QueryRow(ctx, `SELECT COUNT(*)`+from+` AND t.due_on < ?`, actor.UserID, actor.RegionID, todayS).
		Scan(&o.OverdueCount); err != nil {
		return o, err
	}
	read := func(dst *[]DueTask, cond string, args ...any) error {
		rows, err := tx.Query(ctx, `SELECT t.id, t.case_id, c.reference, t.due_on`+from+cond+
			` ORDER BY t.due_on, t.id LIMIT `+strconv.Itoa(limit), append([]any{actor.UserID, actor.RegionID}, args...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var d DueTask
			if err := rows.Scan(&d.TaskID, &d.CaseID, &d.Reference, &d.DueOn); err != nil {
				return err
			}
			if due, ok := parseDate(d.DueOn); ok {
				d.DaysLeft = daysBetween(today, due)
			}
			*dst = append(*dst, d)
		}
		return rows.Err()
	}
	if err := read(&o.Overdue, ` AND t.due_on < ?`, todayS); err != nil {
		return o, err
	}
	if err := read(&o.Upcoming, ` AND t.due_on >= ? AND t.due_on <= ?`, todayS,
		today.AddDate(0, 0, UpcomingDays).Format(time.DateOnly)); err != nil {
		return o, err
	}
	return o, nil
}

// daysBetween counts the calendar days from a to b (dates at midnight UTC).
func daysBetween(a, b time.Time) int { return int(b.Sub(a).Hours() / 24) }

// readWith runs fn on case id for an actor who may read it, and logs the read
// ("case.read" with detail what was read) in the same transaction.
func (s *Service) readWith(ctx context.Context, actor policy.Subject, id, what, detail string, fn func(tx *store.Tx, c *Case) error) error {
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		c, err := s.access(ctx, tx, actor, id, policy.ReadCase)
		if err != nil {
			return err
		}
		if err := fn(tx, &c); err != nil {
			return err
		}
		return s.logCase(ctx, tx, actor, "case.read", id, detail)
	})
	return errs.Wrap(err, what)
}
