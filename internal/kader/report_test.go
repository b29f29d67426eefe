package kader_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"fmt"
	"io"
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
		if err := kader.VerifyPDF(b); err != nil {
			t.Fatal(err)
		}
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
		if err := kader.VerifyPDF(b); err != nil {
			t.Fatal(err)
		}
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

func TestVerifyPDF(t *testing.T) {
	good := func() []byte {
		b := []byte("%PDF-1.3\n")
		var off []int
		for i := 1; i <= 4; i++ {
			off = append(off, len(b))
			b = fmt.Appendf(b, "%d 0 obj\n<<>>\nendobj\n", i)
		}
		xrefAt := len(b)
		b = append(b, "xref\n0 5\n0000000000 65535 f \n"...)
		for _, o := range off {
			b = fmt.Appendf(b, "%010d 00000 n \n", o)
		}
		return fmt.Appendf(b, "trailer\n<<>>\nstartxref\n%d\n%%%%EOF\n", xrefAt)
	}
	if err := kader.VerifyPDF(good()); err != nil {
		t.Fatalf("a well-formed file: %v", err)
	}
	bad := good()
	bad[bytes.Index(bad, []byte("2 0 obj"))] = 'X' // object 2 no longer where the table says
	if err := kader.VerifyPDF(bad); err == nil {
		t.Error("a wrong offset passed")
	}
	if err := kader.VerifyPDF([]byte("not a pdf")); err == nil {
		t.Error("not a PDF passed")
	}
	if err := kader.VerifyPDF(good()[:40]); err == nil {
		t.Error("a truncated file passed")
	}
}
