package index

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/syndex/syndex/article"
)

// TestScan pages through every hit with the search-after cursor, in each
// sort order, over several shards and with undated and equally scored
// stories, and checks that each story comes exactly once, in order.
func TestScan(t *testing.T) {
	ix, err := OpenWith(filepath.Join(t.TempDir(), "bleve"), Options{Shards: 3})
	must(t, err)
	t.Cleanup(func() { _ = ix.Close() })
	var docs []Doc
	const n = 257
	for i := range n {
		pub := fmt.Sprintf("2024-%02d-%02d", 1+i%12, 1+i%28)
		if i%10 == 0 {
			pub = ""
		}
		text := "the river rose again"
		if i%3 == 0 {
			text = "the river rose again and again, river after river"
		}
		d := Doc{Cluster: fmt.Sprintf("s%03d", i), Original: art(fmt.Sprintf("s%03d", i), "o.example", "en", "River", text, pub)}
		if i%10 == 0 {
			d.Original.Fetched = d.Original.Published
		}
		if i%4 == 0 {
			d.Copies = []*article.Article{cp(fmt.Sprintf("s%03d-c", i), "c.example", "2024-06-01", 0.9)}
		}
		docs = append(docs, d)
	}
	must(t, ix.Upsert(context.Background(), docs))
	for _, sort := range []string{"relevance", "date", "-date"} {
		for _, text := range []string{"river", ""} {
			var got []string
			pages := 0
			err := Scan(context.Background(), ix, Query{Text: text, Sort: sort, Limit: 20}, func(r *Result) error {
				pages++
				if r.Total != n {
					t.Errorf("total %d, want %d", r.Total, n)
				}
				for _, h := range r.Hits {
					got = append(got, h.Cluster)
				}
				return nil
			})
			must(t, err)
			seen := map[string]bool{}
			for _, c := range got {
				if seen[c] {
					t.Errorf("%s %q: %s twice", sort, text, c)
				}
				seen[c] = true
			}
			if len(got) != n || pages != (n+19)/20 {
				t.Errorf("%s %q: %d stories in %d pages, want %d in %d", sort, text, len(got), pages, n, (n+19)/20)
			}
			// The order is the order of a plain search (for date
			// orders, where it is total without the cursor's
			// tie-break too).
			if sort != "relevance" {
				all, err := ix.Search(context.Background(), Query{Text: text, Sort: sort, Limit: n})
				must(t, err)
				for i, h := range all.Hits {
					if got[i] != h.Cluster {
						t.Errorf("%s %q: hit %d is %s, scan gave %s", sort, text, i, h.Cluster, got[i])
						break
					}
				}
			}
		}
	}
	if _, err := ix.Search(context.Background(), Query{Text: "river", After: []string{"1"}}); err == nil {
		t.Error("a cursor of the wrong length was accepted")
	}
}
