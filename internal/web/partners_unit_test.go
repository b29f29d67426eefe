package web

import (
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/i18n"
)

// TestLongDate: every month by name, in both languages.
func TestLongDate(t *testing.T) {
	s := &Server{d: Deps{I18n: i18n.MustLoad()}}
	nl := []string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}
	en := []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	for m := 1; m <= 12; m++ {
		d := time.Date(2026, time.Month(m), 4, 0, 0, 0, 0, time.UTC)
		if got, want := s.longDate("nl", d), "4 "+nl[m-1]+" 2026"; got != want {
			t.Errorf("nl: %s, want %s", got, want)
		}
		if got, want := s.longDate("en", d), "4 "+en[m-1]+" 2026"; got != want {
			t.Errorf("en: %s, want %s", got, want)
		}
	}
}
