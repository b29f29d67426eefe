package api

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/baken-nl/baken/internal/org"
)

// openAPIDoc is the hand-written OpenAPI 3.1 description of every route; the
// tests check each real answer against it and every route and operation
// against each other.
//
//go:embed openapi.json
var openAPIDoc []byte

// checkOpenAPI fails start-up on a document that is not JSON or whose
// version differs from the API-Version header.
func checkOpenAPI(doc []byte) error {
	var d struct {
		OpenAPI string `json:"openapi"`
		Info    struct {
			Version string `json:"version"`
		} `json:"info"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return fmt.Errorf("openapi.json: %w", err)
	}
	if d.Info.Version != Version {
		return fmt.Errorf("openapi.json: info.version is %q, the API-Version header says %q", d.Info.Version, Version)
	}
	return nil
}

// openAPI serves the document, without authentication and open to other
// origins (it describes the API and holds no data).
func (a *API) openAPI(w http.ResponseWriter, r *http.Request, _ org.User) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(openAPIDoc)
	return nil
}
