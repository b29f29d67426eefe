package cases

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/baken-nl/baken/internal/errs"
	"github.com/baken-nl/baken/internal/policy"
	"github.com/baken-nl/baken/internal/store"
)

// Message keys of documents (i18n catalog/casework.*.json).
const (
	KeyDocumentTooLarge    = "case.document.too_large"
	KeyDocumentContentType = "case.document.content_type"
	KeyDocumentMismatch    = "case.document.mismatch"
	KeyDocumentFilename    = "case.document.filename_invalid"
	// KeyDocumentQuota: the case's documents together would pass the
	// per-case storage quota (Documents.MaxBytesPerCase).
	KeyDocumentQuota = "case.document.quota"
)

// MaxFilename is the longest file name kept (in characters).
const MaxFilename = 200

// docxType is the content type of a Word document: a zip with word/document.xml.
const docxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

// Document is an uploaded file on a case: metadata only (the bytes come from
// GetDocument).
type Document struct {
	ID           string    `json:"id"`
	CaseID       string    `json:"caseId"`
	Type         string    `json:"type"` // catalogue documentTypes
	Filename     string    `json:"filename"`
	ContentType  string    `json:"contentType"`
	Size         int64     `json:"size"`
	UploadedBy   string    `json:"uploadedBy"`
	UploaderName string    `json:"uploaderName"`
	CreatedAt    time.Time `json:"createdAt"`
}

// DocumentInput is an upload.
type DocumentInput struct {
	Type        string // catalogue documentTypes
	Filename    string
	ContentType string // as the uploader declares it; checked against the content
	Data        []byte // read once (ReadUpload); AddDocument does not change it
}

// ReadUpload reads an uploaded file from r into one buffer, up to max+1
// bytes (so that AddDocument can say it is too large). sizeHint is what the
// request says it carries (its Content-Length; <= 0 when unknown): the
// buffer is allocated once at that size (at most max+1), not grown by
// doubling, so a file is held in memory once on its way in.
func ReadUpload(r io.Reader, max, sizeHint int64) ([]byte, error) {
	if sizeHint <= 0 || sizeHint > max+1 {
		sizeHint = max + 1
	}
	var b bytes.Buffer
	// ReadFrom wants bytes.MinRead free before it reads: room for the
	// whole file and that margin, so it never has to grow.
	b.Grow(int(sizeHint) + bytes.MinRead)
	_, err := b.ReadFrom(io.LimitReader(r, max+1))
	return b.Bytes(), err
}

// SanitiseFilename keeps the last element of a path, drops control and
// format characters and the characters Windows forbids, trims spaces and
// dots at the ends, and cuts it to MaxFilename characters. "" when nothing
// usable is left.
func SanitiseFilename(name string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	var b strings.Builder
	for _, r := range name {
		switch {
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
		case strings.ContainsRune(`<>:"|?*`, r):
			b.WriteRune('_')
		default:
			b.WriteRune(r)
		}
	}
	name = strings.Trim(b.String(), " .")
	if utf8.RuneCountInString(name) > MaxFilename {
		ext := ""
		if i := strings.LastIndexByte(name, '.'); i > 0 && len(name)-i <= 10 {
			ext = name[i:]
		}
		r := []rune(strings.TrimSuffix(name, ext))
		name = string(r[:MaxFilename-utf8.RuneCountInString(ext)]) + ext
	}
	return name
}

// contentMatches reports whether data is what the declared content type
// says, by its first bytes (http.DetectContentType): an executable or a zip
// that claims to be a PDF is refused.
func contentMatches(declared string, data []byte) bool {
	sniffed, _, err := mime.ParseMediaType(http.DetectContentType(data))
	if err != nil {
		return false
	}
	switch declared {
	case docxType:
		if sniffed != "application/zip" {
			return false
		}
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return false
		}
		return slices.ContainsFunc(zr.File, func(f *zip.File) bool { return f.Name == "word/document.xml" })
	case "text/plain":
		return sniffed == "text/plain" && utf8.Valid(data)
	default:
		return sniffed == declared
	}
}

// AddDocument stores a document on case caseID: type from the catalogue,
// size within Documents.MaxBytes, a content type of Documents.ContentTypes
// that the content confirms, a sanitised file name. File and name are
// sealed (AAD case_documents.data:<id>, case_documents.filename:<id>). The
// timeline gets a document event with type and size; the name only in its
// sealed body (a file name may be personal).
func (s *Service) AddDocument(ctx context.Context, actor policy.Subject, caseID string, in DocumentInput) (Document, error) {
	in.Type = strings.TrimSpace(in.Type)
	rawName := strings.TrimSpace(in.Filename)
	in.Filename = SanitiseFilename(in.Filename)
	ct, _, err := mime.ParseMediaType(strings.TrimSpace(in.ContentType))
	if err != nil {
		ct = ""
	}
	var d Document
	_, err = s.write(ctx, actor, caseID, 0, "add document", func(tx *store.Tx, c *Case) error {
		rules := s.cat.Casework.Documents
		var v errs.Validation
		v.Check(in.Type != "", "type", KeyRequired)
		option(&v, "type", s.cat.Casework.DocumentTypes, in.Type)
		switch {
		case rawName == "":
			v.Add("filename", KeyRequired)
		case in.Filename == "":
			v.Add("filename", KeyDocumentFilename)
		}
		typeOK := slices.Contains(rules.ContentTypes, ct)
		v.Check(typeOK, "contentType", KeyDocumentContentType)
		// The quota counts what the case holds now: write locks the case
		// (PostgreSQL) or the database (SQLite), so two uploads at once
		// cannot both pass it.
		var used int64
		if err := tx.QueryRow(ctx, `SELECT COALESCE(SUM(size), 0) FROM case_documents WHERE case_id = ?`, c.ID).Scan(&used); err != nil {
			return err
		}
		switch {
		case len(in.Data) == 0:
			v.Add("data", KeyRequired)
		case int64(len(in.Data)) > rules.MaxBytes:
			v.Add("data", KeyDocumentTooLarge)
		case used+int64(len(in.Data)) > rules.MaxBytesPerCase:
			v.Add("data", KeyDocumentQuota)
		case typeOK && !contentMatches(ct, in.Data):
			v.Add("data", KeyDocumentMismatch)
		}
		if err := v.Err(); err != nil {
			return err
		}
		d = Document{ID: store.NewID(), CaseID: c.ID, Type: in.Type, Filename: in.Filename, ContentType: ct,
			Size: int64(len(in.Data)), UploadedBy: actor.UserID, CreatedAt: tx.Now}
		name, err := s.seal(d.Filename, "case_documents", "filename", d.ID)
		if err != nil {
			return err
		}
		// The bytes sealed once, raw, into the binary column (F16).
		data := s.keys.SealBytes(in.Data, aad("case_documents", "data", d.ID))
		if _, err := tx.Exec(ctx, `INSERT INTO case_documents (id, case_id, doc_type, filename_enc, content_type, size,
			data_enc, data_sealed, uploaded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, '', ?, ?, ?)`, d.ID, d.CaseID, d.Type, name,
			d.ContentType, d.Size, data, d.UploadedBy, d.CreatedAt); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT name FROM users WHERE id = ?`, actor.UserID).Scan(&d.UploaderName); err != nil {
			return err
		}
		if _, err := s.appendEvent(ctx, tx, actor, c.ID, KindDocument, d.Filename, map[string]string{
			"document": d.ID, "type": d.Type, "size": fmt.Sprint(d.Size)}); err != nil {
			return err
		}
		return s.logCase(ctx, tx, actor, "case.document", c.ID, "add "+d.Type)
	})
	if err != nil {
		return Document{}, err
	}
	return d, nil
}

const documentColumns = `d.id, d.case_id, d.doc_type, d.filename_enc, d.content_type, d.size, d.uploaded_by,
	COALESCE(u.name, ''), d.created_at`

func (s *Service) scanDocument(row interface{ Scan(...any) error }, extra ...any) (Document, error) {
	var d Document
	var name string
	var at store.Time
	if err := row.Scan(append([]any{&d.ID, &d.CaseID, &d.Type, &name, &d.ContentType, &d.Size, &d.UploadedBy,
		&d.UploaderName, &at}, extra...)...); err != nil {
		return d, err
	}
	d.CreatedAt = at.Time
	var err error
	d.Filename, err = s.open(name, "case_documents", "filename", d.ID)
	return d, err
}

// ListDocuments returns the documents of case caseID, newest first:
// metadata only. The file names are opened: a logged read.
func (s *Service) ListDocuments(ctx context.Context, actor policy.Subject, caseID string) ([]Document, error) {
	var out []Document
	err := s.readWith(ctx, actor, caseID, "list documents", "documents", func(tx *store.Tx, c *Case) error {
		var err error
		out, err = s.documentsOf(ctx, tx, c.ID)
		return err
	})
	return out, err
}

// documentsOf reads the documents' metadata of a case (no policy check).
func (s *Service) documentsOf(ctx context.Context, tx *store.Tx, caseID string) ([]Document, error) {
	out := []Document{}
	rows, err := tx.Query(ctx, `SELECT `+documentColumns+` FROM case_documents d LEFT JOIN users u ON u.id = d.uploaded_by
		WHERE d.case_id = ? ORDER BY d.created_at DESC, d.id DESC`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		d, err := s.scanDocument(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// GetDocument returns document docID of case caseID with its bytes; a
// logged read (detail "document <id>").
func (s *Service) GetDocument(ctx context.Context, actor policy.Subject, caseID, docID string) (Document, []byte, error) {
	var d Document
	var data []byte
	err := s.readWith(ctx, actor, caseID, "get document", "document "+docID, func(tx *store.Tx, c *Case) error {
		var sealed string
		var raw []byte
		var err error
		d, err = s.scanDocument(tx.QueryRow(ctx, `SELECT `+documentColumns+`, d.data_enc, d.data_sealed FROM case_documents d
			LEFT JOIN users u ON u.id = d.uploaded_by WHERE d.id = ? AND d.case_id = ?`, docID, c.ID), &sealed, &raw)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.E(errs.NotFound, "error.not_found")
		}
		if err != nil {
			return err
		}
		if len(raw) > 0 {
			// Opened in place: the scanned copy becomes the file.
			data, err = s.keys.OpenBytes(raw, aad("case_documents", "data", d.ID))
			return err
		}
		// A document stored before migration 0009: sealed base64 text.
		b64, err := s.open(sealed, "case_documents", "data", d.ID)
		if err != nil {
			return err
		}
		if data, err = base64.StdEncoding.DecodeString(b64); err != nil {
			return fmt.Errorf("document %s: %w", d.ID, err)
		}
		return nil
	})
	if err != nil {
		return Document{}, nil, err
	}
	return d, data, nil
}
