package kader

// SetPDFCompression switches the report's stream compression (tests read the
// uncompressed text).
func SetPDFCompression(on bool) { pdfCompress = on }

// ColName exposes colName.
var ColName = colName
