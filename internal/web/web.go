// Package web serves Baken's server-rendered pages.
package web

import "net/http"

// New returns the web handler.
func New(d Deps) (http.Handler, error) {
	return http.NotFoundHandler(), nil
}
