package cases

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
)

// Scopes of List.
const (
	ScopeMine   = "mine"   // cases the caller is assigned to (default)
	ScopeRegion = "region" // every case of the caller's region (an outline each)
)

// Page sizes of List and Events.
const (
	DefaultLimit = 50
	MaxLimit     = 200
)

// Filter selects cases for List.
type Filter struct {
	Scope string // ScopeMine or ScopeRegion; "" is ScopeMine
	Phase Phase  // "" is every phase; "open" is every phase but closed
	Form  string
	// ReflectionWithin: only open cases whose reflection period ends today
	// or within this many days from today (periods that have ended are not
	// listed). 0: no filter; at most 366.
	ReflectionWithin int
	// Query: a case reference (CASE-2026-000017), matched exactly.
	Query  string
	Cursor string
	Limit  int
}

// PhaseOpen is the Filter.Phase of every phase but closed.
const PhaseOpen Phase = "open"

// mineCTE is the set of cases the coordinator (the first argument) is
// assigned to, materialised so that both databases drive "my cases" queries
// from the assignments (index case_coordinators_user) instead of scanning a
// large region's cases in date order and probing each for an assignment.
const mineCTE = `WITH mine AS MATERIALIZED (SELECT case_id FROM case_coordinators WHERE user_id = ?) `

// openPhasesSQL selects the cases that are not closed, as a list of phases
// rather than "<> 'closed'", so that PostgreSQL can use the index on
// (region_id, phase, …) for the open ones instead of filtering all of a
// region's cases (9.5 → 2.5 ms for a dashboard with 100,000 cases).
var openPhasesSQL = func() string {
	var open []string
	for _, p := range Phases {
		if p != PhaseClosed {
			open = append(open, "'"+string(p)+"'")
		}
	}
	return "c.phase IN (" + strings.Join(open, ", ") + ")"
}()

// Page is one page of cases, newest change first.
type Page struct {
	Items []Summary `json:"items"`
	Next  string    `json:"next,omitempty"`
}

type cursor struct {
	At time.Time `json:"t"`
	ID string    `json:"i"`
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// likeEscaper escapes the LIKE wildcards (and the escape character) of a
// value matched literally, with ESCAPE '\'.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

func decodeCursor(s string) (cursor, bool) {
	var c cursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, &c) != nil || c.ID == "" || c.At.IsZero() {
		return c, false
	}
	return c, true
}

// List returns a page of the cases of the caller's region: those they are
// assigned to (ScopeMine), or all (ScopeRegion). A summary holds no client
// data, so listing is not logged; the case page is.
func (s *Service) List(ctx context.Context, actor policy.Subject, f Filter) (Page, error) {
	var v errs.Validation
	if f.Scope == "" {
		f.Scope = ScopeMine
	}
	v.Check(f.Scope == ScopeMine || f.Scope == ScopeRegion, "scope", KeyOptionUnknown)
	v.Check(f.Phase == "" || f.Phase == PhaseOpen || slices.Contains(Phases, f.Phase), "phase", KeyPhaseInvalid)
	if f.Form != "" {
		_, ok := s.cat.Form(f.Form)
		v.Check(ok, "form", KeyFormUnknown)
	}
	v.Check(f.ReflectionWithin >= 0 && f.ReflectionWithin <= 366, "reflectionWithin", KeyOptionUnknown)
	var cur cursor
	if f.Cursor != "" {
		var ok bool
		cur, ok = decodeCursor(f.Cursor)
		v.Check(ok, "cursor", KeyCursorInvalid)
	}
	if f.Limit <= 0 {
		f.Limit = DefaultLimit
	}
	f.Limit = min(f.Limit, MaxLimit)
	var page Page
	err := s.db.ReadTx(ctx, func(tx *store.Tx) error {
		if actor.Anonymous() {
			return errs.E(errs.Unauthenticated, "error.unauthenticated")
		}
		if err := policy.Require(actor, policy.ListCases, policy.Resource{}); err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		// The conditions on c, with their arguments.
		cond := strings.Builder{}
		cargs := []any{actor.RegionID}
		cond.WriteString(`c.region_id = ?`)
		switch f.Phase {
		case "":
		case PhaseOpen:
			cond.WriteString(` AND ` + openPhasesSQL)
		default:
			cond.WriteString(` AND c.phase = ?`)
			cargs = append(cargs, string(f.Phase))
		}
		if f.Form != "" {
			// forms is a JSON array of ids: match the quoted id, with the
			// LIKE wildcards in it (organ_removal) taken literally.
			cond.WriteString(` AND c.forms LIKE ? ESCAPE '\'`)
			cargs = append(cargs, `%"`+likeEscaper.Replace(f.Form)+`"%`)
		}
		if f.ReflectionWithin > 0 {
			today := Today(tx.Now)
			cond.WriteString(` AND c.reflection_end <> '' AND c.reflection_end >= ? AND c.reflection_end <= ? AND ` + openPhasesSQL)
			cargs = append(cargs, today.Format(time.DateOnly), today.AddDate(0, 0, f.ReflectionWithin).Format(time.DateOnly))
		}
		if ref := strings.ToUpper(strings.TrimSpace(f.Query)); ref != "" {
			cond.WriteString(` AND c.reference = ?`)
			cargs = append(cargs, ref)
		}
		if f.Cursor != "" {
			cond.WriteString(` AND (c.updated_at < ? OR (c.updated_at = ? AND c.id < ?))`)
			cargs = append(cargs, cur.At, cur.At, cur.ID)
		}
		// Two steps: the page's ids with the filters and the order, then
		// the columns of just those rows.
		q := strings.Builder{}
		var args []any
		switch {
		case f.Scope != ScopeMine:
			// The region's cases: the index on (region, …, updated_at, id)
			// gives them in order.
			q.WriteString(`WITH page AS (SELECT c.id FROM cases c WHERE ` + cond.String())
			args = cargs
		case tx.Dialect() == store.Postgres:
			// My cases: from the coordinator's assignments (a few hundred
			// or thousand), each looked up by its key — the LATERAL
			// subquery, kept from being flattened by OFFSET 0, keeps
			// PostgreSQL from hashing all of a large region's cases.
			q.WriteString(mineCTE + `, page AS (SELECT c.id FROM mine CROSS JOIN LATERAL
				(SELECT c.id, c.updated_at FROM cases c WHERE c.id = mine.case_id AND ` + cond.String() + ` OFFSET 0) c`)
			args = append([]any{actor.UserID}, cargs...)
		default:
			// SQLite has no LATERAL; its planner loops over mine already.
			q.WriteString(mineCTE + `, page AS (SELECT c.id FROM mine JOIN cases c ON c.id = mine.case_id WHERE ` + cond.String())
			args = append([]any{actor.UserID}, cargs...)
		}
		q.WriteString(` ORDER BY c.updated_at DESC, c.id DESC LIMIT ` + strconv.Itoa(f.Limit+1) + `)`)
		q.WriteString(` SELECT c.id, c.reference, c.region_id, c.phase, c.forms, c.non_punishment, c.reflection_end,
			c.updated_at, c.version FROM page JOIN cases c ON c.id = page.id ORDER BY c.updated_at DESC, c.id DESC`)
		rows, err := tx.Query(ctx, q.String(), args...)
		if err != nil {
			return fmt.Errorf("list cases: %w", err)
		}
		defer rows.Close()
		page.Items = []Summary{}
		for rows.Next() {
			var it Summary
			var forms string
			var up store.Time
			if err := rows.Scan(&it.ID, &it.Reference, &it.RegionID, &it.Phase, &forms, &it.NonPunishment,
				&it.ReflectionEnd, &up, &it.Version); err != nil {
				return err
			}
			it.UpdatedAt = up.Time
			if err := json.Unmarshal([]byte(forms), &it.Forms); err != nil {
				return fmt.Errorf("case %s forms: %w", it.ID, err)
			}
			page.Items = append(page.Items, it)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(page.Items) > f.Limit {
			page.Items = page.Items[:f.Limit]
			last := page.Items[len(page.Items)-1]
			page.Next = encodeCursor(cursor{At: last.UpdatedAt, ID: last.ID})
		}
		return s.fillCoordinators(ctx, tx, actor, page.Items)
	})
	if err != nil {
		return Page{}, errs.Wrap(err, "list cases")
	}
	return page, nil
}

func (s *Service) fillCoordinators(ctx context.Context, tx *store.Tx, actor policy.Subject, items []Summary) error {
	if len(items) == 0 {
		return nil
	}
	ids := make([]any, len(items))
	at := map[string]int{}
	for i, it := range items {
		ids[i] = it.ID
		at[it.ID] = i
		items[i].CoordinatorIDs = []string{}
	}
	rows, err := tx.Query(ctx, `SELECT case_id, user_id FROM case_coordinators WHERE case_id IN (`+
		store.Placeholders(len(ids))+`) ORDER BY since, user_id`, ids...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var c, u string
		if err := rows.Scan(&c, &u); err != nil {
			return err
		}
		it := &items[at[c]]
		it.CoordinatorIDs = append(it.CoordinatorIDs, u)
		it.Assigned = it.Assigned || u == actor.UserID
	}
	return rows.Err()
}

// EventPage is a page of a case's timeline, newest first.
type EventPage struct {
	Items []Event `json:"items"`
	// Next: pass as before to get the older events; 0 on the last page.
	Next int `json:"next,omitempty"`
}

// Events returns the timeline of case id, newest first, the events before
// seq before (0: from the newest). Reading it is in the processing log.
func (s *Service) Events(ctx context.Context, actor policy.Subject, id string, before, limit int) (EventPage, error) {
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	var page EventPage
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		// The policy on the sealed case: the timeline needs no client field
		// opened.
		if actor.Anonymous() {
			return errs.E(errs.Unauthenticated, "error.unauthenticated")
		}
		r, err := s.loadSealed(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := policy.Require(actor, policy.ReadCase, r.Resource()); err != nil {
			return err
		}
		if page, err = s.events(ctx, tx, id, before, limit); err != nil {
			return err
		}
		return s.logCase(ctx, tx, actor, "case.read", id, "timeline")
	})
	if err != nil {
		return EventPage{}, errs.Wrap(err, "case events")
	}
	return page, nil
}

// events reads a page of the timeline, bodies opened (no policy check).
func (s *Service) events(ctx context.Context, tx *store.Tx, id string, before, limit int) (EventPage, error) {
	if before > math.MaxInt32 {
		// Before every seq there can be (the column is a 32-bit integer,
		// which PostgreSQL will not compare with a larger number): from
		// the newest.
		before = 0
	}
	q := `SELECT e.id, e.seq, e.kind, e.author_id, COALESCE(u.name, ''), e.created_at, e.body_enc, e.detail
		FROM case_events e LEFT JOIN users u ON u.id = e.author_id WHERE e.case_id = ?`
	args := []any{id}
	if before > 0 {
		q += ` AND e.seq < ?`
		args = append(args, before)
	}
	q += ` ORDER BY e.seq DESC LIMIT ` + strconv.Itoa(limit+1)
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return EventPage{}, err
	}
	defer rows.Close()
	page := EventPage{Items: []Event{}}
	for rows.Next() {
		var ev Event
		var at store.Time
		var body, detail string
		if err := rows.Scan(&ev.ID, &ev.Seq, &ev.Kind, &ev.AuthorID, &ev.AuthorName, &at, &body, &detail); err != nil {
			return page, err
		}
		ev.At = at.Time
		if ev.Body, err = s.open(body, "case_events", "body", ev.ID); err != nil {
			return page, err
		}
		if detail != "" && detail != "{}" {
			if err := json.Unmarshal([]byte(detail), &ev.Detail); err != nil {
				return page, fmt.Errorf("case event %s detail: %w", ev.ID, err)
			}
		}
		page.Items = append(page.Items, ev)
	}
	if err := rows.Err(); err != nil {
		return page, err
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		page.Next = page.Items[limit-1].Seq
	}
	return page, nil
}

// View is the case page: the case and the newest events of its timeline, in
// one transaction and one logged read.
func (s *Service) View(ctx context.Context, actor policy.Subject, id string, events int) (Case, EventPage, error) {
	var c Case
	var page EventPage
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if c, err = s.access(ctx, tx, actor, id, policy.ReadCase); err != nil {
			return err
		}
		if page, err = s.events(ctx, tx, id, 0, max(1, min(events, MaxLimit))); err != nil {
			return err
		}
		return s.logCase(ctx, tx, actor, "case.read", id, "")
	})
	if err != nil {
		return Case{}, EventPage{}, errs.Wrap(err, "view case")
	}
	return c, page, nil
}
