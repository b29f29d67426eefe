package cases_test

import (
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/cases"
)

func TestValidBSN(t *testing.T) {
	for s, want := range map[string]bool{
		"111222333": true, "123456782": true, "999999990": true, "999999991": false,
		"123456789": false, "000000000": false, "12345678": false, "1234567820": false,
		"12345678a": false, "12345678/": false, "": false, "１２３４５６７８２": false,
	} {
		if got := cases.ValidBSN(s); got != want {
			t.Errorf("ValidBSN(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestToday(t *testing.T) {
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2026, 3, 1, 22, 59, 0, 0, time.UTC), "2026-03-01"}, // 23:59 CET
		{time.Date(2026, 3, 1, 23, 0, 0, 0, time.UTC), "2026-03-02"},  // midnight CET
		{time.Date(2026, 7, 1, 21, 59, 0, 0, time.UTC), "2026-07-01"}, // 23:59 CEST
		{time.Date(2026, 7, 1, 22, 0, 0, 0, time.UTC), "2026-07-02"},  // midnight CEST
	} {
		got := cases.Today(tc.at)
		if got.Format(time.DateOnly) != tc.want || got.Location() != time.UTC || got.Hour() != 0 {
			t.Errorf("Today(%v) = %v, want %s", tc.at, got, tc.want)
		}
	}
}

// TestReflectionEnd: three months minus a day; thirty days for Dublin; a
// start whose day does not exist three months on ends on the last day of
// that month; a later start never ends earlier.
func TestReflectionEnd(t *testing.T) {
	d := func(s string) time.Time {
		v, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		start  string
		dublin bool
		want   string
	}{
		{"2026-03-02", false, "2026-06-01"},
		{"2026-01-01", false, "2026-03-31"},
		{"2026-01-31", false, "2026-04-30"},
		{"2026-08-31", false, "2026-11-30"},
		{"2026-10-15", false, "2027-01-14"},
		{"2026-11-29", false, "2027-02-28"},
		{"2026-11-30", false, "2027-02-28"},
		{"2026-12-01", false, "2027-02-28"},
		{"2027-11-30", false, "2028-02-29"},
		{"2027-12-01", false, "2028-02-29"},
		{"2026-03-02", true, "2026-03-31"},
		{"2026-12-15", true, "2027-01-13"},
		{"2028-02-01", true, "2028-03-01"},
	} {
		if got := cases.ReflectionEnd(catalog, d(tc.start), tc.dublin).Format(time.DateOnly); got != tc.want {
			t.Errorf("ReflectionEnd(%s, dublin %v) = %s, want %s", tc.start, tc.dublin, got, tc.want)
		}
	}
	var prev time.Time
	for day := d("2026-01-01"); day.Before(d("2029-01-01")); day = day.AddDate(0, 0, 1) {
		end := cases.ReflectionEnd(catalog, day, false)
		if end.Before(prev) {
			t.Fatalf("a start on %s ends %s, before the day before's %s", day.Format(time.DateOnly), end.Format(time.DateOnly), prev.Format(time.DateOnly))
		}
		if min, max := day.AddDate(0, 0, 88), day.AddDate(0, 0, 91); end.Before(min) || end.After(max) {
			t.Fatalf("a start on %s ends %s: not about three months", day.Format(time.DateOnly), end.Format(time.DateOnly))
		}
		prev = end
	}
}

// TestNext: Next returns a copy; the whitelist cannot be changed through it.
func TestNext(t *testing.T) {
	n := cases.Next(cases.PhaseRegistration)
	n[0] = cases.PhaseAftercare
	if cases.Next(cases.PhaseRegistration)[0] != cases.PhaseIntake {
		t.Error("Next leaks the whitelist")
	}
	if len(cases.Next("nope")) != 0 {
		t.Error("an unknown phase has successors")
	}
}
