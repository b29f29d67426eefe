package signal

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/baken-nl/baken/internal/assess"
	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
)

// Sort orders of List. Each ends on the signal id, so the order is total and
// cursor pages neither skip nor repeat a signal.
const (
	SortNewest         = "newest"          // received, newest first (default)
	SortOldest         = "oldest"          // received, oldest first
	SortObservedNewest = "observed_newest" // date observed, newest first
	SortObservedOldest = "observed_oldest" // date observed, oldest first
)

// Sorts lists the sort orders.
var Sorts = []string{SortNewest, SortOldest, SortObservedNewest, SortObservedOldest}

// Page sizes of List.
const (
	DefaultLimit = 50
	MaxLimit     = 200
)

// Filter selects signals for List. Empty fields select everything the
// subject may see.
type Filter struct {
	Status         Status
	Form           string
	Outcome        assess.Outcome
	Department     string
	MunicipalityID string
	From, To       time.Time // received at or after From, before To
	// Query is a reference (SIG-2026-000042, any case) or an alias, matched
	// exactly (ignoring case and spaces) through the alias's blind index.
	Query string
	// WouldChange selects the open signals whose outcome would be another
	// under the current ruleset and content (their preview, see previews.go).
	WouldChange bool
	Sort        string // one of Sorts; "" is SortNewest
	Cursor      string // from the previous Page's Next
	Limit       int    // DefaultLimit when 0, at most MaxLimit
}

// Page is one page of a list.
type Page struct {
	Items []Summary `json:"items"`
	Next  string    `json:"next,omitempty"` // cursor of the next page, "" on the last
}

type cursor struct {
	Sort string `json:"s"`
	Key  string `json:"k"`
	ID   string `json:"i"`
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s, sort string) (cursor, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) > 512 {
		return cursor{}, false
	}
	var c cursor
	if json.Unmarshal(b, &c) != nil || c.Sort != sort || c.ID == "" {
		return cursor{}, false
	}
	return c, true
}

var referencePattern = regexp.MustCompile(`^SIG-\d{4}-\d{6,}$`)

// visible returns the condition (on alias s) selecting the signals actor's
// lists show: a care coordinator's those of their region (which holds every
// signal they recorded themselves: they may record only for their region), a
// signaleerder's their own. A single indexed column keeps a page a short
// index walk however many signals there are.
func visible(actor policy.Subject) (string, []any) {
	if actor.Has(policy.Zorgcoordinator) && actor.RegionID != "" {
		return "s.region_id = ?", []any{actor.RegionID}
	}
	return "s.reporter_id = ?", []any{actor.UserID}
}

// List returns one page of the signals actor may read that match f, without
// personal data. A search (Query) is in the processing log.
func (s *Service) List(ctx context.Context, actor policy.Subject, f Filter) (Page, error) {
	f.Query = strings.TrimSpace(f.Query)
	if f.Sort == "" {
		f.Sort = SortNewest
	}
	var v errs.Validation
	v.Check(slices.Contains(Sorts, f.Sort), "sort", KeySortInvalid)
	v.Check(f.Status == "" || slices.Contains(Statuses, f.Status), "status", KeyStatusInvalid)
	v.Check(f.Outcome == "" || slices.Contains(assess.Outcomes, f.Outcome), "outcome", KeyOutcomeInvalid)
	if f.Form != "" {
		_, ok := s.cat.Form(f.Form)
		v.Check(ok, "form", assess.KeyFormUnknown)
	}
	if f.Department != "" {
		_, ok := s.cat.Department(f.Department)
		v.Check(ok, "department", KeyDepartmentUnknown)
	}
	v.Check(f.From.IsZero() || f.To.IsZero() || f.From.Before(f.To), "to", KeyPeriodInvalid)
	v.Check(f.Limit >= 0, "limit", "signal.limit.invalid")
	maxLen(&v, "query", f.Query, MaxAlias)
	var cur cursor
	if f.Cursor != "" && slices.Contains(Sorts, f.Sort) {
		var ok bool
		cur, ok = decodeCursor(f.Cursor, f.Sort)
		v.Check(ok, "cursor", KeyCursorInvalid)
	}
	if f.Limit == 0 {
		f.Limit = DefaultLimit
	}
	f.Limit = min(f.Limit, MaxLimit)

	var page Page
	// A list is read in a read-only transaction. A search (its query is
	// personal data: an alias) is read in a write transaction that also
	// writes its processing-log record: the read and its record commit
	// together or not at all.
	run := s.db.ReadTx
	if f.Query != "" {
		run = s.db.Tx
	}
	err := run(ctx, func(tx *store.Tx) error {
		if err := policy.Require(actor, policy.ListSignals, policy.Resource{}); err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		cond, args := visible(actor)
		where := []string{cond}
		add := func(c string, a ...any) { where = append(where, c); args = append(args, a...) }
		if f.Status != "" {
			add("s.status = ?", string(f.Status))
		}
		if f.Form != "" {
			add("EXISTS (SELECT 1 FROM signal_forms sf WHERE sf.signal_id = s.id AND sf.form = ?)", f.Form)
		}
		if f.Outcome != "" {
			add("s.outcome = ?", string(f.Outcome))
		}
		if f.Department != "" {
			add("s.department = ?", f.Department)
		}
		if f.MunicipalityID != "" {
			add("s.municipality_id = ?", f.MunicipalityID)
		}
		key := s.currentKey()
		if f.WouldChange {
			// Only open signals are ever marked (a final status clears it).
			add("s.would_change = ? AND s.preview_key = ?", true, key)
		}
		if !f.From.IsZero() {
			add("s.created_at >= ?", f.From.UTC())
		}
		if !f.To.IsZero() {
			add("s.created_at < ?", f.To.UTC())
		}
		if f.Query != "" {
			ref := strings.ToUpper(f.Query)
			if referencePattern.MatchString(ref) {
				add("s.reference = ?", ref)
			} else {
				add("EXISTS (SELECT 1 FROM signal_persons sp WHERE sp.signal_id = s.id AND sp.alias_index = ?)", s.aliasIndex(f.Query))
			}
		}
		col, desc := "s.created_at", true
		switch f.Sort {
		case SortOldest:
			desc = false
		case SortObservedNewest:
			col = "s.observed_on"
		case SortObservedOldest:
			col, desc = "s.observed_on", false
		}
		op, dir := "<", "DESC"
		if !desc {
			op, dir = ">", "ASC"
		}
		if f.Cursor != "" {
			var key any = cur.Key
			if col == "s.created_at" {
				t, err := time.Parse(time.RFC3339Nano, cur.Key)
				if err != nil {
					return &errs.Error{Code: errs.Invalid, Key: "error.validation", Fields: []errs.FieldError{{Field: "cursor", Key: KeyCursorInvalid}}}
				}
				key = t
			}
			// A row-value comparison: both databases walk the index from the cursor on.
			add("("+col+", s.id) "+op+" (?, ?)", key, cur.ID)
		}
		q := `SELECT s.id, s.reference, s.status, s.closing_reason, s.reporter_id, s.municipality_id, s.region_id,
			s.department, s.observed_on, s.outcome, s.acute_danger, s.consultation, s.person_count, s.created_at,
			s.updated_at, s.version, s.would_change, s.preview_key FROM signals s WHERE ` + strings.Join(where, " AND ") +
			` ORDER BY ` + col + ` ` + dir + `, s.id ` + dir + ` LIMIT ` + strconv.Itoa(f.Limit+1)
		rows, err := tx.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		page.Items = []Summary{}
		for rows.Next() {
			var m Summary
			var c, u store.Time
			var wc bool
			var pk string
			if err := rows.Scan(&m.ID, &m.Reference, &m.Status, &m.ClosingReason, &m.ReporterID, &m.MunicipalityID,
				&m.RegionID, &m.Department, &m.ObservedOn, &m.Outcome, &m.AcuteDanger, &m.Consultation, &m.PersonCount,
				&c, &u, &m.Version, &wc, &pk); err != nil {
				return err
			}
			m.WouldChange = wc && pk == key && isOpen(m.Status)
			m.CreatedAt, m.UpdatedAt = c.Time, u.Time
			m.Forms = []string{}
			page.Items = append(page.Items, m)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		if len(page.Items) > f.Limit {
			page.Items = page.Items[:f.Limit]
			last := page.Items[f.Limit-1]
			key := last.ObservedOn
			if col == "s.created_at" {
				key = last.CreatedAt.UTC().Format(time.RFC3339Nano)
			}
			page.Next = encodeCursor(cursor{Sort: f.Sort, Key: key, ID: last.ID})
		}
		if err := loadSummaryForms(ctx, tx, page.Items); err != nil {
			return err
		}
		if err := loadSummaryMeldcode(ctx, tx, page.Items); err != nil {
			return err
		}
		if f.Query == "" {
			return nil
		}
		return s.log.Write(ctx, tx, audit.Entry{ActorID: actor.UserID, ActorOrgID: actor.OrgID, Action: "signal.search",
			ObjectType: "signal", Activity: audit.ActivitySignalering, Detail: "results: " + strconv.Itoa(len(page.Items))})
	})
	if err != nil {
		return Page{}, errs.Wrap(err, "list signals")
	}
	return page, nil
}

func loadSummaryForms(ctx context.Context, tx *store.Tx, items []Summary) error {
	if len(items) == 0 {
		return nil
	}
	byID := make(map[string]*Summary, len(items))
	args := make([]any, len(items))
	for i := range items {
		byID[items[i].ID] = &items[i]
		args[i] = items[i].ID
	}
	rows, err := tx.Query(ctx, `SELECT signal_id, form FROM signal_forms WHERE signal_id IN (`+store.Placeholders(len(args))+`) ORDER BY form`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, form string
		if err := rows.Scan(&id, &form); err != nil {
			return err
		}
		byID[id].Forms = append(byID[id].Forms, form)
	}
	return rows.Err()
}

// Inbox counts the open signals actor may see, by status: for a care
// coordinator those of their region (the count in the navigation is New),
// for a signaleerder their own.
type Inbox struct {
	New               int `json:"new"`
	InProgress        int `json:"inProgress"`
	MoreInfoRequested int `json:"moreInfoRequested"`
	// WouldChange counts the open signals whose outcome would be another
	// under the current ruleset and content (one indexed count of their
	// previews, see previews.go).
	WouldChange int `json:"wouldChange"`
}

// isOpen reports whether a signal in status st is open (in an inbox).
func isOpen(st Status) bool {
	return st == StatusNew || st == StatusInProgress || st == StatusMoreInfoRequested
}

// Inbox returns the counts of open signals actor may see.
func (s *Service) Inbox(ctx context.Context, actor policy.Subject) (Inbox, error) {
	var box Inbox
	err := s.db.ReadTx(ctx, func(tx *store.Tx) error {
		if err := policy.Require(actor, policy.ListSignals, policy.Resource{}); err != nil {
			return err
		}
		cond, args := visible(actor)
		rows, err := tx.Query(ctx, `SELECT s.status, count(*) FROM signals s WHERE `+cond+
			` AND s.status IN ('new', 'in_progress', 'more_info_requested') GROUP BY s.status`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var st Status
			var n int
			if err := rows.Scan(&st, &n); err != nil {
				return err
			}
			switch st {
			case StatusNew:
				box.New = n
			case StatusInProgress:
				box.InProgress = n
			case StatusMoreInfoRequested:
				box.MoreInfoRequested = n
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		// One range of signals_region_would_change: only open signals are
		// ever marked (a final status clears it).
		return tx.QueryRow(ctx, `SELECT count(*) FROM signals s WHERE `+cond+` AND s.would_change = ? AND s.preview_key = ?`,
			append(args, true, s.currentKey())...).Scan(&box.WouldChange)
	})
	return box, errs.Wrap(err, "signal inbox")
}
