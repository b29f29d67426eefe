package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
)

// static holds the embedded assets: Baken's own stylesheet and the vendored
// NL Design System CSS and htmx (static/vendor, updated by a script, never
// by hand).
//
//go:embed static
var staticFS embed.FS

type staticFile struct {
	hash  string // first 16 hex digits of the SHA-256 of the content
	data  []byte
	ctype string
}

// assets are served under /static/HASH/NAME with a year of immutable
// caching: a changed file gets a new URL, so browsers never see a stale one.
type assets struct {
	files map[string]staticFile // name relative to static/
}

func loadAssets() (*assets, error) {
	a := &assets{files: map[string]staticFile{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		ctype := mime.TypeByExtension(path.Ext(p))
		if ctype == "" {
			ctype = "text/plain; charset=utf-8"
		}
		a.files[strings.TrimPrefix(p, "static/")] = staticFile{hash: hex.EncodeToString(sum[:])[:16], data: data, ctype: ctype}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, need := range []string{"baken.css", "vendor/utrecht-components.css", "vendor/utrecht-theme.css", "vendor/htmx.min.js"} {
		if _, ok := a.files[need]; !ok {
			return nil, fmt.Errorf("missing %s", need)
		}
	}
	return a, nil
}

// url returns the hashed URL of an asset; an unknown name fails the
// template (and so start-up tests), never silently.
func (a *assets) url(name string) (string, error) {
	f, ok := a.files[name]
	if !ok {
		return "", fmt.Errorf("unknown asset %q", name)
	}
	return "/static/" + f.hash + "/" + name, nil
}

// serveStatic serves an asset whose hash matches; an old or wrong hash is 404.
func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) error {
	f, ok := s.static.files[r.PathValue("file")]
	if !ok || f.hash != r.PathValue("hash") {
		return errNotFound
	}
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	h.Set("Content-Length", strconv.Itoa(len(f.data)))
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", `"`+f.hash+`"`)
	if r.Header.Get("If-None-Match") == `"`+f.hash+`"` {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	if r.Method == http.MethodHead {
		return nil
	}
	_, _ = w.Write(f.data)
	return nil
}
