package cases_test

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"slices"
	"strings"
	"testing"

	"github.com/baken-nl/baken/internal/cases"
	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
	"github.com/baken-nl/baken/internal/store/storetest"
)

var (
	pdfBytes = []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	pngBytes = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 32)...)
	exeBytes = append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), make([]byte, 64)...)
)

func docx(t *testing.T, word bool) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	name := "word/document.xml"
	if !word {
		name = "payload.bin"
	}
	for _, n := range []string{"[Content_Types].xml", name} {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("<x/>"))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestContentSniffing(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.open(t)
		for _, tc := range []struct {
			name, ct string
			data     []byte
			ok       bool
		}{
			{"pdf", "application/pdf", pdfBytes, true},
			{"png", "image/png", pngBytes, true},
			{"text", "text/plain; charset=utf-8", []byte("Afspraak bij de IND op dinsdag."), true},
			{"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", docx(t, true), true},
			{"exe as pdf", "application/pdf", exeBytes, false},
			{"png as pdf", "application/pdf", pngBytes, false},
			{"zip as docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", docx(t, false), false},
			{"binary as text", "text/plain", exeBytes, false},
		} {
			_, err := f.svc.AddDocument(f.ctx, f.coord, c.ID, cases.DocumentInput{Type: "other", Filename: tc.name + ".bin",
				ContentType: tc.ct, Data: tc.data})
			if tc.ok && err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			if !tc.ok && !slices.Equal(fields(err), []string{"data:" + cases.KeyDocumentMismatch}) {
				t.Errorf("%s: %v %v, want a mismatch", tc.name, err, fields(err))
			}
		}
	})
}

func TestSanitiseFilename(t *testing.T) {
	for in, want := range map[string]string{
		"paspoort.pdf":                    "paspoort.pdf",
		`C:\Users\x\Desktop\brief.pdf`:    "brief.pdf",
		"../../etc/passwd":                "passwd",
		"  .verborgen.txt. ":              "verborgen.txt",
		"a\x00b\u202ec<d>.pdf":            "abc_d_.pdf",
		"...":                             "",
		strings.Repeat("é", 300) + ".pdf": strings.Repeat("é", cases.MaxFilename-4) + ".pdf",
	} {
		if got := cases.SanitiseFilename(in); got != want {
			t.Errorf("SanitiseFilename(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDocuments(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.open(t)
		before := f.snapshot(t)
		_, err := f.svc.AddDocument(f.ctx, f.coord, c.ID, cases.DocumentInput{Type: "passport", Filename: "/../",
			ContentType: "application/x-msdownload", Data: exeBytes})
		wantCode(t, err, errs.Invalid)
		if got, want := fields(err), []string{"contentType:" + cases.KeyDocumentContentType,
			"filename:" + cases.KeyDocumentFilename, "type:" + cases.KeyOptionUnknown}; !slices.Equal(got, want) {
			t.Errorf("fields = %v, want %v", got, want)
		}
		_, err = f.svc.AddDocument(f.ctx, f.coord, c.ID, cases.DocumentInput{ContentType: "application/pdf"})
		if got, want := fields(err), []string{"data:" + cases.KeyRequired, "filename:" + cases.KeyRequired,
			"type:" + cases.KeyRequired}; !slices.Equal(got, want) {
			t.Errorf("fields = %v, want %v", got, want)
		}
		big := append(append([]byte(nil), pdfBytes...), make([]byte, catalog.Casework.Documents.MaxBytes)...)
		_, err = f.svc.AddDocument(f.ctx, f.coord, c.ID, cases.DocumentInput{Type: "identity", Filename: "groot.pdf",
			ContentType: "application/pdf", Data: big})
		if got, want := fields(err), []string{"data:" + cases.KeyDocumentTooLarge}; !slices.Equal(got, want) {
			t.Errorf("fields = %v, want %v", got, want)
		}
		f.unchanged(t, before, "invalid documents")

		d, err := f.svc.AddDocument(f.ctx, f.coord, c.ID, cases.DocumentInput{Type: "identity",
			Filename: `C:\scans\paspoort Mirela.pdf`, ContentType: "application/pdf", Data: pdfBytes})
		if err != nil {
			t.Fatal(err)
		}
		if d.Filename != "paspoort Mirela.pdf" || d.Size != int64(len(pdfBytes)) || d.ContentType != "application/pdf" ||
			d.Type != "identity" || d.UploadedBy != f.coord.UserID || d.UploaderName == "" {
			t.Errorf("document = %+v", d)
		}
		ev := f.cwEvent(t, c.ID)
		if ev.Kind != cases.KindDocument || ev.Body != d.Filename || ev.Detail["document"] != d.ID || ev.Detail["type"] != "identity" {
			t.Errorf("event = %+v", ev)
		}
		for k, v := range ev.Detail {
			if strings.Contains(v, "Mirela") {
				t.Errorf("event detail %s names the file: %q", k, v)
			}
		}
		list, err := f.svc.ListDocuments(f.ctx, f.coord, c.ID)
		if err != nil || len(list) != 1 || list[0] != d {
			t.Fatalf("list = %+v %v", list, err)
		}
		if got := f.cwLastAction(t, c.ID); got != "case.read documents" {
			t.Errorf("last log record = %q", got)
		}
		got, data, err := f.svc.GetDocument(f.ctx, f.coord, c.ID, d.ID)
		if err != nil || !bytes.Equal(data, pdfBytes) || got != d {
			t.Fatalf("get = %+v %q %v", got, data, err)
		}
		if got := f.cwLastAction(t, c.ID); got != "case.read document "+d.ID {
			t.Errorf("last log record = %q", got)
		}
		other := f.open(t)
		_, _, err = f.svc.GetDocument(f.ctx, f.coord, other.ID, d.ID)
		wantCode(t, err, errs.NotFound)

		f.cwDenied(t, "add document", func(a policy.Subject) error {
			_, err := f.svc.AddDocument(f.ctx, a, c.ID, cases.DocumentInput{Type: "identity", Filename: "x.pdf",
				ContentType: "application/pdf", Data: pdfBytes})
			return err
		})
		f.cwDenied(t, "list documents", func(a policy.Subject) error { _, err := f.svc.ListDocuments(f.ctx, a, c.ID); return err })
		f.cwDenied(t, "get document", func(a policy.Subject) error { _, _, err := f.svc.GetDocument(f.ctx, a, c.ID, d.ID); return err })
	})
}

// TestCaseworkSealedAtRest: a document's bytes and name, a task title, a
// support note, a consent note and a transfer reason are nowhere in the
// database in plain text.
func TestCaseworkSealedAtRest(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.open(t)
		const (
			docText  = "Verklaring Kwartelkoning over de werkgever in Veendam"
			filename = "verklaring-kwartelkoning.txt"
			title    = "Bel Kwartelkoning over de woning"
			support  = "Kwartelkoning heeft schulden bij de woningcorporatie"
			consent  = "Vordering Kwartelkoning-zaak art. 126nd Sv"
			reason   = "Kwartelkoning verhuist naar haar zus in Heerlen"
		)
		if _, err := f.svc.AddDocument(f.ctx, f.coord, c.ID, cases.DocumentInput{Type: "legal", Filename: filename,
			ContentType: "text/plain", Data: []byte(docText)}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AddTask(f.ctx, f.coord, c.ID, cases.TaskInput{Title: title, DueOn: "2026-03-09"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SetSupport(f.ctx, f.coord, c.ID, 0, cases.SupportInput{Domain: "housing", Status: "to_do", Note: support}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AddConsent(f.ctx, f.coord, c.ID, cases.ConsentInput{PartnerOrgID: f.police.ID, Purpose: "investigation",
			Basis: "legal_obligation", Scope: []string{"name"}, Note: consent}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.RequestTransfer(f.ctx, f.coord, c.ID, f.zuid.ID, reason); err != nil {
			t.Fatal(err)
		}
		for _, needle := range []string{"Kwartelkoning", docText, filename, title, support, consent, reason,
			base64.StdEncoding.EncodeToString([]byte(docText))} {
			if hits := storetest.Find(t, f.db, needle); len(hits) > 0 {
				t.Errorf("%q in plain text in %v", needle, hits)
			}
		}
		// And it all opens again.
		_, data, err := f.svc.GetDocument(f.ctx, f.coord, c.ID, f.cwDocID(t, c.ID))
		if err != nil || string(data) != docText {
			t.Errorf("document = %q %v", data, err)
		}
	})
}

func (f *fixture) cwDocID(t *testing.T, caseID string) string {
	t.Helper()
	list, err := f.svc.ListDocuments(f.ctx, f.coord, caseID)
	if err != nil || len(list) != 1 {
		t.Fatalf("documents = %+v %v", list, err)
	}
	return list[0].ID
}

// TestDocumentQuota (security review F16): the documents of one case
// together stay within the catalogue's per-case quota. An upload that would
// pass it is refused at the file with a clear message, and nothing is
// written; another case has its own room.
func TestDocumentQuota(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		if q := catalog.Casework.Documents.MaxBytesPerCase; q < catalog.Casework.Documents.MaxBytes {
			t.Fatalf("the catalogue's quota per case (%d) is below one document's limit", q)
		}
		small := *catalog
		small.Casework.Documents.MaxBytesPerCase = 3 * int64(len(pdfBytes))
		svc := cases.NewService(f.db, f.log, f.keys, &small, f.signals)
		c := f.open(t)
		add := func(caseID string) error {
			_, err := svc.AddDocument(f.ctx, f.coord, caseID, cases.DocumentInput{Type: "identity", Filename: "scan.pdf",
				ContentType: "application/pdf", Data: pdfBytes})
			return err
		}
		for i := range 3 {
			if err := add(c.ID); err != nil {
				t.Fatalf("document %d within the quota: %v", i+1, err)
			}
		}
		before := f.snapshot(t)
		err := add(c.ID)
		wantCode(t, err, errs.Invalid)
		if got := fields(err); !slices.Equal(got, []string{"data:" + cases.KeyDocumentQuota}) {
			t.Errorf("over the quota: %v", got)
		}
		f.unchanged(t, before, "an upload over the quota")
		if err := add(f.open(t).ID); err != nil {
			t.Errorf("another case: %v", err)
		}
	})
}

// TestLegacyDocumentOpens: a document stored before migration 0009 (sealed
// base64 text in data_enc, no data_sealed) still opens.
func TestLegacyDocumentOpens(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.open(t)
		d, err := f.svc.AddDocument(f.ctx, f.coord, c.ID, cases.DocumentInput{Type: "identity", Filename: "oud.pdf",
			ContentType: "application/pdf", Data: pdfBytes})
		if err != nil {
			t.Fatal(err)
		}
		sealed, err := f.keys.Seal(base64.StdEncoding.EncodeToString(pdfBytes), "case_documents.data:"+d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.SQL().ExecContext(f.ctx, store.Rebind(f.db.Dialect(), `UPDATE case_documents SET data_enc = ?, data_sealed = NULL WHERE id = ?`),
			sealed, d.ID); err != nil {
			t.Fatal(err)
		}
		if _, data, err := f.svc.GetDocument(f.ctx, f.coord, c.ID, d.ID); err != nil || !bytes.Equal(data, pdfBytes) {
			t.Fatalf("legacy document = %q %v", data, err)
		}
	})
}
