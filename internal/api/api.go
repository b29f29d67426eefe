// Package web serves the /api/v1 JSON surface.
package api

import "net/http"

// New returns the API handler.
func New(d Deps) (http.Handler, error) {
	return http.NotFoundHandler(), nil
}
