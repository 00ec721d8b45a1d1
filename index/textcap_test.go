package index

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/syndex/syndex/article"
)

func TestCapIndexed(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    string
		limit int
		want  string
	}{
		{"short", "a few words", 100, "a few words"},
		{"at a space", "alpha beta gamma delta", 13, "alpha beta"},
		{"no space late enough", "alphabetagamma delta", 12, "alphabetagam"},
		{"inside a rune", "ééééé", 5, "éé"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := capIndexed(tc.in, tc.limit)
			if got != tc.want || !utf8.ValidString(got) || len(got) > tc.limit {
				t.Errorf("capIndexed(%q, %d) = %q, want %q", tc.in, tc.limit, got, tc.want)
			}
		})
	}
}

// A text far over the cap (an imported JSONL Article can be any size) is
// indexed up to MaxIndexedText: words at its start are found, words past
// the cap are not, for the original and for its copies.
func TestIndexedTextCap(t *testing.T) {
	ix, err := Open(filepath.Join(t.TempDir(), "bleve"))
	must(t, err)
	t.Cleanup(func() { _ = ix.Close() })
	filler := strings.Repeat("harbor seawall breakwater fleet ", 4*MaxIndexedText/32)
	o := art("big", "origin.example", "en", "A very long text", "openingword "+filler+" closingword", "2024-03-05")
	c := cp("big-a", "copy.example", "2024-03-06", 0.9)
	c.Text = "An added note: copyopening.\n\n" + filler + "\n\nAnother added note: copyclosing."
	must(t, ix.Upsert(context.Background(), []Doc{{Cluster: o.ID, Original: o, Copies: []*article.Article{c}}}))
	for q, want := range map[string]uint64{"openingword": 1, "closingword": 0, "copyopening": 1, "copyclosing": 0} {
		res, err := ix.Search(context.Background(), Query{Text: q, Limit: 5})
		must(t, err)
		if res.Total != want {
			t.Errorf("%s: %d hits, want %d", q, res.Total, want)
		}
	}
}
