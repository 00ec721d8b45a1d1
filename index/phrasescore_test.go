package index

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/syndex/syndex/index/schema"
)

// phraseDocs are English stories over a small vocabulary: six words in
// most stories, twenty in some, stop words, and words of one story only,
// so that the pairs of neighbouring words cover every kind a rule may
// keep or leave out.
func phraseDocs(n int) []Doc {
	common := strings.Fields("bank rates council harbour market report")
	medium := strings.Fields("ferry tunnel budget river bridge school garden museum station castle " +
		"tower island valley forest meadow canal palace temple theatre library")
	stop := strings.Fields("of the and")
	var docs []Doc
	for i := range n {
		r := rand.New(rand.NewPCG(uint64(i), 11))
		word := func(k int) string {
			switch p := r.IntN(100); {
			case p < 45:
				return common[r.IntN(len(common))]
			case p < 75:
				return medium[r.IntN(len(medium))]
			case p < 90:
				return stop[r.IntN(len(stop))]
			default:
				return fmt.Sprintf("zq%dx%d", i, k)
			}
		}
		ws := make([]string, 40)
		for k := range ws {
			ws[k] = word(k)
		}
		title := []string{word(100), word(101), word(102), word(103)}
		id := fmt.Sprintf("d%03d", i)
		docs = append(docs, Doc{Cluster: id, Original: art(id, "s.example", "en",
			strings.Join(title, " "), strings.Join(ws, " "), "2024-01-01")})
	}
	return docs
}

// phraseQueries are the 2- and 3-word runs of a few of the stories'
// texts and titles, and phrases in no story.
func phraseQueries(docs []Doc) []string {
	var qs []string
	for i := 0; i < len(docs); i += 5 {
		ws := strings.Fields(docs[i].Original.Text)
		for j := 0; j+3 <= len(ws); j += 7 {
			qs = append(qs, strings.Join(ws[j:j+2], " "), strings.Join(ws[j:j+3], " "))
		}
		ts := strings.Fields(docs[i].Original.Title)
		qs = append(qs, strings.Join(ts[:2], " "), strings.Join(ts[1:4], " "))
	}
	return append(qs, "bank bank", "harbour of bank", "council the market report", "rates zq3x7", "ferry canal")
}

// pairRule is one rule of which body pairs an index keeps.
type pairRule struct {
	name       string
	share      float64 // bigramCommonShare
	rule       int     // bigramRule
	minProduct float64 // bigramMinProduct
}

// buildWithRule indexes docs under rule, in bulk or live.
func buildWithRule(t *testing.T, docs []Doc, rule pairRule, bulk bool) *Index {
	t.Helper()
	defer func(n int, s float64, r int, p float64) {
		bigramLearnDocs, bigramCommonShare, bigramRule, bigramMinProduct = n, s, r, p
	}(bigramLearnDocs, bigramCommonShare, bigramRule, bigramMinProduct)
	bigramLearnDocs, bigramCommonShare, bigramRule, bigramMinProduct = 30, rule.share, rule.rule, rule.minProduct
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "ix")
	if bulk {
		b, err := NewBuilder(dir, Options{Shards: 2})
		must(t, err)
		for _, d := range docs {
			must(t, b.Add(ctx, d))
		}
		ix, err := b.Close(uint64(len(docs)))
		must(t, err)
		return ix
	}
	ix, err := OpenWith(dir, Options{Shards: 2})
	must(t, err)
	for i := 0; i < len(docs); i += 25 {
		end := min(i+25, len(docs))
		must(t, ix.Apply(ctx, docs[i:end], nil, uint64(end)))
	}
	return ix
}

// positionalHits is what Bleve's positional phrase query finds of text in
// the English title and body fields, over every shard.
func positionalHits(t *testing.T, ix *Index, text string) []string {
	t.Helper()
	var ids []string
	for _, sh := range ix.shards {
		var qs []query.Query
		for _, f := range []string{schema.TitleField("en"), schema.BodyField("en")} {
			q := query.NewMatchPhraseQuery(text)
			q.SetField(f)
			qs = append(qs, q)
		}
		req := bleve.NewSearchRequestOptions(query.NewDisjunctionQuery(qs), 10000, 0, false)
		r, err := sh.Search(req)
		must(t, err)
		for _, h := range r.Hits {
			ids = append(ids, h.ID)
		}
	}
	return sorted(ids)
}

// TestPhraseScoresIgnorePairRule: the same stories indexed under rules
// that keep very different sets of body pairs give every 2- and 3-word
// phrase the same hits, total and scores, and the hits are those of
// Bleve's positional phrase query: the pairs only narrow the candidates.
func TestPhraseScoresIgnorePairRule(t *testing.T) {
	docs := phraseDocs(120)
	qs := phraseQueries(docs)
	rules := []pairRule{
		{"every pair of two common words (before session 11)", 0.02, bigramRuleCommon, 0},
		{"shares multiply to 1%", 0.02, bigramRuleProduct, 0.01},
		{"shares multiply to 30%", 0.02, bigramRuleProduct, 0.3},
		{"few common words", 0.6, bigramRuleProduct, 0.01},
	}
	for _, bulk := range []bool{false, true} {
		t.Run(fmt.Sprintf("bulk=%v", bulk), func(t *testing.T) {
			var ixs []*Index
			seen := map[int]string{}
			for _, rule := range rules {
				ix := buildWithRule(t, docs, rule, bulk)
				defer ix.Close()
				ixs = append(ixs, ix)
				// The rules must differ in what they index, or the test
				// shows nothing.
				n := pairTerms(t, ix)
				if other, ok := seen[n]; ok {
					t.Fatalf("%s and %s both index %d pair terms", other, rule.name, n)
				}
				seen[n] = rule.name
			}
			for i := 1; i < len(rules); i++ {
				t.Run(rules[i].name, func(t *testing.T) {
					comparePhrases(t, ixs[0], ixs[i], qs)
				})
			}
		})
	}
}

// pairTerms counts the terms of the English body pair field over every
// shard.
func pairTerms(t *testing.T, ix *Index) int {
	t.Helper()
	n := 0
	for _, sh := range ix.shards {
		idx, err := sh.Advanced()
		must(t, err)
		r, err := idx.Reader()
		must(t, err)
		d, err := r.FieldDict(schema.BigramsField("en"))
		must(t, err)
		for e, err := d.Next(); e != nil && err == nil; e, err = d.Next() {
			n++
		}
		must(t, d.Close())
		must(t, r.Close())
	}
	return n
}

// scoredHit is a hit's story and score.
type scoredHit struct {
	cluster string
	score   float64
}

// scored returns r's hits by score, the stories of equal score by id,
// checking that r lists them by score.
func scored(r *Result) []scoredHit {
	out := make([]scoredHit, len(r.Hits))
	for i, h := range r.Hits {
		out[i] = scoredHit{h.Cluster, h.Score}
		if i > 0 && h.Score > r.Hits[i-1].Score {
			out[i].cluster += " (listed after a lower score)"
		}
	}
	slices.SortStableFunc(out, func(a, b scoredHit) int {
		if a.score != b.score {
			if a.score > b.score {
				return -1
			}
			return 1
		}
		return strings.Compare(a.cluster, b.cluster)
	})
	return out
}

// comparePhrases: each phrase of qs finds the same hits with the same
// scores in both indexes, the hits Bleve's positional phrase query finds,
// with the same snippets.
func comparePhrases(t *testing.T, ref, ix *Index, qs []string) {
	t.Helper()
	ctx := context.Background()
	withHits, marked := 0, 0
	for _, text := range qs {
		q := Query{Text: `"` + text + `"`, Limit: 1000}
		want, err := ref.Search(ctx, q)
		must(t, err)
		got, err := ix.Search(ctx, q)
		must(t, err)
		if got.Total != want.Total || len(got.Hits) != len(want.Hits) {
			t.Errorf("%s: %d hits, want %d", q.Text, got.Total, want.Total)
			continue
		}
		// Stories of equal score may come in another order (a live
		// index's segments are merged as they come).
		g, w := scored(got), scored(want)
		for i := range w {
			if g[i] != w[i] {
				t.Errorf("%s: hit %d is %v, want %v", q.Text, i, g[i], w[i])
				break
			}
		}
		if pos := positionalHits(t, ix, text); !slices.Equal(sorted(clusters(got)), pos) {
			t.Errorf("%s: hits %v, the positional phrase query finds %v", q.Text, sorted(clusters(got)), pos)
		}
		if len(got.Hits) > 0 {
			withHits++
			marked += checkPhraseSnippets(t, []*Index{ref, ix}, q, text)
		}
	}
	if withHits < len(qs)/2 || marked < len(qs)/2 {
		t.Errorf("only %d of %d phrases found anything, %d matches marked in snippets", withHits, len(qs), marked)
	}
}

// checkPhraseSnippets: the highlighted passages of a phrase's hits are
// the same under both rules, and each match is a word of the phrase; it
// returns the number of matches (none for a phrase only in titles).
func checkPhraseSnippets(t *testing.T, ixs []*Index, q Query, text string) int {
	t.Helper()
	q.Highlight, q.Limit = true, 1000 // all: stories of equal score may come in another order
	var snippets [][]string
	marked := 0
	for _, ix := range ixs {
		r, err := ix.Search(context.Background(), q)
		must(t, err)
		var all []string
		for _, h := range r.Hits {
			all = append(all, h.Snippets...)
			for _, ts := range h.TextSnippets {
				rs := []rune(ts.Text)
				for _, m := range ts.Matches {
					marked++
					if w := strings.ToLower(string(rs[m[0]:m[1]])); !slices.Contains(strings.Fields(text), w) {
						t.Errorf("%s: match %q is not a word of the phrase", q.Text, w)
					}
				}
			}
		}
		slices.Sort(all)
		snippets = append(snippets, all)
	}
	if !slices.Equal(snippets[0], snippets[1]) {
		t.Errorf("%s: snippets %q under one rule, %q under the other", q.Text, snippets[0], snippets[1])
	}
	return marked
}

// TestPairRuleFile: BigramsFile records the rule and threshold an index is
// built with, and a reopened index keeps them when the defaults change; a
// file written before the rule existed (no rule field) gives the rule of
// then: every bigram of two common words, across removed words too.
func TestPairRuleFile(t *testing.T) {
	defer func(n int, p float64) { bigramLearnDocs, bigramMinProduct = n, p }(bigramLearnDocs, bigramMinProduct)
	bigramLearnDocs = 20
	ctx := context.Background()
	t.Run("new", func(t *testing.T) {
		bigramMinProduct = 0.02
		dir := filepath.Join(t.TempDir(), "ix")
		ix, err := OpenWith(dir, Options{Shards: 2})
		must(t, err)
		must(t, ix.Apply(ctx, commonDocs(0, 25), nil, 25))
		must(t, ix.Close())
		raw, err := os.ReadFile(filepath.Join(dir, BigramsFile))
		must(t, err)
		var rec bigramsRec
		must(t, json.Unmarshal(raw, &rec))
		var common map[string]productTerms
		must(t, json.Unmarshal(rec.Common, &common))
		if rec.Rule != bigramRuleProduct || rec.MinProduct != 0.02 || common["en"].Docs != 20 || len(common["en"].DF) == 0 {
			t.Fatalf("%s records rule %d, min product %v, %d docs, %d common terms", BigramsFile,
				rec.Rule, rec.MinProduct, common["en"].Docs, len(common["en"].DF))
		}
		// The file as an earlier syndex reads it: it must fail to, or it
		// would take every bigram of two common words to be indexed.
		var earlier struct {
			Common map[string][]string `json:"common"`
		}
		if err := json.Unmarshal(raw, &earlier); err == nil {
			t.Errorf("an earlier syndex reads %s as %d languages of common terms; want an error", BigramsFile, len(earlier.Common))
		}
		bigramMinProduct = 0.5
		ix, err = Open(dir)
		must(t, err)
		defer ix.Close()
		if v := ix.bigrams.vocab; v.rule != bigramRuleProduct || v.minProduct != 0.02 {
			t.Errorf("reopened with rule %d, min product %v; want %d, 0.02", v.rule, v.minProduct, bigramRuleProduct)
		}
	})
	t.Run("old", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "ix")
		ix, err := OpenWith(dir, Options{Shards: 2})
		must(t, err)
		must(t, ix.Close())
		old := `{"common":{"en":["harbour","council","met","again"]}}`
		must(t, os.WriteFile(filepath.Join(dir, BigramsFile), []byte(old), 0o644))
		ix, err = Open(dir)
		must(t, err)
		defer ix.Close()
		v := ix.bigrams.vocab
		if v.rule != bigramRuleCommon {
			t.Fatalf("an old file read as rule %d", v.rule)
		}
		must(t, ix.Apply(ctx, []Doc{{Cluster: "o1", Original: art("o1", "s.example", "en", "Harbour of council",
			"The harbour council met again. The harbour of council met.", "2024-01-01")}}, nil, 1))
		for pair, want := range map[string]uint64{"harbour council": 1, "harbour ~2 council": 1, "council met": 1} {
			if n := bigramDocs(t, ix, pair); n != want {
				t.Errorf("old rule: %q in %d stories, want %d", pair, n, want)
			}
		}
		if n := titlePairDocs(t, ix, "harbour ~2 council"); n != 1 {
			t.Errorf("old rule: title pair across a stop word in %d stories, want 1", n)
		}
	})
	t.Run("empty", func(t *testing.T) {
		for _, raw := range []string{`{}`, `{"common":{}}`, `{"common":null}`} {
			dir := filepath.Join(t.TempDir(), "ix")
			ix, err := OpenWith(dir, Options{Shards: 2})
			must(t, err)
			must(t, ix.Close())
			must(t, os.WriteFile(filepath.Join(dir, BigramsFile), []byte(raw), 0o644))
			ix, err = Open(dir)
			if err != nil {
				t.Fatalf("%s: %v", raw, err)
			}
			if n := len(ix.bigrams.vocab.common); n != 0 {
				t.Errorf("%s: %d languages fixed", raw, n)
			}
			must(t, ix.Close())
		}
	})
	t.Run("bad", func(t *testing.T) {
		for _, raw := range []string{`{"common":{},"rule":7}`, `{"common":{},"rule":2}`, `{"common":{"en":["a"]},"rule":2,"min_product":0.01}`,
			`{"common":{"en":{"docs":0,"df":{"a":1}}},"rule":2,"min_product":0.01}`, `{"common":{"en":{"docs":20}}}`} {
			dir := filepath.Join(t.TempDir(), "ix")
			ix, err := OpenWith(dir, Options{Shards: 2})
			must(t, err)
			must(t, ix.Close())
			must(t, os.WriteFile(filepath.Join(dir, BigramsFile), []byte(raw), 0o644))
			if ix, err := Open(dir); err == nil {
				_ = ix.Close()
				t.Errorf("%s: opened", raw)
			}
		}
	})
}

// titlePairDocs is the number of stories whose English title holds pair.
func titlePairDocs(t *testing.T, ix *Index, pair string) uint64 {
	t.Helper()
	return termDocs(t, ix, schema.TitleBigramsField("en"), pair)
}

// TestUsablePairsHeld: under each rule, a pair a phrase query may narrow
// by (bigramVocab.usable) is held by every story whose body has its two
// words next to each other, in a live index (whose first stories carry
// every pair) and in a bulk build; the product rule keeps fewer pairs.
func TestUsablePairsHeld(t *testing.T) {
	docs := phraseDocs(120)
	usableN := map[string]int{}
	for _, rule := range []pairRule{
		{"before session 11", 0.02, bigramRuleCommon, 0},
		{"1%", 0.02, bigramRuleProduct, 0.01},
		{"30%", 0.02, bigramRuleProduct, 0.3},
	} {
		for _, bulk := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s bulk=%v", rule.name, bulk), func(t *testing.T) {
				ix := buildWithRule(t, docs, rule, bulk)
				defer ix.Close()
				an := ix.bigrams.m.AnalyzerNamed(schema.AnalyzerName("en"))
				usable := ix.bigrams.vocab.usable("en")
				checked, skipped := 0, 0
				for _, d := range docs[:25] {
					toks := an.Analyze([]byte(d.Original.Text))
					for i := 0; i+1 < len(toks); i++ {
						x, y := toks[i], toks[i+1]
						if y.Position-x.Position != 1 {
							continue
						}
						if !usable(x.Term, y.Term, 1) {
							skipped++
							continue
						}
						checked++
						text := string(x.Term) + " " + string(y.Term)
						held := bodyPairHolders(t, ix, text)
						for _, id := range bodyPhraseHits(t, ix, string(x.Term), string(y.Term)) {
							if !held[id] {
								t.Fatalf("%s has %q next to each other but not the pair", id, text)
							}
						}
					}
				}
				if checked == 0 || skipped == 0 {
					t.Errorf("%d pairs usable, %d not", checked, skipped)
				}
				usableN[rule.name] = checked
			})
		}
	}
	if usableN["30%"] >= usableN["1%"] {
		t.Errorf("pairs usable at 30%%: %d, at 1%%: %d", usableN["30%"], usableN["1%"])
	}
}

// bodyPairHolders returns the stories whose English body pair field holds
// pair.
func bodyPairHolders(t *testing.T, ix *Index, pair string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, sh := range ix.shards {
		q := query.NewTermQuery(pair)
		q.SetField(schema.BigramsField("en"))
		r, err := sh.Search(bleve.NewSearchRequestOptions(q, 10000, 0, false))
		must(t, err)
		for _, h := range r.Hits {
			out[h.ID] = true
		}
	}
	return out
}

// bodyPhraseHits returns the stories whose English body has the analysed
// terms x and y next to each other (Bleve's positional phrase over terms).
func bodyPhraseHits(t *testing.T, ix *Index, x, y string) []string {
	t.Helper()
	var ids []string
	for _, sh := range ix.shards {
		q := query.NewPhraseQuery([]string{x, y}, schema.BodyField("en"))
		r, err := sh.Search(bleve.NewSearchRequestOptions(q, 10000, 0, false))
		must(t, err)
		for _, h := range r.Hits {
			ids = append(ids, h.ID)
		}
	}
	return ids
}
