package org

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/baken-nl/baken/internal/audit"
	"github.com/baken-nl/baken/internal/auth/password"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
)

// System is the subject of the command line (`baken user add`, the demo
// seed): an operator with access to the database and the key file.
var System = policy.Subject{UserID: "system", National: true, Roles: []policy.Role{policy.Beheerder}, Operator: true}

// Locales Baken speaks.
var Locales = []string{"nl", "en"}

// UserInput is the editable part of an account.
type UserInput struct {
	Email          string        `json:"email"`
	Name           string        `json:"name"`
	Phone          string        `json:"phone"`
	OrganisationID string        `json:"organisationId"`
	Roles          []policy.Role `json:"roles"`
	Locale         string        `json:"locale"`
	Disabled       bool          `json:"disabled"`
	// Password: required on create, optional on update (empty keeps it).
	Password string `json:"password,omitempty"`
}

func (in *UserInput) normalise() {
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	in.Name = strings.TrimSpace(in.Name)
	in.Phone = strings.TrimSpace(in.Phone)
	in.OrganisationID = strings.TrimSpace(in.OrganisationID)
	if in.Locale == "" {
		in.Locale = "nl"
	}
	slices.Sort(in.Roles)
	in.Roles = slices.Compact(in.Roles)
}

// validateUser checks an account's input. pending: the account has roles
// awaiting approval, so it needs no role in effect.
func validateUser(in UserInput, creating, pending bool) *errs.Validation {
	var v errs.Validation
	v.Check(in.Email != "", "email", "field.required")
	v.Check(in.Email == "" || validEmail(in.Email), "email", "field.email")
	v.Check(in.Name != "", "name", "field.required")
	v.Check(utf8.RuneCountInString(in.Name) <= 200, "name", "field.too_long")
	v.Check(utf8.RuneCountInString(in.Phone) <= 40, "phone", "field.too_long")
	v.Check(in.OrganisationID != "", "organisationId", "field.required")
	v.Check(slices.Contains(Locales, in.Locale), "locale", "user.locale.invalid")
	v.Check(len(in.Roles) > 0 || pending, "roles", "user.roles.required")
	for _, r := range in.Roles {
		if !r.Valid() {
			v.Add("roles", "user.roles.invalid")
			break
		}
	}
	if creating || in.Password != "" {
		checkPassword(&v, "password", in.Password)
	}
	return &v
}

func checkPassword(v *errs.Validation, field, pw string) {
	n := utf8.RuneCountInString(pw)
	v.Check(n >= password.MinLength, field, "password.too_short")
	v.Check(n <= password.MaxLength, field, "field.too_long")
}

const userColumns = `u.id, u.email, u.name, u.phone, u.organisation_id, u.password_hash, u.locale,
	u.disabled_at, u.created_at, u.updated_at, u.version,
	o.id, o.kind, o.name, COALESCE(o.region_id, ''), o.partner_type, o.contact_email, o.contact_phone, o.created_at, o.updated_at, o.version`

const userFrom = ` FROM users u JOIN organisations o ON o.id = u.organisation_id`

func scanUser(s interface{ Scan(...any) error }) (User, error) {
	var u User
	var c, up, oc, ou store.Time
	var dis store.NullTime
	err := s.Scan(&u.ID, &u.Email, &u.Name, &u.Phone, &u.OrganisationID, &u.PasswordHash, &u.Locale, &dis, &c, &up, &u.Version,
		&u.Organisation.ID, &u.Organisation.Kind, &u.Organisation.Name, &u.Organisation.RegionID, &u.Organisation.PartnerType,
		&u.Organisation.ContactEmail, &u.Organisation.ContactPhone, &oc, &ou, &u.Organisation.Version)
	u.Disabled = dis.Valid
	u.CreatedAt, u.UpdatedAt, u.Organisation.CreatedAt, u.Organisation.UpdatedAt = c.Time, up.Time, oc.Time, ou.Time
	return u, err
}

func loadRoles(ctx context.Context, tx *store.Tx, users []*User) error {
	if len(users) == 0 {
		return nil
	}
	byID := map[string]*User{}
	args := make([]any, len(users))
	for i, u := range users {
		byID[u.ID] = u
		args[i] = u.ID
		u.Roles = []policy.Role{}
	}
	rows, err := tx.Query(ctx, `SELECT user_id, role FROM user_roles WHERE user_id IN (`+store.Placeholders(len(args))+`) ORDER BY role`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var r policy.Role
		if err := rows.Scan(&id, &r); err != nil {
			return err
		}
		byID[id].Roles = append(byID[id].Roles, r)
	}
	return rows.Err()
}

// LoadUser reads a user by id inside tx, without a policy check: for the
// auth package, which establishes who is acting.
func LoadUser(ctx context.Context, tx *store.Tx, id string) (User, error) {
	return loadUserWhere(ctx, tx, "u.id = ?", id)
}

// LoadUserByEmail reads a user by e-mail address inside tx, without a policy check.
func LoadUserByEmail(ctx context.Context, tx *store.Tx, email string) (User, error) {
	return loadUserWhere(ctx, tx, "u.email = ?", strings.ToLower(strings.TrimSpace(email)))
}

func loadUserWhere(ctx context.Context, tx *store.Tx, cond string, arg any) (User, error) {
	u, err := scanUser(tx.QueryRow(ctx, `SELECT `+userColumns+userFrom+` WHERE `+cond, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return u, errs.E(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return u, err
	}
	err = loadRoles(ctx, tx, []*User{&u})
	return u, err
}

func (s *Service) orgForUser(ctx context.Context, tx *store.Tx, v *errs.Validation, id string) (Organisation, bool) {
	if id == "" {
		return Organisation{}, false
	}
	o, err := getOrg(ctx, tx, id)
	if err != nil {
		if !v.Has("organisationId") {
			v.Add("organisationId", "user.organisation.unknown")
		}
		return o, false
	}
	return o, true
}

// CreateUser adds an account.
func (s *Service) CreateUser(ctx context.Context, actor policy.Subject, in UserInput) (User, error) {
	in.normalise()
	var u User
	// Hash outside the transaction: it is deliberately slow. Only for an
	// actor whose role may manage users at all (the scope is checked in the
	// transaction), so nobody else can make the server hash.
	var hash string
	if n := utf8.RuneCountInString(in.Password); n >= password.MinLength && n <= password.MaxLength && // as checkPassword counts
		policy.Can(actor, policy.ManageUser, policy.Resource{}) {
		var err error
		if hash, err = password.Hash(in.Password, s.params); err != nil {
			return u, errs.Wrap(err, "hash password")
		}
	}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := policy.Require(actor, policy.ManageUser, policy.Resource{}); err != nil {
			return err
		}
		v := validateUser(in, true, false)
		o, ok := s.orgForUser(ctx, tx, v, in.OrganisationID)
		if ok {
			if err := policy.Require(actor, policy.ManageUser, policy.Resource{OrgID: o.ID, RegionID: o.Region()}); err != nil {
				v.Add("organisationId", "user.organisation.out_of_scope")
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		u = User{ID: store.NewID(), Email: in.Email, Name: in.Name, Phone: in.Phone, OrganisationID: o.ID, Organisation: o,
			Roles: in.Roles, Locale: in.Locale, CreatedAt: tx.Now, UpdatedAt: tx.Now, Version: 1, PasswordHash: hash}
		if _, err := tx.Exec(ctx, `INSERT INTO users (id, email, name, name_fold, phone, organisation_id, password_hash, password_set_by, locale, password_changed_at, created_at, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`, u.ID, u.Email, u.Name, Fold(u.Name), u.Phone, u.OrganisationID, hash, setBy(actor), u.Locale, tx.Now, tx.Now, tx.Now); err != nil {
			if store.IsUniqueViolation(err) {
				return &errs.Error{Code: errs.Conflict, Key: "user.email.taken", Fields: []errs.FieldError{{Field: "email", Key: "user.email.taken"}}}
			}
			return err
		}
		// The record of the account comes first; the proposals of its
		// sensitive roles (four eyes) follow it.
		if err := s.log.Write(ctx, tx, audit.Entry{ActorID: actor.UserID, ActorOrgID: actor.OrgID, Action: "user.create",
			ObjectType: "user", ObjectID: u.ID, Activity: audit.ActivityAccounts, Subject: u.ID, SubjectType: audit.SubjectUser,
			Detail: "roles: " + joinRoles(in.Roles)}); err != nil {
			return err
		}
		roles, err := s.applyRoles(ctx, tx, actor, u.ID, roleChange{orgID: o.ID, desired: in.Roles})
		if err != nil {
			return err
		}
		u.Roles = roles
		return loadPending(ctx, tx, []*User{&u})
	})
	return u, errs.Wrap(err, "create user")
}

func setRoles(ctx context.Context, tx *store.Tx, userID string, roles []policy.Role) error {
	if _, err := tx.Exec(ctx, `DELETE FROM user_roles WHERE user_id = ?`, userID); err != nil {
		return err
	}
	for _, r := range roles {
		if _, err := tx.Exec(ctx, `INSERT INTO user_roles (user_id, role) VALUES (?, ?)`, userID, r); err != nil {
			return err
		}
	}
	return nil
}

func joinRoles(rs []policy.Role) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}

// UpdateUser changes an account; version must be the one the editor saw.
// Role changes and disabling are recorded as security events.
func (s *Service) UpdateUser(ctx context.Context, actor policy.Subject, id string, version int, in UserInput) (User, error) {
	in.normalise()
	var hash string
	if n := utf8.RuneCountInString(in.Password); n >= password.MinLength && n <= password.MaxLength && // as checkPassword counts
		policy.Can(actor, policy.ManageUser, policy.Resource{}) { // as in CreateUser
		var err error
		if hash, err = password.Hash(in.Password, s.params); err != nil {
			return User{}, errs.Wrap(err, "hash password")
		}
	}
	var u User
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		cur, err := LoadUser(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := policy.Require(actor, policy.ManageUser, cur.Resource()); err != nil {
			return err
		}
		if err := loadPending(ctx, tx, []*User{&cur}); err != nil {
			return err
		}
		v := validateUser(in, false, len(cur.PendingRoles) > 0)
		o, ok := s.orgForUser(ctx, tx, v, in.OrganisationID)
		if ok && id != actor.UserID && policy.Require(actor, policy.ManageUser, policy.Resource{OrgID: o.ID, RegionID: o.Region()}) != nil {
			v.Add("organisationId", "user.organisation.out_of_scope")
		}
		if id == actor.UserID {
			// Separation of duties: nobody changes their own roles or
			// organisation, disables themselves, or sets their own password
			// here (that is Mijn account, with the current password).
			if in.Disabled {
				v.Add("roles", "user.self_lockout")
			} else if !slices.Equal(cur.Roles, in.Roles) {
				v.Add("roles", "user.self_roles")
			}
			if in.OrganisationID != cur.OrganisationID {
				v.Add("organisationId", "user.self_organisation")
			}
			if in.Password != "" {
				v.Add("password", "user.self_password")
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		if cur.Version != version {
			return errs.E(errs.Conflict, "error.stale")
		}
		var disabled any
		if in.Disabled {
			disabled = tx.Now
		}
		res, err := tx.Exec(ctx, `UPDATE users SET email = ?, name = ?, name_fold = ?, phone = ?, organisation_id = ?, locale = ?,
			disabled_at = CASE WHEN ? THEN COALESCE(disabled_at, ?) ELSE NULL END, updated_at = ?, version = version + 1
			WHERE id = ? AND version = ?`, in.Email, in.Name, Fold(in.Name), in.Phone, in.OrganisationID, in.Locale,
			in.Disabled, disabled, tx.Now, id, version)
		if err != nil {
			if store.IsUniqueViolation(err) {
				return &errs.Error{Code: errs.Conflict, Key: "user.email.taken", Fields: []errs.FieldError{{Field: "email", Key: "user.email.taken"}}}
			}
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "error.stale")
		}
		entry := audit.Entry{ActorID: actor.UserID, ActorOrgID: actor.OrgID, ObjectType: "user", ObjectID: id,
			Activity: audit.ActivityAccounts, Subject: id, SubjectType: audit.SubjectUser}
		desired := in.Roles
		if in.Disabled {
			// A disabled account keeps its roles but gets no new ones.
			desired = slices.DeleteFunc(slices.Clone(in.Roles), func(r policy.Role) bool { return !slices.Contains(cur.Roles, r) })
		}
		// A new password or a new sign-in address, set by an administrator,
		// are new credentials: the roles that need a second person are
		// proposed again, by the editor.
		roles, err := s.applyRoles(ctx, tx, actor, id, roleChange{user: cur, orgID: in.OrganisationID, desired: desired,
			reset: hash != "" || in.Email != cur.Email})
		if err != nil {
			return err
		}
		if in.Disabled {
			// Nothing stays pending for a disabled account, the proposals
			// this edit made included.
			if err := s.withdrawAll(ctx, tx, actor, id); err != nil {
				return err
			}
		}
		if !slices.Equal(cur.Roles, roles) {
			e := entry
			e.Action, e.Activity, e.Detail = "user.roles", audit.ActivitySecurity, "roles: "+joinRoles(cur.Roles)+" -> "+joinRoles(roles)
			if err := s.log.Write(ctx, tx, e); err != nil {
				return err
			}
		}
		if hash != "" {
			if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = ?, password_set_by = ?, password_changed_at = ? WHERE id = ?`, hash, setBy(actor), tx.Now, id); err != nil {
				return err
			}
		}
		if in.Disabled || hash != "" {
			// A disabled account or a reset password ends every session and
			// revokes every API token: whoever held the old password may have
			// made tokens with it.
			if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
				return err
			}
			if err := revokeTokens(ctx, tx, id); err != nil {
				return err
			}
		}
		entry.Action = "user.update"
		if in.Disabled != cur.Disabled {
			entry.Detail = "disabled: " + strconv.FormatBool(in.Disabled)
		}
		if hash != "" {
			entry.Detail = strings.TrimPrefix(entry.Detail+"; password reset", "; ")
		}
		if err := s.log.Write(ctx, tx, entry); err != nil {
			return err
		}
		if u, err = LoadUser(ctx, tx, id); err != nil {
			return err
		}
		return loadPending(ctx, tx, []*User{&u})
	})
	return u, errs.Wrap(err, "update user")
}

// GetUser returns one account (logged: an account holds personal data).
func (s *Service) GetUser(ctx context.Context, actor policy.Subject, id string) (User, error) {
	var u User
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if u, err = LoadUser(ctx, tx, id); err != nil {
			return err
		}
		if err := policy.Require(actor, policy.ReadUser, u.Resource()); err != nil {
			return err
		}
		if err := loadPending(ctx, tx, []*User{&u}); err != nil {
			return err
		}
		return s.log.Write(ctx, tx, audit.Entry{ActorID: actor.UserID, ActorOrgID: actor.OrgID, Action: "user.read",
			ObjectType: "user", ObjectID: id, Activity: audit.ActivityAccounts, Subject: id, SubjectType: audit.SubjectUser})
	})
	return u, errs.Wrap(err, "get user")
}

// UserFilter selects users for ListUsers.
type UserFilter struct {
	OrganisationID string
	Query          string // part of name or e-mail address
	Limit, Offset  int
}

// ListUsers returns the accounts within the actor's scope, by name, and the total count.
func (s *Service) ListUsers(ctx context.Context, actor policy.Subject, f UserFilter) ([]User, int, error) {
	var out []User
	var total int
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := policy.Require(actor, policy.ManageUser, policy.Resource{}); err != nil {
			return err
		}
		var where []string
		var args []any
		if cond, a := administeredSQL(actor); cond != "" {
			where, args = append(where, cond), append(args, a...)
		}
		if f.OrganisationID != "" {
			where = append(where, "u.organisation_id = ?")
			args = append(args, f.OrganisationID)
		}
		if q := strings.TrimSpace(f.Query); q != "" {
			// Names match on their folded form (case and diacritics
			// ignored, the same on both databases); addresses on lower case.
			where = append(where, "(u.name_fold LIKE ? OR lower(u.email) LIKE ?)")
			strip := strings.NewReplacer("%", "", "_", "")
			args = append(args, "%"+strip.Replace(Fold(q))+"%", "%"+strip.Replace(strings.ToLower(q))+"%")
		}
		cond := ""
		if len(where) > 0 {
			cond = " WHERE " + strings.Join(where, " AND ")
		}
		if err := tx.QueryRow(ctx, `SELECT count(*)`+userFrom+cond, args...).Scan(&total); err != nil {
			return err
		}
		limit := f.Limit
		if limit <= 0 || limit > 200 {
			limit = 50
		}
		rows, err := tx.Query(ctx, `SELECT `+userColumns+userFrom+cond+` ORDER BY u.name, u.email LIMIT `+strconv.Itoa(limit)+` OFFSET `+strconv.Itoa(max(f.Offset, 0)), args...)
		if err != nil {
			return err
		}
		var ptrs []*User
		for rows.Next() {
			u, err := scanUser(rows)
			if err != nil {
				rows.Close()
				return err
			}
			out = append(out, u)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for i := range out {
			ptrs = append(ptrs, &out[i])
		}
		if err := loadRoles(ctx, tx, ptrs); err != nil {
			return err
		}
		if err := loadPending(ctx, tx, ptrs); err != nil {
			return err
		}
		return s.log.Write(ctx, tx, audit.Entry{ActorID: actor.UserID, ActorOrgID: actor.OrgID, Action: "user.list",
			ObjectType: "user", Activity: audit.ActivityAccounts, Detail: "count: " + strconv.Itoa(len(out))})
	})
	return out, total, errs.Wrap(err, "list users")
}

// SetLocale changes the actor's own language.
func (s *Service) SetLocale(ctx context.Context, actor policy.Subject, locale string) error {
	if !slices.Contains(Locales, locale) {
		return &errs.Error{Code: errs.Invalid, Key: "error.validation", Fields: []errs.FieldError{{Field: "locale", Key: "user.locale.invalid"}}}
	}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := policy.Require(actor, policy.EditProfile, policy.Resource{ID: actor.UserID, OwnerID: actor.UserID}); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET locale = ?, updated_at = ? WHERE id = ?`, locale, tx.Now, actor.UserID); err != nil {
			return err
		}
		return s.log.Write(ctx, tx, audit.Entry{ActorID: actor.UserID, ActorOrgID: actor.OrgID, Action: "user.locale",
			ObjectType: "user", ObjectID: actor.UserID, Activity: audit.ActivityAccounts, Subject: actor.UserID, SubjectType: audit.SubjectUser})
	})
	return errs.Wrap(err, "set locale")
}

// revokeTokens revokes every API token of a user that is not revoked yet.
func revokeTokens(ctx context.Context, tx *store.Tx, userID string) error {
	_, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, tx.Now, userID)
	return err
}

// ChangePassword changes the actor's own password after checking the current one.
// Other sessions of the user end; with alsoRevokeTokens every API token of
// the user is revoked in the same transaction.
func (s *Service) ChangePassword(ctx context.Context, actor policy.Subject, keepSessionID, current, next string, alsoRevokeTokens bool) error {
	var v errs.Validation
	v.Check(current != "", "current", "field.required")
	checkPassword(&v, "new", next)
	if err := v.Err(); err != nil {
		return err
	}
	var u User
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if u, err = LoadUser(ctx, tx, actor.UserID); err != nil {
			return err
		}
		return policy.Require(actor, policy.EditProfile, u.Resource())
	})
	if err != nil {
		return errs.Wrap(err, "change password")
	}
	ok, err := password.CheckContext(ctx, current, u.PasswordHash)
	if errors.Is(err, password.ErrBusy) || ctx.Err() != nil {
		return password.ErrBusy // not checked: the server is busy hashing (or the caller left)
	}
	if !ok {
		return &errs.Error{Code: errs.Invalid, Key: "error.validation", Fields: []errs.FieldError{{Field: "current", Key: "password.current_wrong"}}}
	}
	// The new one is hashed only once the current one is right.
	hash, err := password.HashContext(ctx, next, s.params)
	if err != nil {
		return errs.Wrap(err, "hash password")
	}
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = ?, password_set_by = NULL, password_changed_at = ?, updated_at = ? WHERE id = ?`, hash, tx.Now, tx.Now, actor.UserID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND id <> ?`, actor.UserID, keepSessionID); err != nil {
			return err
		}
		detail := ""
		if alsoRevokeTokens {
			if err := revokeTokens(ctx, tx, actor.UserID); err != nil {
				return err
			}
			detail = "API tokens revoked"
		}
		return s.log.Write(ctx, tx, audit.Entry{ActorID: actor.UserID, ActorOrgID: actor.OrgID, Action: "user.password",
			ObjectType: "user", ObjectID: actor.UserID, Activity: audit.ActivitySecurity, Subject: actor.UserID, SubjectType: audit.SubjectUser,
			Detail: detail})
	})
	return errs.Wrap(err, "change password")
}

// CountUsers returns how many accounts lie within the actor's scope. It
// reads no personal data, so it writes no processing-log record.
func (s *Service) CountUsers(ctx context.Context, actor policy.Subject) (int, error) {
	var n int
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := policy.Require(actor, policy.ManageUser, policy.Resource{}); err != nil {
			return err
		}
		q, args := `SELECT count(*)`+userFrom, []any{}
		if cond, a := administeredSQL(actor); cond != "" {
			q, args = q+" WHERE "+cond, a
		}
		return tx.QueryRow(ctx, q, args...).Scan(&n)
	})
	return n, errs.Wrap(err, "count users")
}

// administeredSQL is the condition on organisations o that keeps what the
// actor administers (policy.AdministeredBy); "" for everything.
func administeredSQL(actor policy.Subject) (string, []any) {
	sc := policy.AdministeredBy(actor)
	switch {
	case sc.All:
		return "", nil
	case sc.RegionID != "":
		return "(o.id = ? OR o.region_id = ?)", []any{sc.RegionID, sc.RegionID}
	}
	return "o.id = ?", []any{sc.OrgID}
}

// setBy is what password_set_by records for a password the actor sets for
// someone else: the administrator, or NULL for the command line's operator.
func setBy(actor policy.Subject) any {
	if actor.Operator {
		return nil
	}
	return actor.UserID
}
