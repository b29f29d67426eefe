package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/baken-nl/baken/internal/auth"
)

// pager is the navigation of a paginated list ("Vorige", "Pagina 2 van 5",
// "Volgende"), built on GET links with ids only in the query.
type pager struct {
	Page, Pages, Total, Size int
	base                     string
	params                   url.Values
	anchor                   string // a fragment to land on, e.g. "#tokens"
}

func newPager(page, size, total int, base string, params url.Values) pager {
	pages := max((total+size-1)/size, 1)
	return pager{Page: min(max(page, 1), pages), Pages: pages, Total: total, Size: size, base: base, params: params}
}

func (p pager) from() int { return min((p.Page-1)*p.Size, p.Total) }
func (p pager) to() int   { return min(p.Page*p.Size, p.Total) }

// Offset is the first row of the page, for services that page themselves.
func (p pager) Offset() int { return (p.Page - 1) * p.Size }

// First and Last number the rows shown (1-based), for "1–25 van 60".
func (p pager) First() int { return min(p.from()+1, p.Total) }
func (p pager) Last() int  { return p.to() }

func (p pager) HasPrev() bool { return p.Page > 1 }
func (p pager) HasNext() bool { return p.Page < p.Pages }
func (p pager) PrevPage() int { return p.Page - 1 }
func (p pager) NextPage() int { return p.Page + 1 }
func (p pager) Prev() string  { return p.link(p.Page - 1) }
func (p pager) Next() string  { return p.link(p.Page + 1) }

func (p pager) link(n int) string {
	q := url.Values{}
	for k, v := range p.params {
		q[k] = v
	}
	if n > 1 {
		q.Set("pagina", strconv.Itoa(n))
	}
	if len(q) == 0 {
		return p.base + p.anchor
	}
	return p.base + "?" + q.Encode() + p.anchor
}

// tokenPageSize pages the API tokens of a user.
const tokenPageSize = 20

// pageTokens cuts one page from a user's tokens (?pagina= on base).
func pageTokens(r *http.Request, all []auth.Token, base string) ([]auth.Token, pager) {
	pg, err := pageNumber(r.URL.Query().Get("pagina"))
	if err != nil || r.Method != http.MethodGet {
		pg = 1
	}
	p := newPager(pg, tokenPageSize, len(all), base, nil)
	p.anchor = "#tokens"
	return all[p.from():p.to()], p
}

// urlValues is a query of one parameter, or none when include is false.
func urlValues(key, value string, include bool) url.Values {
	if !include {
		return nil
	}
	return url.Values{key: {value}}
}
