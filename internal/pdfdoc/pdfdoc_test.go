package pdfdoc

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestDoc: a document holds its texts in Windows-1252 (Dutch letters
// print) and the page-count alias is filled in.
func TestDoc(t *testing.T) {
	render := func() []byte {
		d := New(Options{Title: "Rapport", Lang: "nl", Producer: "Baken", Created: time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC), Margin: 18,
			Footer: func(d Doc) { d.SetY(-12); d.SetFont("", 8); d.Cell(0, 5, "pagina "+TotalPages, "", "C", false, false) }})
		d.SetFont("B", 12)
		d.Paragraph(d.Width(), 6, "Coördinatie")
		d.Cell(20, 6, "rechts", "B", "R", true, true)
		d.Rect(d.Left(), d.Y(), 10, 4, "F")
		var buf bytes.Buffer
		if err := d.Write(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	out := render()
	if !bytes.HasPrefix(out, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", out[:min(len(out), 20)])
	}
	s := string(out)
	if !strings.Contains(s, "Co\xf6rdinatie") || !strings.Contains(s, "pagina 1") || strings.Contains(s, TotalPages) {
		t.Fatalf("texts not as drawn (1252, page count)")
	}
}
