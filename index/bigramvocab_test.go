package index

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/syndex/syndex/index/schema"
)

// commonDocs are English stories: every one says "harbour council", and
// story i also says "rare<i> notice" once.
func commonDocs(from, to int) []Doc {
	var docs []Doc
	for i := from; i < to; i++ {
		id := fmt.Sprintf("p%03d", i)
		docs = append(docs, Doc{Cluster: id, Original: art(id, "s.example", "en", "Story "+id,
			fmt.Sprintf("The harbour council met again. A rare%d notice went out on day %d.", i, i), "2024-01-01")})
	}
	return docs
}

// bigramDocs is the number of stories whose English body holds bigram.
func bigramDocs(t *testing.T, ix *Index, bigram string) uint64 {
	t.Helper()
	return termDocs(t, ix, schema.BigramsField("en"), bigram)
}

// termDocs is the number of stories holding term in field, over every shard.
func termDocs(t *testing.T, ix *Index, field, term string) uint64 {
	t.Helper()
	var n uint64
	for _, sh := range ix.shards {
		q := query.NewTermQuery(term)
		q.SetField(field)
		r, err := sh.Search(bleve.NewSearchRequest(q))
		must(t, err)
		n += r.Total
	}
	return n
}

// TestCommonBigrams: after the first bigramLearnDocs bodies of a language only
// bigrams of two common words are indexed (in a bulk build, from the first
// body on), and phrases still find every story, through the bigrams or by
// positions, before and after a reopen and in an index built in bulk.
func TestCommonBigrams(t *testing.T) {
	defer func(n int) { bigramLearnDocs = n }(bigramLearnDocs)
	bigramLearnDocs = 20
	ctx := context.Background()
	check := func(t *testing.T, ix *Index, bulk bool) {
		t.Helper()
		common := ix.bigrams.vocab.commonSet("en").df
		if _, ok := common["harbour"]; !ok || len(common) == 0 {
			t.Fatalf("common terms %v lack harbour", common)
		}
		if _, ok := common["rare30"]; ok {
			t.Error("a word of one story taken for common")
		}
		// A bigram of two common words is indexed in every story; one
		// with a rare word only in the stories of the learning phase.
		if n := bigramDocs(t, ix, "harbour council"); n != 40 {
			t.Errorf("%d stories hold the bigram harbour council, want 40", n)
		}
		if n := bigramDocs(t, ix, "rare30 notic"); n != 0 {
			t.Errorf("the rare bigram of story 30 is indexed (%d)", n)
		}
		// A live index indexes every bigram of the stories it learns
		// from; a bulk build holds them back until the set is fixed.
		want := uint64(1)
		if bulk {
			want = 0
		}
		if n := bigramDocs(t, ix, "rare3 notic"); n != want {
			t.Errorf("the rare bigram of learning story 3: %d, want %d", n, want)
		}
		for _, tc := range []struct {
			q    string
			want []string
		}{
			{`"harbour council"`, nil},
			{`"rare30 notice"`, []string{"p030"}},
			{`"rare3 notice"`, []string{"p003"}},
			{`"a rare35 notice went"`, []string{"p035"}},
			{`"council rare35"`, []string{}},
			{`"harbour council met"`, nil},
		} {
			r, err := ix.Search(ctx, Query{Text: tc.q, Limit: 100})
			must(t, err)
			got := sorted(clusters(r))
			if tc.want == nil {
				if len(got) != 40 {
					t.Errorf("%s: %d hits, want 40", tc.q, len(got))
				}
				continue
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("%s = %v, want %v", tc.q, got, tc.want)
			}
		}
	}
	t.Run("live", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "ix")
		ix, err := OpenWith(dir, Options{Shards: 2})
		must(t, err)
		must(t, ix.Apply(ctx, commonDocs(0, 25), nil, 25))
		must(t, ix.Apply(ctx, commonDocs(25, 40), nil, 40))
		check(t, ix, false)
		must(t, ix.Close())
		if _, err := os.Stat(filepath.Join(dir, BigramsFile)); err != nil {
			t.Fatal(err)
		}
		ix, err = Open(dir)
		must(t, err)
		defer ix.Close()
		check(t, ix, false)
		// Documents indexed after a reopen keep to the saved set.
		must(t, ix.Apply(ctx, commonDocs(30, 31), nil, 41))
		if n := bigramDocs(t, ix, "rare30 notic"); n != 0 {
			t.Errorf("after reopen the rare bigram is indexed (%d)", n)
		}
	})
	t.Run("bulk", func(t *testing.T) {
		b, err := NewBuilder(filepath.Join(t.TempDir(), "ix"), Options{Shards: 2})
		must(t, err)
		for _, d := range commonDocs(0, 40) {
			must(t, b.Add(ctx, d))
		}
		ix, err := b.Close(40)
		must(t, err)
		defer ix.Close()
		check(t, ix, true)
	})
}

// TestBuilderSmallLanguage: a bulk build fixes the common terms of a
// language with fewer than bigramLearnDocs bodies when it ends (or when it
// holds builderHold documents) if it has bigramMinLearn of them, and else
// indexes every bigram of it; phrases find every story either way.
func TestBuilderSmallLanguage(t *testing.T) {
	defer func(n, m, h int) { bigramLearnDocs, bigramMinLearn, builderHold = n, m, h }(bigramLearnDocs, bigramMinLearn, builderHold)
	ctx := context.Background()
	for _, tc := range []struct {
		name           string
		docs, min, cap int
		fixed          bool
	}{
		{"fixed at close", 15, 10, 1000, true},
		{"too few to learn from", 8, 10, 1000, false},
		{"fixed when the hold is full", 15, 5, 6, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bigramLearnDocs, bigramMinLearn, builderHold = 20, tc.min, tc.cap
			b, err := NewBuilder(filepath.Join(t.TempDir(), "ix"), Options{Shards: 2})
			must(t, err)
			for _, d := range commonDocs(0, tc.docs) {
				must(t, b.Add(ctx, d))
			}
			ix, err := b.Close(uint64(tc.docs))
			must(t, err)
			defer ix.Close()
			set := ix.bigrams.vocab.commonSet("en")
			if (set != nil) != tc.fixed {
				t.Fatalf("common terms fixed: %v, want %v", set != nil, tc.fixed)
			}
			if n := bigramDocs(t, ix, "harbour council"); n != uint64(tc.docs) {
				t.Errorf("%d stories hold harbour council, want %d", n, tc.docs)
			}
			want := uint64(1)
			if tc.fixed {
				want = 0
			}
			if n := bigramDocs(t, ix, "rare3 notic"); n != want {
				t.Errorf("the rare bigram of story 3: %d, want %d", n, want)
			}
			for q, want := range map[string]int{`"harbour council"`: tc.docs, `"rare3 notice"`: 1, `"a rare4 notice went"`: 1, `"council rare4"`: 0} {
				r, err := ix.Search(ctx, Query{Text: q, Limit: 100})
				must(t, err)
				if int(r.Total) != want {
					t.Errorf("%s: %d hits, want %d", q, r.Total, want)
				}
			}
		})
	}
}
