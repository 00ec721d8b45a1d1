package dedup_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
)

// TestSharedQuotes: two outlets report one press conference in their own
// words and quote the same long answers; they share more than half of the
// shorter text, all of it inside quotation marks, and are not copies. A
// copy of a report that is mostly quotation is still a copy.
func TestSharedQuotes(t *testing.T) {
	g := newTextGen(41)
	names := []string{"Ramos", "Levy", "Berbatov"}
	quotes := make([]string, 4)
	for i := range quotes {
		quotes[i] = "\"" + g.sentence(names...) + " " + g.sentence(names...) + "\""
	}
	own := func() string { return g.sentence(names...) }
	reportA := join([]string{own() + " " + own()}, []string{quotes[0] + " said Ramos.", quotes[1], own(), quotes[2], quotes[3] + " he added."}, []string{own() + " " + own() + " " + own()})
	reportB := join([]string{own()}, []string{quotes[1], quotes[0] + " the manager said.", quotes[3], quotes[2]}, []string{own()})
	interview := join([]string{own()}, quotes, []string{own()})
	tests := []struct {
		name string
		arts []*article.Article
		same bool
	}{
		{"independent reports sharing quotations", []*article.Article{art("a", "gazette.example", 0, reportA...), art("b", "soccer.example", 2, reportB...)}, false},
		{"a copy of a report made of quotations", []*article.Article{art("i", "gazette.example", 0, interview...), art("i-copy", "mirror.example", 3, interview...)}, true},
		{"a copy with its quotation marks changed", []*article.Article{art("c", "gazette.example", 0, reportA...),
			art("c-copy", "mirror.example", 3, mapEach(reportA, func(p string) string { return strings.ReplaceAll(p, "\"", "'") })...)}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// The first article goes through a checkpoint, so the
			// quotations must survive it.
			ix := dedup.NewClusterer(dedup.DefaultConfig())
			ix.Add(tc.arts[0])
			var buf bytes.Buffer
			if _, err := ix.WriteTo(&buf); err != nil {
				t.Fatal(err)
			}
			ix, err := dedup.ReadClusterer(&buf, dedup.DefaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range tc.arts[1:] {
				ix.Add(a)
			}
			x, _ := ix.Assignment(tc.arts[0].ID)
			y, _ := ix.Assignment(tc.arts[1].ID)
			if (x.Cluster == y.Cluster) != tc.same {
				t.Errorf("%s in %s, %s in %s: same cluster %v, want %v", x.ID, x.Cluster, y.ID, y.Cluster, x.Cluster == y.Cluster, tc.same)
			}
		})
	}
}
