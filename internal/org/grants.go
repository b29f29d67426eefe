package org

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
)

// Four eyes on sensitive roles (policy.SensitiveRoles). A beheerder who gives
// a user such a role proposes it; the role takes effect — a row in
// user_roles — only when a second person approves (policy.ApproveRole). A
// grant is for the organisation the user is in: moving the user to another
// organisation, or an administrator resetting their password, takes the
// role away and proposes it again, so that neither can be used to reach
// victims' data alone. The command line (System) is the operator with the
// database and the key file: its grants take effect at once.

// Why a grant awaits approval.
const (
	GrantNew   = "new"   // the role was added
	GrantMoved = "moved" // the user moved to another organisation
	GrantReset = "reset" // an administrator reset the user's password
)

// Grant statuses.
const (
	GrantPending   = "pending"
	GrantApproved  = "approved"
	GrantRejected  = "rejected"
	GrantWithdrawn = "withdrawn"
)

// Decisions on a pending grant (DecideRoleGrant).
const (
	DecideApprove  = "approve"
	DecideReject   = "reject"
	DecideWithdraw = "withdraw"
)

// Decisions lists the decisions in the order forms offer them.
var Decisions = []string{DecideApprove, DecideReject, DecideWithdraw}

// RoleGrant is a proposal to give a user a sensitive role.
type RoleGrant struct {
	ID               string
	UserID           string
	UserName         string
	UserEmail        string
	Role             policy.Role
	OrganisationID   string
	OrganisationName string
	RegionID         string // the organisation's region (its own id for a region)
	Reason           string // GrantNew, GrantMoved, GrantReset
	Status           string
	ProposedBy       string
	ProposedByName   string // "" for the command line
	ProposedAt       time.Time
	DecidedBy        string
	DecidedByName    string
	DecidedAt        *time.Time
	Version          int
	// PasswordSetBy is the administrator who set the user's current
	// password ("" when the user chose it): they may not approve, and the
	// role is not approved before the user has chosen their own.
	PasswordSetBy string
}

// AwaitsOwnPassword: the user has not chosen their own password since an
// administrator set it, so the grant cannot be approved yet.
func (g RoleGrant) AwaitsOwnPassword() bool { return g.PasswordSetBy != "" }

// Resource is the policy view of the grant (policy.ApproveRole): what the
// role reaches — the organisation, or for a care coordinator the whole
// region (so only those who administer or oversee the region decide) — and
// who may not decide.
func (g RoleGrant) Resource() policy.Resource {
	r := policy.Resource{ID: g.ID, OrgID: g.OrganisationID, RegionID: g.RegionID, OwnerID: g.UserID, Involved: []string{g.ProposedBy}}
	if g.Role == policy.Zorgcoordinator && g.RegionID != "" {
		r.OrgID = g.RegionID
	}
	if g.PasswordSetBy != "" {
		r.Involved = append(r.Involved, g.PasswordSetBy)
	}
	return r
}

const grantColumns = `g.id, g.user_id, u.name, u.email, g.role, g.organisation_id, o.name, COALESCE(o.region_id, ''), o.kind,
	g.reason, g.status, g.proposed_by, COALESCE(p.name, ''), g.proposed_at, COALESCE(g.decided_by, ''), COALESCE(d.name, ''),
	g.decided_at, g.version, COALESCE(u.password_set_by, '')`

const grantFrom = ` FROM role_grants g JOIN users u ON u.id = g.user_id JOIN organisations o ON o.id = g.organisation_id
	LEFT JOIN users p ON p.id = g.proposed_by LEFT JOIN users d ON d.id = g.decided_by`

func scanGrant(s interface{ Scan(...any) error }) (RoleGrant, error) {
	var g RoleGrant
	var kind Kind
	var at store.Time
	var decided store.NullTime
	err := s.Scan(&g.ID, &g.UserID, &g.UserName, &g.UserEmail, &g.Role, &g.OrganisationID, &g.OrganisationName, &g.RegionID, &kind,
		&g.Reason, &g.Status, &g.ProposedBy, &g.ProposedByName, &at, &g.DecidedBy, &g.DecidedByName, &decided, &g.Version, &g.PasswordSetBy)
	if kind == Region {
		g.RegionID = g.OrganisationID
	}
	g.ProposedAt = at.Time
	if decided.Valid {
		t := decided.Time
		g.DecidedAt = &t
	}
	return g, err
}

func queryGrants(ctx context.Context, tx *store.Tx, cond string, args ...any) ([]RoleGrant, error) {
	rows, err := tx.Query(ctx, `SELECT `+grantColumns+grantFrom+` WHERE `+cond+` ORDER BY g.proposed_at, g.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RoleGrant
	for rows.Next() {
		g, err := scanGrant(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// loadGrant reads one grant; not found when there is none.
func loadGrant(ctx context.Context, tx *store.Tx, id string) (RoleGrant, error) {
	gs, err := queryGrants(ctx, tx, `g.id = ?`, id)
	if err != nil {
		return RoleGrant{}, err
	}
	if len(gs) == 0 {
		return RoleGrant{}, errs.E(errs.NotFound, "error.not_found")
	}
	return gs[0], nil
}

// loadPending fills the users' PendingRoles.
func loadPending(ctx context.Context, tx *store.Tx, users []*User) error {
	if len(users) == 0 {
		return nil
	}
	byID := map[string]*User{}
	args := []any{GrantPending}
	for _, u := range users {
		byID[u.ID] = u
		args = append(args, u.ID)
		u.PendingRoles = []RoleGrant{}
	}
	gs, err := queryGrants(ctx, tx, `g.status = ? AND g.user_id IN (`+store.Placeholders(len(users))+`)`, args...)
	if err != nil {
		return err
	}
	for _, g := range gs {
		byID[g.UserID].PendingRoles = append(byID[g.UserID].PendingRoles, g)
	}
	return nil
}

// roleChange is what an account edit does to the roles: the user's
// organisation after the edit, the roles asked for, and whether an
// administrator set new credentials (a password or a sign-in address).
type roleChange struct {
	user    User   // the account as it is before the edit (zero ID for a new one)
	orgID   string // the organisation after the edit
	desired []policy.Role
	reset   bool
	// regionMoved: the user's organisation moved to another region.
	regionMoved bool
}

// moved: the user's place in the tree changes.
func (c roleChange) moved() bool {
	return c.user.ID != "" && (c.orgID != c.user.OrganisationID || c.regionMoved)
}

// reason is why a role of this change awaits approval again.
func (c roleChange) reason() string {
	if c.moved() {
		return GrantMoved
	}
	return GrantReset
}

// regionChanged gives every user of an organisation that moved to another
// region the treatment of a moved user: their sensitive roles reached the
// old region and are proposed again, by the actor.
func (s *Service) regionChanged(ctx context.Context, tx *store.Tx, actor policy.Subject, orgID string) error {
	ids, err := tx.Strings(ctx, `SELECT id FROM users WHERE organisation_id = ? ORDER BY id`, orgID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		u, err := LoadUser(ctx, tx, id)
		if err != nil {
			return err
		}
		roles, err := s.applyRoles(ctx, tx, actor, id, roleChange{user: u, orgID: orgID, desired: u.Roles, regionMoved: true})
		if err != nil {
			return err
		}
		if !slices.Equal(roles, u.Roles) {
			if err := s.log.Write(ctx, tx, audit.Entry{ActorID: actor.UserID, ActorOrgID: actor.OrgID, Action: "user.roles",
				ObjectType: "user", ObjectID: id, Activity: audit.ActivitySecurity, Subject: id, SubjectType: audit.SubjectUser,
				Detail: "roles: " + joinRoles(u.Roles) + " -> " + joinRoles(roles) + "; organisation moved to another region"}); err != nil {
				return err
			}
		}
	}
	return nil
}

// applyRoles brings the user's roles to what the edit asks, under four
// eyes, and writes the processing-log records. It returns the effective
// roles after the edit.
func (s *Service) applyRoles(ctx context.Context, tx *store.Tx, actor policy.Subject, userID string, c roleChange) ([]policy.Role, error) {
	direct := actor.Operator // the command line: no second person to ask
	moved := c.moved()
	pending := map[policy.Role]RoleGrant{}
	if c.user.ID != "" {
		gs, err := queryGrants(ctx, tx, `g.status = ? AND g.user_id = ?`, GrantPending, userID)
		if err != nil {
			return nil, err
		}
		for _, g := range gs {
			pending[g.Role] = g
		}
	}
	var effective []policy.Role
	type proposal struct {
		role   policy.Role
		reason string
	}
	var propose []proposal
	for _, r := range c.desired {
		had := slices.Contains(c.user.Roles, r)
		switch {
		case !r.Sensitive() || direct:
			effective = append(effective, r)
		case had && moved:
			propose = append(propose, proposal{r, GrantMoved})
		case had && c.reset:
			propose = append(propose, proposal{r, GrantReset})
		case had:
			effective = append(effective, r)
		default:
			if _, ok := pending[r]; ok {
				continue // already proposed (and proposed again below when moved or reset)
			}
			propose = append(propose, proposal{r, GrantNew})
		}
	}
	// A pending proposal stays until decided, with two exceptions: a role
	// now given directly needs none, and when the user moved or got new
	// credentials from an administrator, every proposal is withdrawn and
	// made again — for the new organisation, by this editor (who then may
	// not approve it).
	for r, g := range pending {
		given := direct && slices.Contains(c.desired, r)
		if !given && !moved && !c.reset {
			continue
		}
		if err := s.closeGrant(ctx, tx, actor, g, GrantWithdrawn); err != nil {
			return nil, err
		}
		if !given {
			propose = append(propose, proposal{r, c.reason()})
		}
	}
	if err := setRoles(ctx, tx, userID, effective); err != nil {
		return nil, err
	}
	for _, p := range propose {
		g := RoleGrant{ID: store.NewID(), UserID: userID, Role: p.role, OrganisationID: c.orgID, Reason: p.reason,
			Status: GrantPending, ProposedBy: actor.UserID, ProposedAt: tx.Now, Version: 1}
		if _, err := tx.Exec(ctx, `INSERT INTO role_grants (id, user_id, role, organisation_id, reason, status, proposed_by, proposed_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)`, g.ID, g.UserID, g.Role, g.OrganisationID, g.Reason, g.Status, g.ProposedBy, g.ProposedAt); err != nil {
			return nil, err
		}
		if err := s.log.Write(ctx, tx, audit.Entry{ActorID: actor.UserID, ActorOrgID: actor.OrgID, Action: "user.role.propose",
			ObjectType: "role_grant", ObjectID: g.ID, Activity: audit.ActivitySecurity, Subject: userID, SubjectType: audit.SubjectUser,
			Detail: "role: " + string(g.Role) + "; reason: " + g.Reason}); err != nil {
			return nil, err
		}
	}
	return effective, nil
}

// withdrawAll withdraws every pending grant of a user (the account is disabled).
func (s *Service) withdrawAll(ctx context.Context, tx *store.Tx, actor policy.Subject, userID string) error {
	gs, err := queryGrants(ctx, tx, `g.status = ? AND g.user_id = ?`, GrantPending, userID)
	if err != nil {
		return err
	}
	for _, g := range gs {
		if err := s.closeGrant(ctx, tx, actor, g, GrantWithdrawn); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) closeGrant(ctx context.Context, tx *store.Tx, actor policy.Subject, g RoleGrant, status string) error {
	res, err := tx.Exec(ctx, `UPDATE role_grants SET status = ?, decided_by = ?, decided_at = ?, version = version + 1
		WHERE id = ? AND status = ? AND version = ?`, status, actor.UserID, tx.Now, g.ID, GrantPending, g.Version)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.E(errs.Conflict, "error.stale")
	}
	action := map[string]string{GrantApproved: "user.role.approve", GrantRejected: "user.role.reject", GrantWithdrawn: "user.role.withdraw"}[status]
	return s.log.Write(ctx, tx, audit.Entry{ActorID: actor.UserID, ActorOrgID: actor.OrgID, Action: action,
		ObjectType: "role_grant", ObjectID: g.ID, Activity: audit.ActivitySecurity, Subject: g.UserID, SubjectType: audit.SubjectUser,
		Detail: "role: " + string(g.Role) + "; proposed by: " + g.ProposedBy})
}

// ListRoleGrants returns the pending grants the actor may see: those of the
// organisations it administers (a beheerder) or of its scope (the
// privacyfunctionaris). Each says whether the actor may decide it
// (MayApprove): not its own proposals, not its own account.
func (s *Service) ListRoleGrants(ctx context.Context, actor policy.Subject) ([]GrantView, error) {
	var out []GrantView
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := policy.Require(actor, policy.ApproveRole, policy.Resource{}); err != nil {
			return err
		}
		cond, args := `g.status = ?`, []any{GrantPending}
		if !actor.National {
			// The region's organisations; narrowed per grant by the policy below.
			cond += ` AND (o.id = ? OR o.id = ? OR o.region_id = ?)`
			args = append(args, actor.OrgID, actor.RegionID, actor.RegionID)
		}
		gs, err := queryGrants(ctx, tx, cond, args...)
		if err != nil {
			return err
		}
		for _, g := range gs {
			r := g.Resource()
			approve := policy.Can(actor, policy.ApproveRole, r)
			if !approve && !canSeeGrant(actor, r) {
				continue
			}
			out = append(out, GrantView{RoleGrant: g, MayApprove: approve,
				MayWithdraw: policy.Can(actor, policy.ManageUser, policy.Resource{ID: g.UserID, OrgID: g.OrganisationID, RegionID: g.RegionID, OwnerID: g.UserID})})
		}
		return s.log.Write(ctx, tx, audit.Entry{ActorID: actor.UserID, ActorOrgID: actor.OrgID, Action: "user.role.list",
			ObjectType: "role_grant", Activity: audit.ActivitySecurity, Detail: "count: " + strconv.Itoa(len(out))})
	})
	return out, errs.Wrap(err, "list role grants")
}

// GrantView is a grant as one actor sees it.
type GrantView struct {
	RoleGrant
	MayApprove  bool // a second person who may approve or reject it
	MayWithdraw bool // a beheerder of the user (the proposer among them)
}

// canSeeGrant: the actor administers the grant's organisation (or is its
// privacyfunctionaris) but may not decide, being the proposer or the grantee.
func canSeeGrant(actor policy.Subject, r policy.Resource) bool {
	return errs.CodeOf(policy.Require(actor, policy.ApproveRole, r)) == errs.Forbidden
}

// DecideRoleGrant approves, rejects or withdraws a pending grant. Approving
// and rejecting are the second person's (policy.ApproveRole: never the
// proposer nor the user); withdrawing is for a beheerder of the user. The
// version is the one the decider saw.
func (s *Service) DecideRoleGrant(ctx context.Context, actor policy.Subject, id string, version int, decision string) (RoleGrant, error) {
	var g RoleGrant
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if g, err = loadGrant(ctx, tx, id); err != nil {
			return err
		}
		switch decision {
		case DecideApprove, DecideReject:
			if err := policy.Require(actor, policy.ApproveRole, g.Resource()); err != nil {
				if errs.CodeOf(err) == errs.Forbidden && g.ProposedBy == actor.UserID {
					return errs.E(errs.Forbidden, "grant.own_proposal")
				}
				return err
			}
		case DecideWithdraw:
			if err := policy.Require(actor, policy.ManageUser, policy.Resource{ID: g.UserID, OrgID: g.OrganisationID, RegionID: g.RegionID, OwnerID: g.UserID}); err != nil {
				return err
			}
		default:
			return &errs.Error{Code: errs.Invalid, Key: "error.validation", Fields: []errs.FieldError{{Field: "decision", Key: "grant.decision.invalid"}}}
		}
		if g.Status != GrantPending {
			return errs.E(errs.Conflict, "grant.decided")
		}
		if g.Version != version {
			return errs.E(errs.Conflict, "error.stale")
		}
		status := map[string]string{DecideApprove: GrantApproved, DecideReject: GrantRejected, DecideWithdraw: GrantWithdrawn}[decision]
		if status == GrantApproved {
			// The grant holds only for the organisation and the account it
			// was proposed for.
			u, err := LoadUser(ctx, tx, g.UserID)
			if err != nil {
				return err
			}
			if u.OrganisationID != g.OrganisationID || u.Disabled {
				return errs.E(errs.Conflict, "grant.user_changed")
			}
			if g.AwaitsOwnPassword() {
				// Whoever set the password could sign in as the user: the
				// role takes effect only once the user has chosen their own.
				return errs.E(errs.Conflict, "grant.password_not_own")
			}
			if _, err := tx.Exec(ctx, `INSERT INTO user_roles (user_id, role) VALUES (?, ?) ON CONFLICT DO NOTHING`, g.UserID, g.Role); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE users SET updated_at = ?, version = version + 1 WHERE id = ?`, tx.Now, g.UserID); err != nil {
				return err
			}
		}
		if err := s.closeGrant(ctx, tx, actor, g, status); err != nil {
			return err
		}
		g, err = loadGrant(ctx, tx, id)
		return err
	})
	return g, errs.Wrap(err, "decide role grant")
}

// GetRoleGrant returns one grant the actor may see.
func (s *Service) GetRoleGrant(ctx context.Context, actor policy.Subject, id string) (RoleGrant, error) {
	var g RoleGrant
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if g, err = loadGrant(ctx, tx, id); err != nil {
			return err
		}
		if !policy.Can(actor, policy.ApproveRole, g.Resource()) && !canSeeGrant(actor, g.Resource()) {
			return errs.E(errs.NotFound, "error.not_found")
		}
		return s.log.Write(ctx, tx, audit.Entry{ActorID: actor.UserID, ActorOrgID: actor.OrgID, Action: "user.role.read",
			ObjectType: "role_grant", ObjectID: g.ID, Activity: audit.ActivitySecurity, Subject: g.UserID, SubjectType: audit.SubjectUser})
	})
	return g, errs.Wrap(err, "get role grant")
}
