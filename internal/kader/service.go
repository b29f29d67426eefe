package kader

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/content"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
)

// Message keys (i18n catalog/kader.*.json).
const (
	KeyYearInvalid         = "kader.year.invalid"
	KeyRoundExists         = "kader.round.exists"
	KeyMunicipalityInvalid = "kader.municipality.invalid"
	KeyItemUnknown         = "kader.item.unknown"
	KeyStatusInvalid       = "kader.status.invalid"
	KeyTextTooLong         = "kader.text.too_long"
	KeyTextUTF8            = "kader.text.utf8"
	KeyLinkInvalid         = "kader.link.invalid"
	KeyLinksTooMany        = "kader.links.too_many"
	KeyDateInvalid         = "kader.date.invalid"
	KeyTitleRequired       = "kader.action.title.required"
	KeyActionStatusInvalid = "kader.action.status.invalid"
	KeyRoundInvalid        = "kader.action.round.invalid"
	KeyNoteRequired        = "kader.action.note.required"
	KeyCompareInvalid      = "kader.compare.invalid"
)

// Service runs self-assessments and action plans.
type Service struct {
	db  *store.DB
	log *audit.Log
	cat *content.Catalog
}

// NewService returns the self-assessment service.
func NewService(db *store.DB, log *audit.Log, cat *content.Catalog) *Service {
	return &Service{db: db, log: log, cat: cat}
}

// Catalog returns the content catalogue (the framework).
func (s *Service) Catalog() *content.Catalog { return s.cat }

func (s *Service) logChange(ctx context.Context, tx *store.Tx, actor policy.Subject, action, objectType, id, detail string) error {
	return s.log.Write(ctx, tx, audit.Entry{ActorID: actor.UserID, ActorOrgID: actor.OrgID, Action: action,
		ObjectType: objectType, ObjectID: id, Activity: audit.ActivityBeleid, Detail: detail})
}

// zone decides what "today" is.
var zone = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Amsterdam"); err == nil {
		return l
	}
	return time.FixedZone("CEST", 2*3600)
}()

// Today returns the Dutch calendar date of t as YYYY-MM-DD.
func Today(t time.Time) string { return t.In(zone).Format(time.DateOnly) }

func validDate(s string) bool {
	t, err := time.Parse(time.DateOnly, s)
	return err == nil && t.Format(time.DateOnly) == s && t.Year() >= 1900 && t.Year() <= 2200
}

func text(v *errs.Validation, field, s string, n int) {
	switch {
	case !utf8.ValidString(s):
		v.Add(field, KeyTextUTF8)
	case utf8.RuneCountInString(s) > n:
		v.Add(field, KeyTextTooLong)
	}
}

// municipality returns the name and region of municipality id, ok false when
// id names no municipality.
func municipality(ctx context.Context, tx *store.Tx, id string) (name, region string, ok bool, err error) {
	var r sql.NullString
	err = tx.QueryRow(ctx, `SELECT name, region_id FROM organisations WHERE id = ? AND kind = 'municipality'`, id).Scan(&name, &r)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", false, nil
	}
	return name, r.String, err == nil, err
}

// StartRound starts the municipality's round for year (municipalityID ""
// means the actor's own organisation). A second round for the same year is a
// conflict. The new round starts from the latest earlier round (status,
// evidence, links, owner, date and remark of every block), so a policy
// officer updates what changed rather than starting blank; without an
// earlier round every block starts absent.
func (s *Service) StartRound(ctx context.Context, actor policy.Subject, municipalityID string, year int) (Round, error) {
	if municipalityID == "" {
		municipalityID = actor.OrgID
	}
	var id string
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		if actor.Anonymous() {
			return errs.E(errs.Unauthenticated, "error.unauthenticated")
		}
		_, region, ok, err := municipality(ctx, tx, municipalityID)
		if err != nil {
			return err
		}
		res := policy.Resource{OrgID: municipalityID, RegionID: region}
		if !ok {
			res = policy.Resource{OrgID: municipalityID}
		}
		if err := policy.Require(actor, policy.EditSelfAssessment, res); err != nil {
			return err
		}
		var v errs.Validation
		v.Check(ok, "municipalityId", KeyMunicipalityInvalid)
		thisYear, _ := strconv.Atoi(Today(tx.Now)[:4])
		v.Check(year >= FirstYear && year <= thisYear+1, "year", KeyYearInvalid)
		if err := v.Err(); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM self_assessments WHERE municipality_id = ? AND year = ?`,
			municipalityID, year).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return &errs.Error{Code: errs.Conflict, Key: KeyRoundExists, Fields: []errs.FieldError{{Field: "year", Key: KeyRoundExists}}}
		}
		prev := map[string]Item{}
		var prevID string
		err = tx.QueryRow(ctx, `SELECT id FROM self_assessments WHERE municipality_id = ? AND year < ? ORDER BY year DESC LIMIT 1`,
			municipalityID, year).Scan(&prevID)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		default:
			items, err := loadItems(ctx, tx, prevID)
			if err != nil {
				return err
			}
			for _, it := range items {
				prev[it.BlockID] = it
			}
		}
		id = store.NewID()
		if _, err := tx.Exec(ctx, `INSERT INTO self_assessments (id, municipality_id, year, content_version, created_by,
			created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, 1)`,
			id, municipalityID, year, s.cat.Meta.Version, actor.UserID, tx.Now, tx.Now); err != nil {
			if store.IsUniqueViolation(err) {
				return &errs.Error{Code: errs.Conflict, Key: KeyRoundExists, Fields: []errs.FieldError{{Field: "year", Key: KeyRoundExists}}}
			}
			return err
		}
		for _, b := range blocks(s.cat) {
			it, ok := prev[b.ID]
			if !ok {
				it = Item{Status: Absent, Links: []string{}}
			}
			links, _ := json.Marshal(it.Links)
			if _, err := tx.Exec(ctx, `INSERT INTO self_assessment_items (assessment_id, block_id, status, evidence, links,
				owner, item_date, remark, updated_by, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', ?, 1)`,
				id, b.ID, string(it.Status), it.Evidence, string(links), it.Owner, it.Date, it.Remark, tx.Now); err != nil {
				return err
			}
		}
		detail := strconv.Itoa(year)
		if prevID != "" {
			detail += " from " + prevID
		}
		return s.logChange(ctx, tx, actor, "kader.round.create", "self_assessment", id, detail)
	})
	if err != nil {
		return Round{}, errs.Wrap(err, "start round")
	}
	return s.Round(ctx, actor, id)
}

func loadItems(ctx context.Context, tx *store.Tx, id string) ([]Item, error) {
	rows, err := tx.Query(ctx, `SELECT i.block_id, i.status, i.evidence, i.links, i.owner, i.item_date, i.remark,
		COALESCE(u.name, ''), i.updated_at, i.version FROM self_assessment_items i
		LEFT JOIN users u ON u.id = i.updated_by WHERE i.assessment_id = ?`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		var it Item
		var links string
		var at store.Time
		if err := rows.Scan(&it.BlockID, &it.Status, &it.Evidence, &links, &it.Owner, &it.Date, &it.Remark,
			&it.UpdatedBy, &at, &it.Version); err != nil {
			return nil, err
		}
		it.UpdatedAt = at.Time
		if err := json.Unmarshal([]byte(links), &it.Links); err != nil {
			return nil, fmt.Errorf("self-assessment item %s links: %w", it.BlockID, err)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// loadRound reads round id with its items in the Kader's order (blocks the
// content added since the round started show as absent, version 0; blocks
// the content no longer has are left out), without a policy check.
func (s *Service) loadRound(ctx context.Context, tx *store.Tx, id string) (Round, error) {
	var r Round
	var c, u store.Time
	var region sql.NullString
	err := tx.QueryRow(ctx, `SELECT a.id, a.municipality_id, o.name, o.region_id, a.year, a.content_version, a.created_by,
		a.created_at, a.updated_at, a.version FROM self_assessments a JOIN organisations o ON o.id = a.municipality_id
		WHERE a.id = ?`, id).Scan(&r.ID, &r.MunicipalityID, &r.MunicipalityName, &region, &r.Year, &r.ContentVersion,
		&r.CreatedBy, &c, &u, &r.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return r, errs.E(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return r, err
	}
	r.RegionID, r.CreatedAt, r.UpdatedAt = region.String, c.Time, u.Time
	items, err := loadItems(ctx, tx, id)
	if err != nil {
		return r, err
	}
	byID := make(map[string]Item, len(items))
	for _, it := range items {
		byID[it.BlockID] = it
	}
	for _, b := range blocks(s.cat) {
		it, ok := byID[b.ID]
		if !ok {
			it = Item{BlockID: b.ID, Status: Absent, Links: []string{}}
		}
		it.ThemeID, it.Level = b.Theme, b.Level
		r.Items = append(r.Items, it)
	}
	r.Scores, r.BasisOpOrde, r.Blocking = Scores(s.cat, r.Items)
	return r, nil
}

// Round returns round id with its scores, Basis op orde and the IBP
// checklist. Only the municipality's policy officers read it.
func (s *Service) Round(ctx context.Context, actor policy.Subject, id string) (Round, error) {
	var r Round
	err := s.db.ReadTx(ctx, func(tx *store.Tx) error {
		var err error
		if r, err = s.readable(ctx, tx, actor, id, policy.ReadSelfAssessment); err != nil {
			return err
		}
		r.IBP, err = s.checkIBP(ctx, tx, r)
		return err
	})
	if err != nil {
		return Round{}, errs.Wrap(err, "read round")
	}
	return r, nil
}

func (s *Service) readable(ctx context.Context, tx *store.Tx, actor policy.Subject, id string, a policy.Action) (Round, error) {
	if actor.Anonymous() {
		return Round{}, errs.E(errs.Unauthenticated, "error.unauthenticated")
	}
	r, err := s.loadRound(ctx, tx, id)
	if err != nil {
		return r, err
	}
	return r, policy.Require(actor, a, r.Resource())
}

// Rounds lists the rounds of a municipality ("" = the actor's own), newest
// year first.
func (s *Service) Rounds(ctx context.Context, actor policy.Subject, municipalityID string) ([]RoundSummary, error) {
	if municipalityID == "" {
		municipalityID = actor.OrgID
	}
	out := []RoundSummary{}
	err := s.db.ReadTx(ctx, func(tx *store.Tx) error {
		if actor.Anonymous() {
			return errs.E(errs.Unauthenticated, "error.unauthenticated")
		}
		_, region, _, err := municipality(ctx, tx, municipalityID)
		if err != nil {
			return err
		}
		if err := policy.Require(actor, policy.ReadSelfAssessment, policy.Resource{OrgID: municipalityID, RegionID: region}); err != nil {
			return err
		}
		ids, err := tx.Strings(ctx, `SELECT id FROM self_assessments WHERE municipality_id = ? ORDER BY year DESC`, municipalityID)
		if err != nil {
			return err
		}
		for _, id := range ids {
			r, err := s.loadRound(ctx, tx, id)
			if err != nil {
				return err
			}
			out = append(out, summary(r))
		}
		return nil
	})
	if err != nil {
		return nil, errs.Wrap(err, "list rounds")
	}
	return out, nil
}

func summary(r Round) RoundSummary {
	return RoundSummary{ID: r.ID, Year: r.Year, Overall: Overall(r.Scores).Percent, BasisOpOrde: r.BasisOpOrde, Blocking: len(r.Blocking)}
}

func (in *ItemInput) normalise() {
	in.Evidence = strings.TrimSpace(in.Evidence)
	in.Owner = strings.TrimSpace(in.Owner)
	in.Date = strings.TrimSpace(in.Date)
	in.Remark = strings.TrimSpace(in.Remark)
	links := []string{}
	for _, l := range in.Links {
		if l = strings.TrimSpace(l); l != "" && !slices.Contains(links, l) {
			links = append(links, l)
		}
	}
	in.Links = links
}

// validLink: an absolute http(s) URL (evidence lives on the intranet or the
// council's site).
func validLink(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && len(s) <= MaxLink
}

// UpdateItem fills in building block blockID of round id. version is the
// item's version the policy officer saw: a stale edit is a conflict with the
// current item. An unknown block is a validation error on "id".
func (s *Service) UpdateItem(ctx context.Context, actor policy.Subject, id, blockID string, version int, in ItemInput) (Item, error) {
	in.normalise()
	var it Item
	var conflict error
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		r, err := s.readable(ctx, tx, actor, id, policy.EditSelfAssessment)
		if err != nil {
			return err
		}
		var v errs.Validation
		i := slices.IndexFunc(r.Items, func(x Item) bool { return x.BlockID == blockID })
		v.Check(i >= 0, "id", KeyItemUnknown)
		v.Check(slices.Contains(Statuses, in.Status), "status", KeyStatusInvalid)
		text(&v, "evidence", in.Evidence, MaxEvidence)
		text(&v, "owner", in.Owner, MaxOwner)
		text(&v, "remark", in.Remark, MaxRemark)
		v.Check(in.Date == "" || validDate(in.Date), "date", KeyDateInvalid)
		if len(in.Links) > MaxLinks {
			v.Add("links", KeyLinksTooMany)
		} else {
			for j, l := range in.Links {
				v.Check(validLink(l), fmt.Sprintf("links[%d]", j), KeyLinkInvalid)
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		cur := r.Items[i]
		if cur.Version != version {
			it, conflict = cur, errs.E(errs.Conflict, "error.stale")
			return nil
		}
		links, _ := json.Marshal(in.Links)
		if cur.Version == 0 {
			// A block the content added after the round started.
			// A concurrent first save of the same block inserts nothing
			// (ON CONFLICT DO NOTHING: no unique violation, which would
			// abort the transaction on PostgreSQL) and is a conflict.
			var res sql.Result
			res, err = tx.Exec(ctx, `INSERT INTO self_assessment_items (assessment_id, block_id, status, evidence, links, owner,
				item_date, remark, updated_by, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
				ON CONFLICT (assessment_id, block_id) DO NOTHING`,
				id, blockID, string(in.Status), in.Evidence, string(links), in.Owner, in.Date, in.Remark, actor.UserID, tx.Now)
			if err == nil {
				if n, _ := res.RowsAffected(); n != 1 {
					items, err := loadItems(ctx, tx, id)
					if err != nil {
						return err
					}
					for _, x := range items {
						if x.BlockID == blockID {
							it = x
						}
					}
					it.ThemeID, it.Level = cur.ThemeID, cur.Level
					conflict = errs.E(errs.Conflict, "error.stale")
					return nil
				}
			}
		} else {
			var res sql.Result
			res, err = tx.Exec(ctx, `UPDATE self_assessment_items SET status = ?, evidence = ?, links = ?, owner = ?, item_date = ?,
				remark = ?, updated_by = ?, updated_at = ?, version = version + 1 WHERE assessment_id = ? AND block_id = ? AND version = ?`,
				string(in.Status), in.Evidence, string(links), in.Owner, in.Date, in.Remark, actor.UserID, tx.Now, id, blockID, version)
			if err == nil {
				if n, _ := res.RowsAffected(); n != 1 {
					items, err := loadItems(ctx, tx, id)
					if err != nil {
						return err
					}
					for _, x := range items {
						if x.BlockID == blockID {
							it = x
						}
					}
					it.ThemeID, it.Level = cur.ThemeID, cur.Level
					conflict = errs.E(errs.Conflict, "error.stale")
					return nil
				}
			}
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE self_assessments SET updated_at = ?, version = version + 1 WHERE id = ?`, tx.Now, id); err != nil {
			return err
		}
		it = Item{BlockID: blockID, ThemeID: cur.ThemeID, Level: cur.Level, Status: in.Status, Evidence: in.Evidence,
			Links: in.Links, Owner: in.Owner, Date: in.Date, Remark: in.Remark, UpdatedAt: tx.Now, Version: version + 1}
		if err := tx.QueryRow(ctx, `SELECT name FROM users WHERE id = ?`, actor.UserID).Scan(&it.UpdatedBy); err != nil {
			return err
		}
		return s.logChange(ctx, tx, actor, "kader.item.update", "self_assessment", id, blockID+": "+string(cur.Status)+"→"+string(in.Status))
	})
	if err != nil {
		return Item{}, errs.Wrap(err, "update item")
	}
	return it, conflict
}

// Compare compares two rounds of one municipality (from the older to the
// newer): the blocks whose status changed and the theme scores.
func (s *Service) Compare(ctx context.Context, actor policy.Subject, fromID, toID string) (Comparison, error) {
	var c Comparison
	err := s.db.ReadTx(ctx, func(tx *store.Tx) error {
		a, err := s.readable(ctx, tx, actor, fromID, policy.ReadSelfAssessment)
		if err != nil {
			return err
		}
		b, err := s.readable(ctx, tx, actor, toID, policy.ReadSelfAssessment)
		if err != nil {
			return err
		}
		if a.MunicipalityID != b.MunicipalityID || a.ID == b.ID {
			var v errs.Validation
			v.Add("to", KeyCompareInvalid)
			return v.Err()
		}
		if a.Year > b.Year {
			a, b = b, a
		}
		c = Comparison{From: summary(a), To: summary(b), Changes: []Change{}}
		for i := range a.Items {
			x, y := a.Items[i], b.Items[i]
			if x.Status != y.Status {
				c.Changes = append(c.Changes, Change{BlockID: x.BlockID, From: x.Status, To: y.Status, Better: rank(y.Status) > rank(x.Status)})
			}
		}
		ta, tb := ThemeScores(a.Scores), ThemeScores(b.Scores)
		for i := range ta {
			c.Themes = append(c.Themes, ThemeChange{ThemeID: ta[i].ThemeID, From: ta[i].Percent, To: tb[i].Percent})
		}
		return nil
	})
	if err != nil {
		return Comparison{}, errs.Wrap(err, "compare rounds")
	}
	return c, nil
}

// checkIBP checks the IBP 5.11 commitments of the round's municipality
// against Baken's data (as it is now; the round's own block for CheckBlock).
func (s *Service) checkIBP(ctx context.Context, tx *store.Tx, r Round) ([]CommitmentResult, error) {
	out := []CommitmentResult{}
	for _, c := range s.cat.IBP {
		res := CommitmentResult{ID: c.ID, Check: c.Check, Block: c.Block}
		switch c.Check {
		case content.CheckBlock:
			for _, it := range r.Items {
				if it.BlockID == c.Block {
					res.Met = it.Status == Complete
				}
			}
		case content.CheckPolicyOfficer:
			names, err := tx.Strings(ctx, `SELECT u.name FROM users u JOIN user_roles ur ON ur.user_id = u.id AND ur.role = ?
				WHERE u.organisation_id = ? AND u.disabled_at IS NULL ORDER BY u.name`, string(policy.Beleidsmedewerker), r.MunicipalityID)
			if err != nil {
				return nil, err
			}
			res.Names, res.Count, res.Met = names, len(names), len(names) > 0
		case content.CheckCareCoordinator:
			names, err := tx.Strings(ctx, `SELECT u.name FROM users u JOIN user_roles ur ON ur.user_id = u.id AND ur.role = ?
				JOIN organisations o ON o.id = u.organisation_id
				WHERE u.disabled_at IS NULL AND ((o.kind = 'region' AND o.id = ?) OR (o.kind <> 'region' AND o.region_id = ?))
				ORDER BY u.name`, string(policy.Zorgcoordinator), r.RegionID, r.RegionID)
			if err != nil {
				return nil, err
			}
			res.Names, res.Count, res.Met = names, len(names), len(names) > 0
		case content.CheckShelter:
			names, err := tx.Strings(ctx, `SELECT name FROM organisations WHERE kind = 'partner' AND partner_type = 'opvang'
				AND region_id = ? ORDER BY name`, r.RegionID)
			if err != nil {
				return nil, err
			}
			res.Names, res.Count, res.Met = names, len(names), len(names) > 0
		case content.CheckSignals:
			// The twelve months up to today for this year's round (and a
			// round for next year); for an earlier year's round that
			// calendar year, so an old round keeps telling what it told.
			from := tx.Now.AddDate(-1, 0, 0)
			to := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
			res.From, res.To = Today(from), Today(tx.Now)
			if thisYear, _ := strconv.Atoi(Today(tx.Now)[:4]); r.Year < thisYear {
				from = time.Date(r.Year, 1, 1, 0, 0, 0, 0, zone)
				to = from.AddDate(1, 0, 0)
				res.From, res.To = fmt.Sprintf("%d-01-01", r.Year), fmt.Sprintf("%d-12-31", r.Year)
			}
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM signals WHERE reporter_org_id = ? AND created_at >= ? AND created_at < ?`,
				r.MunicipalityID, from.UTC(), to.UTC()).Scan(&res.Count); err != nil {
				return nil, err
			}
			res.Met = res.Count > 0
		}
		if res.Names == nil && c.Check != content.CheckSignals && c.Check != content.CheckBlock {
			res.Names = []string{}
		}
		out = append(out, res)
	}
	return out, nil
}

// RegionView returns every municipality of region × theme for year, with
// Basis op orde per municipality. For the region's analysts and care
// coordinators; a municipality without a round that year shows as such.
func (s *Service) RegionView(ctx context.Context, actor policy.Subject, regionID string, year int) (RegionView, error) {
	if regionID == "" {
		regionID = actor.RegionID
	}
	rv := RegionView{RegionID: regionID, Year: year, Rows: []RegionRow{}}
	err := s.db.ReadTx(ctx, func(tx *store.Tx) error {
		if actor.Anonymous() {
			return errs.E(errs.Unauthenticated, "error.unauthenticated")
		}
		if err := policy.Require(actor, policy.ReadRegionKader, policy.Resource{RegionID: regionID}); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `SELECT name FROM organisations WHERE id = ? AND kind = 'region'`, regionID).Scan(&rv.RegionName)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.E(errs.NotFound, "error.not_found")
		}
		if err != nil {
			return err
		}
		thisYear, _ := strconv.Atoi(Today(tx.Now)[:4])
		if year < FirstYear || year > thisYear+1 {
			var v errs.Validation
			v.Add("year", KeyYearInvalid)
			return v.Err()
		}
		rows, err := tx.Query(ctx, `SELECT o.id, o.name, COALESCE(a.id, '') FROM organisations o
			LEFT JOIN self_assessments a ON a.municipality_id = o.id AND a.year = ?
			WHERE o.kind = 'municipality' AND o.region_id = ? ORDER BY o.name, o.id`, year, regionID)
		if err != nil {
			return err
		}
		type m struct{ id, name, round string }
		var ms []m
		for rows.Next() {
			var x m
			if err := rows.Scan(&x.id, &x.name, &x.round); err != nil {
				rows.Close()
				return err
			}
			ms = append(ms, x)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, x := range ms {
			row := RegionRow{MunicipalityID: x.id, MunicipalityName: x.name, Themes: []Score{}}
			if x.round != "" {
				r, err := s.loadRound(ctx, tx, x.round)
				if err != nil {
					return err
				}
				row.HasRound, row.Themes, row.Overall = true, ThemeScores(r.Scores), Overall(r.Scores).Percent
				row.BasisOpOrde, row.Blocking = r.BasisOpOrde, len(r.Blocking)
			}
			rv.Rows = append(rv.Rows, row)
		}
		return nil
	})
	if err != nil {
		return RegionView{}, errs.Wrap(err, "region view")
	}
	return rv, nil
}
