package index

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/index/schema"
)

// copyFixture is stories whose copies add their own intros and titles.
func copyFixture(n int) []Doc {
	var docs []Doc
	for i := range n {
		body := fmt.Sprintf("Story %d: the regional assembly debated item %d of the agenda at length.\n\nMembers voted on amendment %d late in the evening.", i, i, i)
		o := art(fmt.Sprintf("o%d", i), "origin.example", "en", fmt.Sprintf("Assembly debates item %d", i), body, "2024-03-05")
		c1 := cp(fmt.Sprintf("o%d-a", i), "spin.example", "2024-03-06", 0.9)
		c1.Text = fmt.Sprintf("Editorial note %d: zorbulated quaffles were never mentioned by the assembly.\n\n", i) + body
		c1.Title = fmt.Sprintf("Outrage over item %d", i)
		c2 := cp(fmt.Sprintf("o%d-b", i), "mirror.example", "2024-03-07", 0.95)
		c2.Text = body
		docs = append(docs, Doc{Cluster: o.ID, Original: o, Copies: []*article.Article{c2, c1}})
	}
	return docs
}

func TestCopyTextSearch(t *testing.T) {
	ix, err := Open(filepath.Join(t.TempDir(), "bleve"))
	must(t, err)
	t.Cleanup(func() { _ = ix.Close() })
	const n = 100
	must(t, ix.Upsert(context.Background(), copyFixture(n)))
	ctx := context.Background()

	// Recall on copy-only phrases: every story is found through the
	// editorial note only its second copy carries, once, and the hit
	// names that copy with a marked snippet.
	found := 0
	for i := range n {
		q := fmt.Sprintf(`"editorial note %d"`, i)
		res, err := ix.Search(ctx, Query{Text: q, Limit: 5})
		must(t, err)
		want := fmt.Sprintf("o%d", i)
		if len(res.Hits) != 1 || res.Hits[0].Cluster != want {
			t.Errorf("%s: hits %v, want [%s]", q, clusters(res), want)
			continue
		}
		cm := res.Hits[0].CopyMatches
		if len(cm) != 1 || cm[0].ID != want+"-a" || cm[0].Site != "spin.example" {
			t.Errorf("%s: copy matches %+v, want the copy %s-a", q, cm, want)
			continue
		}
		if len(cm[0].Snippets) != 1 || !strings.Contains(cm[0].Snippets[0], "<mark>Editorial</mark> <mark>note</mark> <mark>"+fmt.Sprint(i)+"</mark>") {
			t.Errorf("%s: snippets %q", q, cm[0].Snippets)
			continue
		}
		found++
	}
	if found != n {
		t.Errorf("copy-only phrases found with their copy: %d of %d", found, n)
	}

	// A word only copies carry finds every story once; a copy's own
	// title is searchable under title:.
	res, err := ix.Search(ctx, Query{Text: "zorbulated", Limit: 1000})
	must(t, err)
	if res.Total != n {
		t.Errorf("zorbulated: %d hits, want %d (one per story)", res.Total, n)
	}
	res, err = ix.Search(ctx, Query{Text: "title:outrage +title:17", Limit: 10})
	must(t, err)
	if len(res.Hits) == 0 || res.Hits[0].Cluster != "o17" || len(res.Hits[0].CopyMatches) == 0 ||
		res.Hits[0].CopyMatches[0].Fields[0] != "title" {
		t.Errorf("title:outrage +title:17: %+v", res.Hits)
	}

	// The original's own text outranks a copy-only match, and a query
	// the original answers names no copy.
	res, err = ix.Search(ctx, Query{Text: `"amendment 5"`, Limit: 3})
	must(t, err)
	if len(res.Hits) == 0 || res.Hits[0].Cluster != "o5" || len(res.Hits[0].CopyMatches) != 0 {
		t.Errorf(`"amendment 5": %+v`, res.Hits)
	}
}

// TestFieldsAddedLater: a query skips the per-language fields no document
// has, and still finds a word in a field (a language, a copy's added text)
// that a later batch is the first to fill, before and after a reopen.
func TestFieldsAddedLater(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "ix")
	ix, err := OpenWith(dir, Options{Shards: 2})
	must(t, err)
	plain := art("p1", "origin.example", "en", "Harbour budget", "The council approved the harbour budget.", "2024-03-05")
	must(t, ix.Upsert(ctx, []Doc{{Cluster: "p1", Original: plain}}))
	for _, f := range []string{schema.CopyBodyField("en"), schema.BodyField("fr")} {
		if !absent(withFields(ctx, ix.fields.Load()), f) {
			t.Fatalf("%s is not absent before a document has it", f)
		}
	}
	search := func(ix *Index, q string) *Result {
		t.Helper()
		r, err := ix.Search(ctx, Query{Text: q})
		must(t, err)
		return r
	}
	if r := search(ix, "zorbulated"); r.Total != 0 {
		t.Fatalf("zorbulated: %d hits before any document has it", r.Total)
	}
	docs := copyFixture(1)
	docs = append(docs, Doc{Cluster: "f1", Original: art("f1", "paris.example", "fr", "Budget du port", "Le conseil a voté le budget du port zorbulé.", "2024-03-05")})
	must(t, ix.Upsert(ctx, docs))
	check := func(ix *Index) {
		t.Helper()
		r := search(ix, "zorbulated")
		if r.Total != 1 || len(r.Hits[0].CopyMatches) != 1 {
			t.Errorf("zorbulated (a copy's added text): %d hits %+v, want 1 with its copy named", r.Total, r.Hits)
		}
		if r := search(ix, "zorbulé"); r.Total != 1 {
			t.Errorf("zorbulé (the first French story): %d hits, want 1", r.Total)
		}
		if r := search(ix, `"budget du port"`); r.Total != 1 {
			t.Errorf(`"budget du port": %d hits, want 1`, r.Total)
		}
	}
	check(ix)
	must(t, ix.Close())
	ix, err = Open(dir)
	must(t, err)
	defer ix.Close()
	check(ix)
}
