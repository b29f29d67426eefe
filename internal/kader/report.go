package kader

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/pdfdoc"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
)

// Translator renders a message key of the i18n catalogs in the report's
// language (i18n.Bundle.T with the language bound).
type Translator func(key string, args ...any) string

// Report is a round with what the council report shows beside it.
type Report struct {
	Round   Round
	Actions []Action
	Now     time.Time
}

// ReportData gathers a round, its IBP checklist and the municipality's
// open and recent actions, for the PDF and the exports.
func (s *Service) ReportData(ctx context.Context, actor policy.Subject, id string) (Report, error) {
	var rep Report
	err := s.db.ReadTx(ctx, func(tx *store.Tx) error {
		r, err := s.readable(ctx, tx, actor, id, policy.ReadSelfAssessment)
		if err != nil {
			return err
		}
		if r.IBP, err = s.checkIBP(ctx, tx, r); err != nil {
			return err
		}
		rep = Report{Round: r, Now: tx.Now}
		return nil
	})
	if err != nil {
		return Report{}, errs.Wrap(err, "report")
	}
	acts, err := s.Actions(ctx, actor, rep.Round.MunicipalityID, ActionFilter{})
	if err != nil {
		return Report{}, err
	}
	rep.Actions = acts
	return rep, nil
}

// pdfCompress is switched off by tests that read the report's text.
var pdfCompress = true

// PDF renders the council report of round id in lang: scores per theme with
// a bar chart (each bar labelled with its number: colour is never the only
// carrier), Basis op orde and the blocks in its way, the action plan and the
// IBP 5.11 checklist. A4, the core Helvetica font (Windows-1252: Dutch
// letters print; other scripts would not).
func (s *Service) PDF(ctx context.Context, actor policy.Subject, id, lang string, t Translator) ([]byte, error) {
	rep, err := s.ReportData(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	return s.renderPDF(rep, lang, t)
}

func (s *Service) renderPDF(rep Report, lang string, t Translator) ([]byte, error) {
	r := rep.Round
	title := t("kader.report.title", r.MunicipalityName, r.Year)
	pdf := pdfdoc.New(pdfdoc.Options{Title: title, Lang: lang, Producer: "Baken", Created: rep.Now, Margin: 18,
		Compress: pdfCompress, Footer: func(pdf pdfdoc.Doc) {
			pdf.SetY(-12)
			pdf.SetFont("", 8)
			pdf.SetTextColor(90, 90, 90)
			pdf.Cell(0, 5, t("kader.report.footer", r.MunicipalityName, r.Year, rep.Now.In(zone).Format("02-01-2006"))+
				"  ·  "+t("kader.report.page", pdf.PageNo())+" "+pdfdoc.TotalPages, "", "C", false, false)
			pdf.SetTextColor(0, 0, 0)
		}})
	left, w := pdf.Left(), pdf.Width()

	h1 := func(s string) {
		pdf.Ln(3)
		pdf.SetFont("B", 13)
		pdf.Paragraph(w, 7, s)
		pdf.Ln(1)
	}
	body := func(s string) {
		pdf.SetFont("", 10)
		pdf.Paragraph(w, 5, s)
	}
	cat := s.cat

	pdf.SetFont("B", 17)
	pdf.Paragraph(w, 9, title)
	pdf.SetFont("", 9)
	pdf.Paragraph(w, 4.5, cat.Kader.Note.In(lang))
	pdf.Ln(2)

	// Basis op orde.
	h1(t("kader.report.basis"))
	if r.BasisOpOrde {
		body(t("kader.report.basis_yes"))
	} else {
		body(t("kader.report.basis_no", len(r.Blocking)))
	}

	// Scores per theme: a table and a bar chart.
	h1(t("kader.report.scores"))
	pct := func(p *int) string {
		if p == nil {
			return t("kader.report.na")
		}
		return fmt.Sprintf("%d%%", *p)
	}
	cols := []float64{w - 3*28, 28, 28, 28}
	pdf.SetFont("B", 9)
	pdf.SetFillColor(235, 235, 235)
	for i, hd := range []string{t("kader.report.theme"), t("kader.report.plateau1"), t("kader.report.plateau2"), t("kader.report.total")} {
		align := "R"
		if i == 0 {
			align = "L"
		}
		pdf.Cell(cols[i], 6, hd, "B", align, true, false)
	}
	pdf.Ln(-1)
	pdf.SetFont("", 9)
	byTheme := map[string][3]*int{}
	for _, sc := range r.Scores {
		if sc.ThemeID == "" {
			continue
		}
		v := byTheme[sc.ThemeID]
		switch sc.Level {
		case "plateau1":
			v[0] = sc.Percent
		case "plateau2":
			v[1] = sc.Percent
		default:
			v[2] = sc.Percent
		}
		byTheme[sc.ThemeID] = v
	}
	for _, th := range cat.Kader.Themes {
		v := byTheme[th.ID]
		pdf.Cell(cols[0], 6, fmt.Sprintf("%d. %s", th.Number, th.Label.In(lang)), "", "L", false, false)
		pdf.Cell(cols[1], 6, pct(v[0]), "", "R", false, false)
		pdf.Cell(cols[2], 6, pct(v[1]), "", "R", false, false)
		pdf.Cell(cols[3], 6, pct(v[2]), "", "R", false, true)
	}
	pdf.SetFont("B", 9)
	pdf.Cell(cols[0]+cols[1]+cols[2], 6, t("kader.report.overall"), "T", "L", false, false)
	pdf.Cell(cols[3], 6, pct(Overall(r.Scores).Percent), "T", "R", false, true)
	pdf.Ln(3)

	// The chart: one bar per theme (total), the number beside it.
	pdf.SetFont("", 8)
	labelW, barMax := 62.0, w-62-16
	for _, th := range cat.Kader.Themes {
		v := byTheme[th.ID][2]
		y := pdf.Y()
		pdf.SetXY(left, y)
		pdf.Cell(labelW, 6, fmt.Sprintf("%d. %s", th.Number, th.Label.In(lang)), "", "L", false, false)
		pdf.SetDrawColor(120, 120, 120)
		pdf.Rect(left+labelW, y+1, barMax, 4, "D")
		if v != nil && *v > 0 {
			pdf.SetFillColor(1, 104, 155) // the NL Design System's blue
			pdf.Rect(left+labelW, y+1, barMax*float64(*v)/100, 4, "F")
		}
		pdf.SetXY(left+labelW+barMax+2, y)
		pdf.Cell(14, 6, pct(v), "", "L", false, true)
	}
	pdf.SetDrawColor(0, 0, 0)

	// What is missing for Basis op orde.
	h1(t("kader.report.missing"))
	if len(r.Blocking) == 0 {
		body(t("kader.report.missing_none"))
	}
	status := map[string]Status{}
	for _, it := range r.Items {
		status[it.BlockID] = it.Status
	}
	for _, id := range r.Blocking {
		b, _ := cat.BuildingBlock(id)
		pdf.SetFont("", 10)
		pdf.Paragraph(w, 5, "•  "+b.Label.In(lang)+" ("+t("kader.status."+string(status[id]))+")")
	}

	// The action plan.
	h1(t("kader.report.actions"))
	if len(rep.Actions) == 0 {
		body(t("kader.report.actions_none"))
	}
	for _, a := range rep.Actions {
		st := t("kader.action.status." + string(a.Status))
		if a.Overdue {
			st += " · " + t("kader.report.overdue")
		}
		line := t("kader.report.status") + ": " + st
		if a.Owner != "" {
			line = t("kader.report.owner") + ": " + a.Owner + "  ·  " + line
		}
		if d, err := time.Parse(time.DateOnly, a.Deadline); err == nil {
			line += "  ·  " + t("kader.report.deadline") + ": " + d.Format("02-01-2006")
		}
		pdf.SetFont("B", 10)
		pdf.Paragraph(w, 5, a.Title)
		pdf.SetFont("", 9)
		if b, ok := cat.BuildingBlock(a.BlockID); ok {
			pdf.Paragraph(w, 4.5, t("kader.report.block")+": "+b.Label.In(lang))
		}
		pdf.Paragraph(w, 4.5, line)
		pdf.Ln(1.5)
	}

	// The IBP checklist.
	h1(t("kader.report.ibp"))
	texts := map[string]string{}
	for _, c := range cat.IBP {
		texts[c.ID] = c.Label.In(lang)
	}
	for _, c := range r.IBP {
		mark := t("kader.report.met_no")
		if c.Met {
			mark = t("kader.report.met_yes")
		}
		line := mark + "  " + texts[c.ID]
		switch {
		case len(c.Names) > 0:
			line += " (" + strings.Join(c.Names, ", ") + ")"
		case c.Check == "signals_recorded":
			line += " (" + t("kader.report.signals", c.Count, c.From, c.To) + ")"
		}
		pdf.SetFont("", 10)
		pdf.Paragraph(w, 5.5, line)
	}

	var buf bytes.Buffer
	if err := pdf.Write(&buf); err != nil {
		return nil, fmt.Errorf("report pdf: %w", err)
	}
	return buf.Bytes(), nil
}
