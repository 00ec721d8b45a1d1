package dedup_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
)

// TestRunReadsEveryLine feeds Run inputs that exercise the reader: lines
// longer than its buffer, whitespace around lines, CRLF, blank lines, no
// final newline, and enough lines for line buffers to be reused many
// times; every line must come out as its own article, in order.
func TestRunReadsEveryLine(t *testing.T) {
	g := newTextGen(51)
	line := func(id string, text string) string {
		b, _ := json.Marshal(article.Article{ID: id, Site: "s.example", Text: text})
		return string(b)
	}
	var many strings.Builder
	var manyIDs []string
	for i := range 1000 {
		id := fmt.Sprintf("m%04d", i)
		manyIDs = append(manyIDs, id)
		many.WriteString(line(id, g.para()) + "\n")
	}
	huge := strings.Repeat(g.sentence()+" ", 12000) // about 1.5 MB: longer than the read buffer
	tests := []struct {
		name    string
		in      string
		wantIDs []string
	}{
		{"many lines, arenas reused", many.String(), manyIDs},
		{"a line longer than the read buffer", line("a", g.para()) + "\n" + line("huge", huge) + "\n" + line("b", g.para()) + "\n", []string{"a", "huge", "b"}},
		{"whitespace, CRLF, blank lines, no final newline", "  " + line("x", g.para()) + " \t\r\n\r\n\u00a0\n\u00a0" + line("y", g.para()) + "\u00a0\n" + line("z", g.para()), []string{"x", "y", "z"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			st, err := dedup.Run(context.Background(), strings.NewReader(tc.in), &out, dedup.DefaultConfig())
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			var ids []string
			for dec := json.NewDecoder(&out); dec.More(); {
				var as article.Assignment
				if err := dec.Decode(&as); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, as.ID)
			}
			if !slices.Equal(ids, tc.wantIDs) || st.Articles != len(tc.wantIDs) {
				t.Errorf("got %d ids (stats %d), want %d; first %v", len(ids), st.Articles, len(tc.wantIDs), ids[:min(5, len(ids))])
			}
		})
	}
}

// TestRunReportsReplacedLines: a line whose id an earlier line of the same
// input had replaces it, and Stats says which line replaced which (blank
// and bad lines counted in the line numbers).
func TestRunReportsReplacedLines(t *testing.T) {
	g := newTextGen(52)
	line := func(id string) string {
		b, _ := json.Marshal(article.Article{ID: id, Site: "s.example", Text: g.para()})
		return string(b) + "\n"
	}
	in := line("a") + "\n" + line("b") + "{bad\n" + line("a") + line("c") + line("a")
	st, err := dedup.Run(context.Background(), strings.NewReader(in), &bytes.Buffer{}, dedup.DefaultConfig())
	if err == nil {
		t.Fatal("the bad line was not reported")
	}
	want := []dedup.Replaced{{ID: "a", Line: 1, By: 7}, {ID: "a", Line: 5, By: 7}}
	if !slices.Equal(st.Replaced, want) {
		t.Errorf("Replaced = %+v, want %+v", st.Replaced, want)
	}
}
