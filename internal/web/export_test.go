package web

// RoutePatterns returns the pattern of every route of the pages, for the
// external tests that walk them all.
func RoutePatterns() []string {
	var s Server
	var out []string
	for _, rt := range s.routes() {
		out = append(out, rt.pattern)
	}
	return out
}
