package archive

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/syndex/syndex/article"
)

// TestLookupJSONL: every line is looked up in order, a line's own site
// wins over the defaults, a line the lookup refuses (too long) is listed
// as bad and the
// rest go on (a line the reader refuses is its error, after the rest),
// and results flush per chunk.
func TestLookupJSONL(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a := openT(t, dir)
	if err := a.Ingest(ctx, testArticles()); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	ro, err := Open(ctx, dir, Options{ReadOnly: true, NoIndex: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	edited := strings.Replace(story, "eighteen months", "a year and a half", 1)
	in := strings.Join([]string{
		`{"id":"q1","text":` + jsonString("Shared from our partners.\n\n"+edited) + `,"site":"own.example"}`,
		`{"id":"q2","text":"` + strings.Repeat("word ", MaxLookupText/5+1) + `"}`,
		`{"id":"q4","text":" \n "}`,
		`{"id":"q3","text":"Tomatoes grow well in clay pots on a sunny balcony if they are watered every evening in summer."}`,
	}, "\n") + "\n"
	var got []*LookupResult
	flushes := 0
	n, bad, err := LookupJSONL(ctx, ro, strings.NewReader(in), LookupQuery{Site: "default.example", Limit: 3},
		func(r *LookupResult) error { got = append(got, r); return nil }, func() error { flushes++; return nil })
	if err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("err = %v, want line 3 (no text) reported by the reader", err)
	}
	if n != 3 || len(got) != 2 || flushes != 1 {
		t.Fatalf("n %d, %d results, %d flushes; want 3 lines, 2 results, 1 flush", n, len(got), flushes)
	}
	if len(bad) != 1 || !strings.HasPrefix(bad[0], "q2: ") {
		t.Errorf("bad = %q, want q2 listed", bad)
	}
	if got[0].Verdict != VerdictCopy || got[1].Verdict != VerdictNone {
		t.Errorf("verdicts %s, %s; want %s, %s", got[0].Verdict, got[1].Verdict, VerdictCopy, VerdictNone)
	}
	if q := queryOfLine(&article.Article{ID: "x", Text: "t", Site: "own.example"}, LookupQuery{Site: "default.example"}); q.Site != "own.example" {
		t.Errorf("line's site %q, want its own over the default", q.Site)
	}
	if q := queryOfLine(&article.Article{ID: "x", Text: "t"}, LookupQuery{Site: "default.example"}); q.Site != "default.example" {
		t.Errorf("line without a site: %q, want the default", q.Site)
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
