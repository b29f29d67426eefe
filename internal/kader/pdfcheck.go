package kader

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
)

var (
	reStartXref = regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`)
	reXrefHead  = regexp.MustCompile(`^xref\s+0 (\d+)\s+`)
	reXrefEntry = regexp.MustCompile(`(\d{10}) (\d{5}) ([nf])`)
)

// VerifyPDF checks that b is a PDF whose cross-reference table is right:
// the header and trailer are there, startxref points at the table, and every
// object the table names starts where it says — what a reader needs to open
// the file. The tests of the report, the API and the browser use it.
func VerifyPDF(b []byte) error {
	if !bytes.HasPrefix(b, []byte("%PDF-1.")) || !bytes.HasSuffix(bytes.TrimSpace(b), []byte("%%EOF")) {
		return fmt.Errorf("not a PDF: no %%PDF- header or %%%%EOF trailer")
	}
	m := reStartXref.FindSubmatch(b)
	if m == nil {
		return fmt.Errorf("no startxref")
	}
	off, err := strconv.Atoi(string(m[1]))
	if err != nil || off <= 0 || off >= len(b) || !bytes.HasPrefix(b[off:], []byte("xref")) {
		return fmt.Errorf("startxref %s does not point at the xref table", m[1])
	}
	xref := b[off:]
	hdr := reXrefHead.FindSubmatch(xref)
	if hdr == nil {
		return fmt.Errorf("no xref header")
	}
	n, _ := strconv.Atoi(string(hdr[1]))
	entries := reXrefEntry.FindAllSubmatch(xref, n)
	if len(entries) != n || n < 5 {
		return fmt.Errorf("xref names %d objects, found %d entries", n, len(entries))
	}
	for i, e := range entries {
		if string(e[3]) != "n" {
			continue
		}
		o, _ := strconv.Atoi(string(e[1]))
		if o >= len(b) || !bytes.HasPrefix(b[o:], fmt.Appendf(nil, "%d 0 obj", i)) {
			return fmt.Errorf("object %d is not at offset %d", i, o)
		}
	}
	return nil
}
