package audit

import (
	"context"
	"strconv"

	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
)

// Viewer is the policy-checked way people read the processing log (the FG's
// and beheerder's viewer, the API and `baken audit list`). Reading the log is
// itself logged: who looked at whose trail is part of the trail.
type Viewer struct {
	db  *store.DB
	log *Log
}

// NewViewer returns a Viewer.
func NewViewer(db *store.DB, log *Log) *Viewer { return &Viewer{db: db, log: log} }

// View is one record as shown to a reader, with the data subject decrypted.
type View struct {
	Record
	Subject string `json:"dataSubjectId,omitempty"`
}

// Search returns records within the actor's scope (national: all; otherwise
// records of actors from organisations in the actor's region, or for a
// beheerder the organisations it administers), newest first,
// with the cursor of the next page.
func (v *Viewer) Search(ctx context.Context, actor policy.Subject, f Filter, subject string) ([]View, int64, error) {
	var out []View
	var next int64
	err := v.db.Tx(ctx, func(tx *store.Tx) error {
		if err := policy.Require(actor, policy.ReadAudit, policy.Resource{}); err != nil {
			return err
		}
		f.OrgIDs = nil
		if !actor.National {
			ids, err := orgsInRegion(ctx, tx, actor)
			if err != nil {
				return err
			}
			f.OrgIDs = ids
		}
		if subject != "" {
			f.SubjectIdx = v.log.SubjectIndex(subject)
		}
		recs, n, err := List(ctx, tx, f)
		if err != nil {
			return err
		}
		next = n
		for _, r := range recs {
			s, err := v.log.DecryptSubject(r)
			if err != nil {
				s = "(?)"
			}
			if r.SubjectType == SubjectEmail {
				// Written before F9: the text typed at a failed sign-in to an
				// unknown account, which may be a password. Never shown.
				s = ""
			}
			out = append(out, View{Record: r, Subject: s})
		}
		return v.log.Write(ctx, tx, Entry{ActorID: actor.UserID, ActorOrgID: actor.OrgID, Action: "audit.read",
			ObjectType: "processing_log", Activity: ActivityAudit, Detail: "records: " + strconv.Itoa(len(out))})
	})
	return out, next, errs.Wrap(err, "search processing log")
}

// orgsInRegion: the organisations whose actors' records the actor reads. The
// privacyfunctionaris reads its region's; a beheerder alone only those of
// the organisations it administers (policy.AdministeredBy).
func orgsInRegion(ctx context.Context, tx *store.Tx, actor policy.Subject) ([]string, error) {
	if !actor.Has(policy.Privacyfunctionaris) {
		if sc := policy.AdministeredBy(actor); sc.RegionID == "" {
			return []string{sc.OrgID}, nil
		}
	}
	return tx.Strings(ctx, `SELECT id FROM organisations WHERE id = ? OR id = ? OR region_id = ?`, actor.OrgID, actor.RegionID, actor.RegionID)
}
