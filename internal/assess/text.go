package assess

import (
	"fmt"
	"strconv"
	"strings"
)

// tmpl is an explanation text parsed once by New: literal parts around %d
// and %s verbs, so that Assess fills it in without fmt (no boxing, no
// reflection) into one buffer shared by all reasons of a result.
type tmpl struct {
	parts []string // len(verbs)+1 literal parts
	verbs string   // one byte per verb: 'd' or 's'
	size  int      // bytes of the literal parts
}

// parseTmpl parses s; only %d, %s and %% are allowed.
func parseTmpl(s string) (tmpl, error) {
	var (
		t   tmpl
		cur strings.Builder
	)
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			cur.WriteByte(s[i])
			continue
		}
		if i+1 == len(s) {
			return tmpl{}, fmt.Errorf("text ends in a lone %%")
		}
		i++
		switch s[i] {
		case '%':
			cur.WriteByte('%')
		case 'd', 's':
			t.parts = append(t.parts, cur.String())
			t.verbs += string(s[i])
			cur.Reset()
		default:
			return tmpl{}, fmt.Errorf("verb %%%c is not allowed (only %%d, %%s and %%%%)", s[i])
		}
	}
	t.parts = append(t.parts, cur.String())
	for _, p := range t.parts {
		t.size += len(p)
	}
	return t, nil
}

// maxNums is the most numbers a text takes (a dimension's three counts).
const maxNums = 3

// bind returns t with every %s replaced by name (a dimension's label), so
// that filling it in at Assess time only writes numbers.
func (t tmpl) bind(name string) tmpl {
	out := tmpl{parts: []string{t.parts[0]}}
	for i := range len(t.verbs) {
		if t.verbs[i] == 's' {
			out.parts[len(out.parts)-1] += name + t.parts[i+1]
			continue
		}
		out.verbs += "d"
		out.parts = append(out.parts, t.parts[i+1])
	}
	for _, p := range out.parts {
		out.size += len(p)
	}
	return out
}

// maxLen returns an upper bound of the length of t filled in.
func (t *tmpl) maxLen() int { return t.size + 11*len(t.verbs) } // 11: the longest int32

// smallNums are the decimal texts of 0 to 127 (ages and counts), so that
// filling in a number is one copy.
type smallNums [128]string

func newSmallNums() *smallNums {
	var s smallNums
	for i := range s {
		s[i] = strconv.Itoa(i)
	}
	return &s
}

// appendTo writes t, whose verbs are all %d, filled in with nums to b.
func (t *tmpl) appendTo(b *strings.Builder, nums *[maxNums]int32, small *smallNums) {
	for i, n := range nums[:len(t.verbs)] {
		b.WriteString(t.parts[i])
		if n >= 0 && int(n) < len(small) {
			b.WriteString(small[n])
		} else {
			var buf [11]byte
			b.Write(strconv.AppendInt(buf[:0], int64(n), 10))
		}
	}
	b.WriteString(t.parts[len(t.verbs)])
}
