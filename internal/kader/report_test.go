package kader_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/i18n"
	"github.com/baken-nl/baken/internal/kader"
)

var bundle = i18n.MustLoad()

func tr(lang string) kader.Translator {
	return func(key string, args ...any) string { return bundle.T(lang, key, args...) }
}

// CheckPDF checks that b is a PDF whose cross-reference table is right:
// every object the xref names starts where it says. That is what a reader
// needs to open the file.
func CheckPDF(t *testing.T, b []byte) {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("%PDF-1.")) || !bytes.HasSuffix(bytes.TrimSpace(b), []byte("%%EOF")) {
		t.Fatalf("not a PDF: %q … %q", b[:min(len(b), 10)], b[max(0, len(b)-10):])
	}
	m := regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`).FindSubmatch(b)
	if m == nil {
		t.Fatal("no startxref")
	}
	off, _ := strconv.Atoi(string(m[1]))
	xref := b[off:]
	if !bytes.HasPrefix(xref, []byte("xref")) {
		t.Fatalf("startxref %d does not point at the xref table", off)
	}
	hdr := regexp.MustCompile(`^xref\s+0 (\d+)\s+`).FindSubmatch(xref)
	if hdr == nil {
		t.Fatal("xref header")
	}
	n, _ := strconv.Atoi(string(hdr[1]))
	entries := regexp.MustCompile(`(\d{10}) (\d{5}) ([nf])`).FindAllSubmatch(xref, n)
	if len(entries) != n || n < 5 {
		t.Fatalf("xref names %d objects, found %d entries", n, len(entries))
	}
	for i, e := range entries {
		if string(e[3]) != "n" {
			continue
		}
		o, _ := strconv.Atoi(string(e[1]))
		if want := fmt.Sprintf("%d 0 obj", i); !bytes.HasPrefix(b[o:], []byte(want)) {
			t.Errorf("object %d is not at offset %d", i, o)
		}
	}
}

func TestPDFReport(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		r, err := f.svc.StartRound(f.ctx, f.beleidA, "", 2026)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.UpdateItem(f.ctx, f.beleidA, r.ID, "beleid.p1.vastgesteld_beleid", 1, kader.ItemInput{Status: kader.Complete}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.CreateAction(f.ctx, f.beleidA, "", kader.ActionInput{AssessmentID: r.ID, BlockID: "signalering.p1.frontlinie_getraind",
			Title: "Training frontlinie Wmo en schuldhulp", Owner: "Bram Beleid", Deadline: "2026-06-30"}); err != nil {
			t.Fatal(err)
		}
		kader.SetPDFCompression(false)
		defer kader.SetPDFCompression(true)
		b, err := f.svc.PDF(f.ctx, f.beleidA, r.ID, "nl", tr("nl"))
		if err != nil {
			t.Fatal(err)
		}
		CheckPDF(t, b)
		text := string(b)
		for _, want := range []string{"Zelfevaluatie aanpak mensenhandel Gemeente A 2026", "Basis op orde", "Scores per thema",
			"Beleidsmatige basis", "Training frontlinie Wmo en schuldhulp", "Actieplan", "Interbestuurlijk Programma",
			"Wat ontbreekt voor Basis op orde", "30-06-2026"} {
			if !strings.Contains(text, want) {
				t.Errorf("the report lacks %q", want)
			}
		}
		// Compressed, as served.
		kader.SetPDFCompression(true)
		b, err = f.svc.PDF(f.ctx, f.beleidA, r.ID, "en", tr("en"))
		if err != nil {
			t.Fatal(err)
		}
		CheckPDF(t, b)
		_, err = f.svc.PDF(f.ctx, f.beleidB, r.ID, "nl", tr("nl"))
		if errs.CodeOf(err) != errs.NotFound {
			t.Errorf("another municipality's report: %v", err)
		}
	})
}

func TestExports(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		r, err := f.svc.StartRound(f.ctx, f.beleidA, "", 2026)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.UpdateItem(f.ctx, f.beleidA, r.ID, "beleid.p1.budget_zorg", 1, kader.ItemInput{Status: kader.Partial,
			Evidence: "=HYPERLINK(\"http://evil\")", Owner: "Zoë & <Bram>"}); err != nil {
			t.Fatal(err)
		}
		rep, err := f.svc.ReportData(f.ctx, f.beleidA, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		rows := f.svc.RoundTable(rep.Round, "nl", tr("nl"))
		if len(rows) != 38 || rows[0][0] != "Thema" {
			t.Fatalf("%d rows, header %v", len(rows), rows[0])
		}
		var buf bytes.Buffer
		if err := kader.WriteCSV(&buf, rows); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(buf.Bytes(), []byte("\ufeff")) {
			t.Error("no byte order mark")
		}
		cr := csv.NewReader(bytes.NewReader(buf.Bytes()[3:]))
		cr.Comma = ';'
		back, err := cr.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, row := range back {
			if row[1] == "beleid.p1.budget_zorg" {
				found = true
				if row[5] != `'=HYPERLINK("http://evil")` || row[4] != "gedeeltelijk" || row[7] != "Zoë & <Bram>" {
					t.Errorf("csv row %q", row)
				}
			}
		}
		if !found {
			t.Error("block not in the CSV")
		}

		buf.Reset()
		if err := kader.WriteXLSX(&buf, "Zelfevaluatie 2026", rows, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		cells := readXLSX(t, buf.Bytes())
		if len(cells) != 38 || cells[0][0] != "Thema" {
			t.Fatalf("xlsx: %d rows", len(cells))
		}
		for _, row := range cells {
			if len(row) > 1 && row[1] == "beleid.p1.budget_zorg" && (row[7] != "Zoë & <Bram>" || row[5] != `=HYPERLINK("http://evil")`) {
				t.Errorf("xlsx row %q", row)
			}
		}

		rv, err := f.svc.RegionView(f.ctx, f.analist, "", 2026)
		if err != nil {
			t.Fatal(err)
		}
		reg := f.svc.RegionTable(rv, "nl", tr("nl"))
		if len(reg) != 3 || reg[1][0] != "Gemeente A" || reg[2][len(reg[2])-2] != "geen zelfevaluatie" || len(reg[0]) != 9 {
			t.Errorf("region table %q", reg)
		}
		buf.Reset()
		if err := kader.WriteXLSX(&buf, "Regio Noord 2026", reg, time.Now()); err != nil {
			t.Fatal(err)
		}
		if got := readXLSX(t, buf.Bytes()); got[1][0] != "Gemeente A" {
			t.Errorf("region xlsx %q", got)
		}
	})
}

// readXLSX reads the cells of the first sheet; every part must be well-formed XML.
func readXLSX(t *testing.T, b []byte) [][]string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var sheet []byte
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		d := xml.NewDecoder(bytes.NewReader(data))
		for {
			if _, err := d.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
		}
		if f.Name == "xl/worksheets/sheet1.xml" {
			sheet = data
		}
	}
	var ws struct {
		Rows []struct {
			Cells []struct {
				V  string `xml:"v"`
				IS struct {
					T string `xml:"t"`
				} `xml:"is"`
			} `xml:"c"`
		} `xml:"sheetData>row"`
	}
	if err := xml.Unmarshal(sheet, &ws); err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for _, r := range ws.Rows {
		var row []string
		for _, c := range r.Cells {
			row = append(row, c.IS.T+c.V)
		}
		out = append(out, row)
	}
	return out
}

func TestColName(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 51: "AZ", 52: "BA", 701: "ZZ", 702: "AAA"} {
		if got := kader.ColName(i); got != want {
			t.Errorf("col %d = %s, want %s", i, got, want)
		}
	}
}
