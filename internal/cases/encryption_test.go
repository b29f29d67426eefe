package cases_test

import (
	"slices"
	"testing"

	"github.com/baken-nl/baken/internal/cases"
	"github.com/baken-nl/baken/internal/signal"
	"github.com/baken-nl/baken/internal/store"
	"github.com/baken-nl/baken/internal/store/storetest"
)

// TestEncryptedAtRest is the grep of the database for what was typed into a
// case: the client's name, birth date, BSN and contact, a note, a contact's
// summary and a break-the-glass reason are nowhere in plain text (every
// column of every table, the processing log included).
func TestEncryptedAtRest(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.open(t)
		if _, err := f.svc.AddEvent(f.ctx, f.coord, c.ID, cases.EventInput{Kind: cases.KindNote, Body: "Broer heet Radu-note-p9"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AddEvent(f.ctx, f.coord, c.ID, cases.EventInput{Kind: cases.KindContact, ContactKind: "phone",
			Body: "Gebeld met tante Zoë-contact-k2"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.BreakGlass(f.ctx, f.coord2, c.ID, "Spoedopvang Haarlem-bg-z4"); err != nil {
			t.Fatal(err)
		}
		cl := clientInput()
		cl.Name = "Ioana Marinescu-upd"
		cl.BSN = "123456782"
		cl.Contact = "ioana.m@voorbeeld.test"
		if _, err := f.svc.Update(f.ctx, f.coord, c.ID, c.Version, cases.Patch{Client: &cl}); err != nil {
			t.Fatal(err)
		}
		d := f.openAs(t, f.coord, "labour")
		if _, err := f.svc.Get(f.ctx, f.coord, d.ID); err != nil {
			t.Fatal(err)
		}
		for _, needle := range []string{"Mirela", "Popescu-Vandersteen", "1999-04-12", "111222333", "06 9876 5432",
			"Radu-note-p9", "Zoë-contact-k2", "Haarlem-bg-z4", "Ioana", "Marinescu-upd", "123456782", "voorbeeld.test"} {
			if hits := storetest.Find(t, f.db, needle); len(hits) > 0 {
				t.Errorf("%q in plain text in %v", needle, hits)
			}
		}
		// The test can fail: what is stored in plain text is found.
		if hits := storetest.Find(t, f.db, c.Reference); !slices.Contains(hits, "cases.reference") {
			t.Errorf("Find does not find the reference: %v", hits)
		}
		// What was sealed opens again for the coordinator.
		read, err := f.svc.Get(f.ctx, f.coord, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if read.Client.Name != "Ioana Marinescu-upd" || read.Client.BirthDate != "1999-04-12" || read.Client.Contact != cl.Contact ||
			read.Grants[0].Reason != "Spoedopvang Haarlem-bg-z4" {
			t.Errorf("read back: %+v %+v", read.Client, read.Grants)
		}
		// Sealed values are bound to their row and column: moved, they do not open.
		for _, q := range []string{
			`UPDATE cases SET client_name_enc = (SELECT client_name_enc FROM cases WHERE id = ?) WHERE id = ?`,
			`UPDATE cases SET client_contact_enc = (SELECT client_bsn_enc FROM cases WHERE id = ?) WHERE id = ? AND id <> ''`,
		} {
			e := f.openAs(t, f.coord, "labour")
			src := c.ID
			if _, err := f.db.SQL().ExecContext(f.ctx, store.Rebind(f.db.Dialect(), q), src, e.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.Get(f.ctx, f.coord, e.ID); err == nil {
				t.Errorf("a sealed value moved to another case opened: %s", q)
			}
		}
		// A value moved to another column of the same row does not open either.
		if _, err := f.db.SQL().ExecContext(f.ctx, store.Rebind(f.db.Dialect(),
			`UPDATE cases SET client_contact_enc = client_name_enc WHERE id = ?`), d.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Get(f.ctx, f.coord, d.ID); err == nil {
			t.Error("a name moved to the contact column opened")
		}
	})
}

// sealedColumns are the sealed columns of signals and cases.
var sealedColumns = map[string][]string{
	"signals":            {"place_enc", "came_to_light_enc", "narrative_enc"},
	"signal_persons":     {"alias_enc", "name_enc", "contact_enc"},
	"signal_events":      {"remark_enc", "note_enc"},
	"cases":              {"client_name_enc", "client_birth_date_enc", "client_bsn_enc", "client_nationality_enc", "client_origin_enc", "client_languages_enc", "client_gender_enc", "client_contact_enc"},
	"case_events":        {"body_enc"},
	"case_access_grants": {"reason_enc"},
}

// TestEmptySealedFieldsLookSealed (F14): an empty sealed field is stored as a
// ciphertext like any other (of the same length as a short value), not as
// "", so the database does not tell which values are absent; a "" written
// before still reads as empty.
func TestEmptySealedFieldsLookSealed(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		in := signalInput()
		in.Place, in.Narrative, in.CameToLight = "", "", ""
		in.Persons = []signal.PersonInput{{Alias: "Mirela"}}
		s, err := f.signals.Create(f.ctx, f.sig, in)
		if err != nil {
			t.Fatal(err)
		}
		c, err := f.svc.Create(f.ctx, f.coord, cases.Input{SignalIDs: []string{s.ID}, Client: cases.Client{Name: "M."}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.BreakGlass(f.ctx, f.coord2, c.ID, "Spoed"); err != nil {
			t.Fatal(err)
		}
		for table, cols := range sealedColumns {
			if n := f.count(t, table, "1 = 1"); n == 0 {
				t.Fatalf("no rows in %s: the test checks nothing", table)
			}
			for _, col := range cols {
				if n := f.count(t, table, col+" = ''"); n != 0 {
					t.Errorf("%s.%s: %d rows store an empty value as ''", table, col, n)
				}
			}
		}
		// The lengths of an empty and a short sealed value are alike.
		var empty, short string
		if err := f.db.SQL().QueryRowContext(f.ctx, store.Rebind(f.db.Dialect(),
			`SELECT client_bsn_enc, client_name_enc FROM cases WHERE id = ?`), c.ID).Scan(&empty, &short); err != nil {
			t.Fatal(err)
		}
		if len(empty) != len(short) {
			t.Errorf("an empty and a two-character value differ in length: %d, %d", len(empty), len(short))
		}
		// What was stored as "" before still reads as empty.
		if _, err := f.db.SQL().ExecContext(f.ctx, store.Rebind(f.db.Dialect(),
			`UPDATE cases SET client_bsn_enc = '', client_contact_enc = '' WHERE id = ?`), c.ID); err != nil {
			t.Fatal(err)
		}
		got, err := f.svc.Get(f.ctx, f.coord, c.ID)
		if err != nil || got.Client.Name != "M." || got.Client.BSN != "" || got.Client.Contact != "" {
			t.Fatalf("old empty values: %+v %v", got.Client, err)
		}
		if sig, err := f.signals.Get(f.ctx, f.coord, s.ID); err != nil || sig.Place != "" || sig.Narrative != "" {
			t.Fatalf("signal read back: %v", err)
		}
	})
}
