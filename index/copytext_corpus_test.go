package index

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup/corpus"
)

// TestCopyTextCorpus measures copy-only phrase search on real cross-posts
// (text our generator did not shape): each labelled cluster of
// crossposts-real is indexed as one story (its labelled original and its
// copies), and a phrase of four words from the text each copy adds is
// searched; it must find the story and name the copy. Run it with
//
//	SYNDEX_COPYTEXT_CORPUS=../shared/corpora/crossposts-real go test ./index -run TestCopyTextCorpus -v
func TestCopyTextCorpus(t *testing.T) {
	dir := os.Getenv("SYNDEX_COPYTEXT_CORPUS")
	if dir == "" {
		t.Skip("set SYNDEX_COPYTEXT_CORPUS to a crossposts-real directory")
	}
	set, err := corpus.LoadCrossposts(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	groups := map[string][]*article.Article{}
	for _, a := range set.Articles {
		groups[a.TruthCluster] = append(groups[a.TruthCluster], a)
	}
	var docs []Doc
	for c, g := range groups {
		d := Doc{Cluster: c}
		for _, a := range g {
			if a.TruthOriginal && d.Original == nil {
				d.Original = a
			} else {
				d.Copies = append(d.Copies, a)
			}
		}
		if d.Original == nil {
			d.Original, d.Copies = d.Copies[0], d.Copies[1:]
		}
		docs = append(docs, d)
	}
	ix, err := Open(filepath.Join(t.TempDir(), "bleve"))
	must(t, err)
	defer ix.Close()
	must(t, ix.Upsert(context.Background(), docs))
	phrases, found, named := 0, 0, 0
	for _, d := range docs {
		for _, c := range d.Copies {
			added := AddedText(d.Original.Text, c.Text)
			ws := strings.Fields(added)
			if len(ws) < 8 {
				continue
			}
			// A phrase from the middle of the added text.
			i := len(ws)/2 - 2
			phrase := strings.Join(ws[i:i+4], " ")
			phrase = strings.Map(func(r rune) rune {
				if r == '"' || r == '\\' {
					return ' '
				}
				return r
			}, phrase)
			phrases++
			res, err := ix.Search(context.Background(), Query{Text: `"` + phrase + `"`, Limit: 100})
			if err != nil {
				t.Logf("%q: %v", phrase, err)
				continue
			}
			for _, h := range res.Hits {
				if h.Cluster != d.Cluster {
					continue
				}
				found++
				for _, cm := range h.CopyMatches {
					if cm.ID == c.ID {
						named++
						break
					}
				}
			}
		}
	}
	if found != phrases || named != phrases {
		t.Errorf("copy-only phrases: recall %d/%d, copy named %d/%d", found, phrases, named, phrases)
	}
	t.Logf("crossposts-real: %d copies add text of 8+ words; a 4-word phrase of it finds its story for %d and names the copy for %d", phrases, found, named)
}
