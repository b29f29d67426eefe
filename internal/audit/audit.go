// Package audit writes and reads the processing log (shaped after the Logius
// standard "Logboek dataverwerkingen"): one append-only, hash-chained record
// per processing of personal data and per security event, written in the same
// transaction as the change or read it records.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/baken-nl/baken/internal/fieldcrypt"
	"github.com/baken-nl/baken/internal/reqctx"
	"github.com/baken-nl/baken/internal/store"
)

// Processing activities: ids in Baken's register of processing activities
// (docs/processing-log.md lists them with purpose and legal basis).
const (
	ActivityAccounts = "urn:baken:verwerking:accountbeheer"    // managing users and organisations
	ActivitySecurity = "urn:baken:verwerking:beveiliging"      // sign-in, sessions, tokens
	ActivityAudit    = "urn:baken:verwerking:toezicht-logboek" // reading the processing log itself
)

// Outcomes of a processing.
const (
	OK     = "ok"
	Denied = "denied"
	Failed = "failed"
)

// Subject id types (dpl.core.data_subject_id_type).
const (
	SubjectUser  = "baken-user-id"
	SubjectEmail = "email" // an address as typed; no longer written (F9), hidden by the Viewer
	// SubjectEmailHash is a keyed hash (fieldcrypt.Keyring.Index) of an
	// address that belongs to no account: what was typed at sign-in is never
	// kept, as it may be a password typed into the wrong field.
	SubjectEmailHash = "email-hmac"
)

// Entry is what a service records.
type Entry struct {
	ActorID     string // the user acting ("" for the system or an unknown caller)
	ActorOrgID  string
	Action      string // e.g. "user.create", "auth.login"
	ObjectType  string
	ObjectID    string
	Activity    string // processing activity id
	Subject     string // the data subject's id, in plain text: stored encrypted
	SubjectType string
	Outcome     string // OK when empty
	Detail      string // short, never personal data
}

// Record is one stored processing-log record.
type Record struct {
	Seq          int64     `json:"seq"`
	ID           string    `json:"id"`
	OccurredAt   time.Time `json:"occurredAt"`
	ActorID      string    `json:"actorId"`
	ActorOrgID   string    `json:"actorOrgId"`
	Action       string    `json:"action"`
	ObjectType   string    `json:"objectType"`
	ObjectID     string    `json:"objectId"`
	ActivityID   string    `json:"processingActivityId"`
	SubjectEnc   string    `json:"-"`
	SubjectIndex string    `json:"-"`
	SubjectType  string    `json:"dataSubjectIdType,omitempty"`
	TraceID      string    `json:"traceId"`
	SpanID       string    `json:"spanId"`
	ParentSpanID string    `json:"parentSpanId,omitempty"`
	Outcome      string    `json:"outcome"`
	Detail       string    `json:"detail,omitempty"`
	PrevHash     string    `json:"prevHash"`
	Hash         string    `json:"hash"`
}

// Log writes and reads the processing log.
type Log struct {
	keys *fieldcrypt.Keyring
}

// New returns a Log that encrypts data subject ids with keys.
func New(keys *fieldcrypt.Keyring) *Log { return &Log{keys: keys} }

// SubjectIndex is the keyed hash under which a data subject's records are found.
func (l *Log) SubjectIndex(subject string) string {
	if subject == "" {
		return ""
	}
	return l.keys.Index("audit.subject", subject)
}

// Write appends e to the log inside tx. It takes the chain head with a row
// lock (PostgreSQL) or under SQLite's write lock, so concurrent transactions
// chain in commit order; a transaction that rolls back leaves no record.
func (l *Log) Write(ctx context.Context, tx *store.Tx, e Entry) error {
	var headSeq int64
	var headHash string
	lock := ""
	if tx.Dialect() == store.Postgres {
		lock = " FOR UPDATE"
	}
	if err := tx.QueryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`+lock).Scan(&headSeq, &headHash); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	tr := reqctx.From(ctx)
	r := Record{
		Seq:          headSeq + 1,
		ID:           store.NewID(),
		OccurredAt:   tx.Now,
		ActorID:      e.ActorID,
		ActorOrgID:   e.ActorOrgID,
		Action:       e.Action,
		ObjectType:   e.ObjectType,
		ObjectID:     e.ObjectID,
		ActivityID:   e.Activity,
		SubjectType:  e.SubjectType,
		TraceID:      tr.TraceID,
		SpanID:       reqctx.NewSpanID(),
		ParentSpanID: tr.SpanID,
		Outcome:      e.Outcome,
		Detail:       e.Detail,
		PrevHash:     headHash,
	}
	if r.Outcome == "" {
		r.Outcome = OK
	}
	if e.Subject != "" {
		enc, err := l.keys.Seal(e.Subject, "processing_log.subject:"+r.ID)
		if err != nil {
			return err
		}
		r.SubjectEnc = enc
		r.SubjectIndex = l.SubjectIndex(e.Subject)
	}
	r.Hash = r.ComputeHash()
	if _, err := tx.Exec(ctx, `INSERT INTO processing_log (seq, id, occurred_at, actor_id, actor_org_id, action,
		object_type, object_id, activity_id, subject_enc, subject_index, subject_type, trace_id, span_id,
		parent_span_id, outcome, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.Seq, r.ID, r.OccurredAt, r.ActorID, r.ActorOrgID, r.Action, r.ObjectType, r.ObjectID, r.ActivityID,
		r.SubjectEnc, r.SubjectIndex, r.SubjectType, r.TraceID, r.SpanID, r.ParentSpanID, r.Outcome, r.Detail,
		r.PrevHash, r.Hash); err != nil {
		return fmt.Errorf("audit insert: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1`, r.Seq, r.Hash); err != nil {
		return fmt.Errorf("audit head update: %w", err)
	}
	return nil
}

// ComputeHash returns the SHA-256 over every column and the previous hash,
// each field length-prefixed so no two records encode alike.
func (r Record) ComputeHash() string {
	h := sha256.New()
	for _, f := range []string{
		strconv.FormatInt(r.Seq, 10), r.ID, r.OccurredAt.UTC().Format(time.RFC3339Nano), r.ActorID, r.ActorOrgID,
		r.Action, r.ObjectType, r.ObjectID, r.ActivityID, r.SubjectEnc, r.SubjectIndex, r.SubjectType,
		r.TraceID, r.SpanID, r.ParentSpanID, r.Outcome, r.Detail, r.PrevHash,
	} {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// DecryptSubject returns the plain data subject id of r (for the FG's viewer).
func (l *Log) DecryptSubject(r Record) (string, error) {
	return l.keys.Open(r.SubjectEnc, "processing_log.subject:"+r.ID)
}

const columns = `seq, id, occurred_at, actor_id, actor_org_id, action, object_type, object_id, activity_id,
	subject_enc, subject_index, subject_type, trace_id, span_id, parent_span_id, outcome, detail, prev_hash, hash`

type scanner interface{ Scan(...any) error }

func scanRecord(s scanner) (Record, error) {
	var r Record
	var at store.Time
	err := s.Scan(&r.Seq, &r.ID, &at, &r.ActorID, &r.ActorOrgID, &r.Action, &r.ObjectType, &r.ObjectID,
		&r.ActivityID, &r.SubjectEnc, &r.SubjectIndex, &r.SubjectType, &r.TraceID, &r.SpanID, &r.ParentSpanID,
		&r.Outcome, &r.Detail, &r.PrevHash, &r.Hash)
	r.OccurredAt = at.Time
	return r, err
}

// Problem describes the first place where the chain is broken.
type Problem struct {
	Seq    int64  // the record (or the expected record) at fault
	Reason string // what is wrong
}

func (p *Problem) Error() string { return fmt.Sprintf("record %d: %s", p.Seq, p.Reason) }

// Verify walks the whole chain in order and returns the number of intact
// records and the first problem: a record whose columns no longer match its
// hash, a broken link to the previous record, a missing sequence number, or a
// head that points past the last record (records removed at the end).
func Verify(ctx context.Context, db *store.DB) (n int64, problem *Problem, err error) {
	err = db.Tx(ctx, func(tx *store.Tx) error {
		var headSeq int64
		var headHash string
		if err := tx.QueryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+columns+` FROM processing_log ORDER BY seq`)
		if err != nil {
			return err
		}
		defer rows.Close()
		prev := ""
		for rows.Next() {
			r, err := scanRecord(rows)
			if err != nil {
				return err
			}
			switch {
			case r.Seq != n+1:
				problem = &Problem{n + 1, fmt.Sprintf("missing (next record found is %d): records were removed", r.Seq)}
			case r.PrevHash != prev:
				problem = &Problem{r.Seq, "does not link to the record before it"}
			case r.ComputeHash() != r.Hash:
				problem = &Problem{r.Seq, "its contents do not match its hash: the record was altered"}
			}
			if problem != nil {
				return nil
			}
			prev = r.Hash
			n++
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if headSeq != n || headHash != prev {
			problem = &Problem{n + 1, fmt.Sprintf("the chain head names record %d but the log ends at %d: records were removed", headSeq, n)}
		}
		return nil
	})
	return n, problem, err
}

// Filter selects records for List. Empty fields select everything.
type Filter struct {
	ObjectID   string
	ActorID    string
	Action     string
	SubjectIdx string   // SubjectIndex of a data subject
	OrgIDs     []string // restrict to actors of these organisations (scope); nil: no restriction
	From, To   time.Time
	Before     int64 // cursor: records with seq < Before (0: from the newest)
	Limit      int   // default 50, at most 500
}

// List returns matching records, newest first, and the cursor for the next page (0 when none).
func List(ctx context.Context, tx *store.Tx, f Filter) ([]Record, int64, error) {
	var where []string
	var args []any
	add := func(cond string, a ...any) { where = append(where, cond); args = append(args, a...) }
	if f.ObjectID != "" {
		add("object_id = ?", f.ObjectID)
	}
	if f.ActorID != "" {
		add("actor_id = ?", f.ActorID)
	}
	if f.Action != "" {
		add("action = ?", f.Action)
	}
	if f.SubjectIdx != "" {
		add("subject_index = ?", f.SubjectIdx)
	}
	if f.OrgIDs != nil {
		if len(f.OrgIDs) == 0 {
			return nil, 0, nil
		}
		ids := make([]any, len(f.OrgIDs))
		for i, id := range f.OrgIDs {
			ids[i] = id
		}
		add("actor_org_id IN ("+store.Placeholders(len(ids))+")", ids...)
	}
	if !f.From.IsZero() {
		add("occurred_at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		add("occurred_at < ?", f.To.UTC())
	}
	if f.Before > 0 {
		add("seq < ?", f.Before)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	if limit > 500 {
		limit = 500
	}
	q := `SELECT ` + columns + ` FROM processing_log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY seq DESC LIMIT " + strconv.Itoa(limit+1)
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	var next int64
	if len(out) > limit {
		out = out[:limit]
		next = out[limit-1].Seq
	}
	return out, next, nil
}
