package index

import (
	"context"
	"fmt"
	"testing"

	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/syndex/syndex/index/schema"
	"github.com/syndex/syndex/index/userquery"
)

// matchOf is one document a searcher returned: its id and score.
type matchOf struct {
	id    string
	score float64
}

// drain runs s to its end over r.
func drain(t *testing.T, r index.IndexReader, s search.Searcher) []matchOf {
	t.Helper()
	defer s.Close()
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize()+1, 0)}
	var out []matchOf
	for {
		m, err := s.Next(sctx)
		must(t, err)
		if m == nil {
			return out
		}
		id, err := r.ExternalID(m.IndexInternalID)
		must(t, err)
		out = append(out, matchOf{id, m.Score})
		sctx.DocumentMatchPool.Put(m)
	}
}

// TestBigramPhraseSearcherIsBleves: in the body field of every shard, the
// bigram phrase searcher (candidates from the bigrams, the words'
// postings narrowed to them) returns the documents Bleve's positional
// phrase searcher returns, in the same order, with bit-identical scores,
// with and without term locations (which check positions in every
// candidate), in a bulk build (one segment per
// shard) and a live index (many small segments, some terms in a single
// document of one).
func TestBigramPhraseSearcherIsBleves(t *testing.T) {
	docs := phraseDocs(120)
	qs := phraseQueries(docs)
	ctx := context.Background()
	for _, bulk := range []bool{false, true} {
		t.Run(fmt.Sprintf("bulk=%v", bulk), func(t *testing.T) {
			ix := buildWithRule(t, docs, pairRule{"1%", 0.02, bigramRuleProduct, 0.01}, bulk)
			defer ix.Close()
			m := ix.bigrams.m
			an := m.AnalyzerNamed(schema.AnalyzerName("en"))
			f := textField{schema.BodyField("en"), schema.BigramsField("en"), 1}
			narrowed, matched := 0, 0
			for _, sh := range ix.shards {
				adv, err := sh.Advanced()
				must(t, err)
				r, err := adv.Reader()
				must(t, err)
				for _, text := range qs {
					toks := an.Analyze([]byte(text))
					bigrams := uniqueTerms(schema.BigramTokens(toks, ix.bigrams.vocab.usable("en")))
					if len(bigrams) == 0 {
						continue // Bleve's own phrase query
					}
					narrowed++
					for _, locs := range []bool{false, true} {
						options := search.SearcherOptions{IncludeTermVectors: locs}
						s, err := phraseInField(ctx, r, m, options, &userquery.Phrase{Text: text}, f, toks, bigrams)
						must(t, err)
						var got []matchOf
						if s != nil {
							got = drain(t, r, s)
						}
						pq := query.NewMatchPhraseQuery(text)
						pq.SetField(f.name)
						ps, err := pq.Searcher(ctx, r, m, options)
						must(t, err)
						want := drain(t, r, ps)
						if len(got) != len(want) {
							t.Errorf("%q (locations %v): %d matches, Bleve's phrase %d", text, locs, len(got), len(want))
							continue
						}
						for i := range want {
							if g, w := got[i], want[i]; g != w {
								t.Errorf("%q (locations %v): match %d is %+v, Bleve's %+v", text, locs, i, got[i], want[i])
								break
							}
						}
						matched += len(want)
					}
				}
				must(t, r.Close())
			}
			if narrowed < len(qs)/2 || matched == 0 {
				t.Errorf("%d of %d phrases narrowed by bigrams, %d matches", narrowed, len(qs)*len(ix.shards), matched)
			}
		})
	}
}
