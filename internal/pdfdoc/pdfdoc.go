// Package pdfdoc is the one place Baken makes PDF files. Reports draw on a
// Doc, a small vocabulary of text cells, paragraphs and rectangles on A4
// pages; this package implements it with github.com/go-pdf/fpdf, the only
// import of that library. fpdf is archived upstream (no more fixes): should
// it need replacing, only this file changes (see docs/security.md,
// "Dependencies").
package pdfdoc

import (
	"io"
	"time"

	"github.com/go-pdf/fpdf"
)

// TotalPages in a text is replaced by the number of pages when the
// document is written (for "page 2 of 5" footers).
const TotalPages = "{nb}"

// Doc is an A4 portrait document being drawn, in millimetres, in the core
// Helvetica font. Texts are UTF-8; letters outside Windows-1252 do not print.
type Doc interface {
	// SetFont sets Helvetica in style "" (regular) or "B" (bold) at size points.
	SetFont(style string, size float64)
	SetTextColor(r, g, b int)
	SetDrawColor(r, g, b int)
	SetFillColor(r, g, b int)
	// Paragraph writes text left-aligned in a box of width w (0: up to the
	// right margin), lines of height lineH, wrapping and breaking pages.
	Paragraph(w, lineH float64, text string)
	// Cell writes one line of text in a w×h cell. border: "" or a
	// combination of "L", "T", "R", "B"; align "L", "C" or "R"; fill paints
	// the fill colour behind; newline moves to the next line after it.
	Cell(w, h float64, text, border, align string, fill, newline bool)
	// Ln moves down h millimetres (a negative h: the last cell's height).
	Ln(h float64)
	// Rect draws a rectangle: style "D" (outline) or "F" (filled).
	Rect(x, y, w, h float64, style string)
	SetXY(x, y float64)
	SetY(y float64)
	Y() float64
	// Left is the left margin; Width the width between the margins.
	Left() float64
	Width() float64
	// PageNo is the current page's number.
	PageNo() int
	// Write writes the finished document.
	Write(w io.Writer) error
}

// Options describe a document.
type Options struct {
	Title    string
	Lang     string
	Producer string
	Created  time.Time // creation and modification date (fixed: reproducible output)
	Margin   float64   // left, top, right and bottom margin in millimetres
	Compress bool      // compress page streams (off: tests read the text)
	Footer   func(d Doc)
}

// New starts a document with one page.
func New(o Options) Doc {
	p := fpdf.New("P", "mm", "A4", "")
	d := &doc{p: p, tr: p.UnicodeTranslatorFromDescriptor("")}
	p.SetCompression(o.Compress)
	p.SetCreationDate(o.Created)
	p.SetModificationDate(o.Created)
	p.SetTitle(o.Title, true)
	p.SetLang(o.Lang)
	p.SetProducer(o.Producer, true)
	p.SetMargins(o.Margin, o.Margin, o.Margin)
	p.SetAutoPageBreak(true, o.Margin)
	p.AliasNbPages(TotalPages)
	if o.Footer != nil {
		p.SetFooterFunc(func() { o.Footer(d) })
	}
	p.AddPage()
	return d
}

// doc is Doc on fpdf.
type doc struct {
	p  *fpdf.Fpdf
	tr func(string) string // UTF-8 to the core font's Windows-1252
}

func (d *doc) SetFont(style string, size float64) { d.p.SetFont("Helvetica", style, size) }
func (d *doc) SetTextColor(r, g, b int)           { d.p.SetTextColor(r, g, b) }
func (d *doc) SetDrawColor(r, g, b int)           { d.p.SetDrawColor(r, g, b) }
func (d *doc) SetFillColor(r, g, b int)           { d.p.SetFillColor(r, g, b) }
func (d *doc) Paragraph(w, lineH float64, text string) {
	d.p.MultiCell(w, lineH, d.tr(text), "", "L", false)
}
func (d *doc) Cell(w, h float64, text, border, align string, fill, newline bool) {
	ln := 0
	if newline {
		ln = 1
	}
	d.p.CellFormat(w, h, d.tr(text), border, ln, align, fill, 0, "")
}
func (d *doc) Ln(h float64)                          { d.p.Ln(h) }
func (d *doc) Rect(x, y, w, h float64, style string) { d.p.Rect(x, y, w, h, style) }
func (d *doc) SetXY(x, y float64)                    { d.p.SetXY(x, y) }
func (d *doc) SetY(y float64)                        { d.p.SetY(y) }
func (d *doc) Y() float64                            { return d.p.GetY() }
func (d *doc) Left() float64                         { l, _, _, _ := d.p.GetMargins(); return l }
func (d *doc) Width() float64 {
	w, _ := d.p.GetPageSize()
	l, _, r, _ := d.p.GetMargins()
	return w - l - r
}
func (d *doc) PageNo() int { return d.p.PageNo() }
func (d *doc) Write(w io.Writer) error {
	return d.p.Output(w)
}
