package api

// RoutePatterns returns the patterns of the route table, for the tests.
func RoutePatterns() []string {
	var out []string
	for _, rt := range (&API{}).routes() {
		out = append(out, rt.pattern)
	}
	return out
}

// OpenAPIDocument is the embedded OpenAPI document, for the tests.
var OpenAPIDocument = openAPIDoc
