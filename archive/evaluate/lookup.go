// Package evaluate scores what an archive answers against labelled data:
// lookups of labelled copies through Archive.Lookup, as `syndex lookup`
// asks them, store reads included (`syndex eval lookup --data`). The
// scores of the stages alone, without an archive, are dedup/evaluate's and
// extract/evaluate's.
package evaluate

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/article"
	dedupeval "github.com/syndex/syndex/dedup/evaluate"
)

// Lookups are the lookups of labelled copies in an archive: how many were
// looked up, how many found their true original first and how many were
// called a copy, the first lookup's time (it loads the dedup index) and
// the others' in milliseconds, in order.
type Lookups struct {
	N, Top1, Copies int
	First           time.Duration
	Times           []float64
}

// Lookup looks up each query whose true original (the archived article
// labelled truth_original in its cluster) is in the archive, lightly
// edited unless noEdit (the edits drawn from seed), as `syndex lookup`
// does, and times each lookup.
func Lookup(ctx context.Context, a *archive.Archive, queries []*article.Article, seed uint64, noEdit bool) (Lookups, error) {
	var lt Lookups
	want := map[string]string{}
	for art, err := range a.Store.Articles(0) {
		if err == nil && art.TruthOriginal && art.TruthCluster != "" {
			want[art.TruthCluster] = art.ID
		}
	}
	r := rand.New(rand.NewPCG(seed, seed^0x100c))
	for i, q := range queries {
		w, ok := want[q.TruthCluster]
		if !ok || q.TruthOriginal {
			continue
		}
		text := q.Text
		if !noEdit {
			text = dedupeval.LightEdit(text, r)
		}
		start := time.Now()
		res, err := a.Lookup(ctx, archive.LookupQuery{Text: text, Site: q.Site, Published: q.Published, Limit: 5})
		took := time.Since(start)
		if err != nil {
			return lt, fmt.Errorf("eval lookup: query %d (%s): %w", i+1, q.ID, err)
		}
		lt.add(res, w, took)
	}
	return lt, nil
}

// add counts one lookup whose true original is want.
func (lt *Lookups) add(res *archive.LookupResult, want string, took time.Duration) {
	if lt.N == 0 {
		lt.First = took // loads the dedup index: reported apart
	} else {
		lt.Times = append(lt.Times, float64(took.Microseconds())/1000)
	}
	lt.N++
	if len(res.Matches) > 0 && res.Matches[0].Original.ID == want {
		lt.Top1++
	}
	if res.Verdict == archive.VerdictCopy {
		lt.Copies++
	}
}

// Quantile is the lookup time (ms) at quantile p of the lookups after the
// first (0 without any).
func (lt *Lookups) Quantile(p float64) float64 {
	if len(lt.Times) == 0 {
		return 0
	}
	if !slices.IsSorted(lt.Times) {
		slices.Sort(lt.Times)
	}
	return lt.Times[min(len(lt.Times)-1, int(p*float64(len(lt.Times))))]
}
