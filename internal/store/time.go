package store

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// Time scans a timestamp from either database: PostgreSQL returns time.Time,
// SQLite a time.Time or text depending on the column's declared type.
type Time struct{ Time time.Time }

// Scan implements sql.Scanner.
func (t *Time) Scan(v any) error {
	switch x := v.(type) {
	case time.Time:
		t.Time = x.UTC()
	case string:
		return t.parse(x)
	case []byte:
		return t.parse(string(x))
	default:
		return fmt.Errorf("store.Time: cannot scan %T", v)
	}
	return nil
}

func (t *Time) parse(s string) error {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999"} {
		if p, err := time.Parse(layout, s); err == nil {
			t.Time = p.UTC()
			return nil
		}
	}
	return fmt.Errorf("store.Time: cannot parse %q", s)
}

// Value implements driver.Valuer.
func (t Time) Value() (driver.Value, error) { return t.Time.UTC(), nil }

// NullTime scans a nullable timestamp.
type NullTime struct {
	Time  time.Time
	Valid bool
}

// Scan implements sql.Scanner.
func (t *NullTime) Scan(v any) error {
	if v == nil {
		t.Time, t.Valid = time.Time{}, false
		return nil
	}
	var x Time
	if err := x.Scan(v); err != nil {
		return err
	}
	t.Time, t.Valid = x.Time, true
	return nil
}

// Ptr returns the time or nil.
func (t NullTime) Ptr() *time.Time {
	if !t.Valid {
		return nil
	}
	x := t.Time
	return &x
}
