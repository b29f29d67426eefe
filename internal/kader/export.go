package kader

import (
	"archive/zip"
	"encoding/csv"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// RoundTable is a round as rows for CSV and XLSX: a header, then one row per
// building block in the Kader's order.
func (s *Service) RoundTable(r Round, lang string, t Translator) [][]string {
	rows := [][]string{{t("kader.export.theme"), t("kader.export.block_id"), t("kader.export.block"), t("kader.export.level"),
		t("kader.export.status"), t("kader.export.evidence"), t("kader.export.links"), t("kader.export.owner"),
		t("kader.export.date"), t("kader.export.remark")}}
	for _, it := range r.Items {
		th, _ := s.cat.Theme(it.ThemeID)
		b, _ := s.cat.BuildingBlock(it.BlockID)
		rows = append(rows, []string{th.Label.In(lang), it.BlockID, b.Label.In(lang), t("kader.level." + it.Level),
			t("kader.status." + string(it.Status)), it.Evidence, strings.Join(it.Links, " "), it.Owner, it.Date, it.Remark})
	}
	return rows
}

// RegionTable is the region view as rows: municipality, the per-theme
// percentages, the overall percentage, Basis op orde and the number of
// blocks in its way.
func (s *Service) RegionTable(rv RegionView, lang string, t Translator) [][]string {
	head := []string{t("kader.export.municipality")}
	for _, th := range s.cat.Kader.Themes {
		head = append(head, th.Label.In(lang))
	}
	head = append(head, t("kader.export.overall"), t("kader.export.basis"), t("kader.export.blocking"))
	rows := [][]string{head}
	num := func(p *int) string {
		if p == nil {
			return ""
		}
		return strconv.Itoa(*p)
	}
	for _, r := range rv.Rows {
		row := []string{r.MunicipalityName}
		if !r.HasRound {
			for range s.cat.Kader.Themes {
				row = append(row, "")
			}
			row = append(row, "", t("kader.export.no_round"), "")
			rows = append(rows, row)
			continue
		}
		for _, sc := range r.Themes {
			row = append(row, num(sc.Percent))
		}
		basis := t("kader.export.no")
		if r.BasisOpOrde {
			basis = t("kader.export.yes")
		}
		row = append(row, num(r.Overall), basis, strconv.Itoa(r.Blocking))
		rows = append(rows, row)
	}
	return rows
}

// WriteCSV writes rows as CSV for Dutch spreadsheet software: UTF-8 with a
// byte order mark, semicolons between fields. A cell that a spreadsheet
// would read as a formula (starting with =, +, -, @, tab or carriage return)
// gets a leading apostrophe (CSV injection).
func WriteCSV(w io.Writer, rows [][]string) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	for _, r := range rows {
		safe := make([]string, len(r))
		for i, c := range r {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				c = "'" + c
			}
			safe[i] = c
		}
		if err := cw.Write(safe); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes rows as a one-sheet Office Open XML workbook (the minimal
// parts: content types, relationships, workbook, sheet; inline strings, so
// no cell is ever a formula). Cells that are whole numbers are numbers.
func WriteXLSX(w io.Writer, sheet string, rows [][]string, modified time.Time) error {
	z := zip.NewWriter(w)
	put := func(name, body string) error {
		f, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: modified})
		if err != nil {
			return err
		}
		_, err = io.WriteString(f, xml.Header+body)
		return err
	}
	esc := func(s string) string {
		var b strings.Builder
		// Drop characters XML 1.0 cannot carry.
		s = strings.Map(func(r rune) rune {
			if r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r != 0xFFFE && r != 0xFFFF {
				return r
			}
			return -1
		}, s)
		_ = xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	if len([]rune(sheet)) > 31 {
		sheet = string([]rune(sheet)[:31])
	}
	sheet = strings.NewReplacer("[", "(", "]", ")", "*", "", "?", "", "/", "-", `\`, "-", ":", "").Replace(sheet)
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
			`</Types>`},
		{"_rels/.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
			`</Relationships>`},
		{"xl/workbook.xml", `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
			`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>` +
			`<sheet name="` + esc(sheet) + `" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
			`</Relationships>`},
	}
	var sb strings.Builder
	sb.WriteString(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	for i, r := range rows {
		fmt.Fprintf(&sb, `<row r="%d">`, i+1)
		for j, c := range r {
			ref := colName(j) + strconv.Itoa(i+1)
			if n, err := strconv.Atoi(c); err == nil && i > 0 && strconv.Itoa(n) == c {
				fmt.Fprintf(&sb, `<c r="%s"><v>%d</v></c>`, ref, n)
				continue
			}
			fmt.Fprintf(&sb, `<c r="%s" t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>`, ref, esc(c))
		}
		sb.WriteString(`</row>`)
	}
	sb.WriteString(`</sheetData></worksheet>`)
	parts = append(parts, struct{ name, body string }{"xl/worksheets/sheet1.xml", sb.String()})
	for _, p := range parts {
		if err := put(p.name, p.body); err != nil {
			return err
		}
	}
	return z.Close()
}

// colName returns the spreadsheet column name of index i (0 → A, 26 → AA).
func colName(i int) string {
	name := ""
	for i++; i > 0; i = (i - 1) / 26 {
		name = string(rune('A'+(i-1)%26)) + name
	}
	return name
}
