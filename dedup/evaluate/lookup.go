package evaluate

import (
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
)

// LookupOptions shape Lookup.
type LookupOptions struct {
	// Holdout is the share of the labelled copies kept out of the index
	// and looked up instead (default 0.25).
	Holdout float64
	// Seed drives the choice of copies and their edits.
	Seed uint64
	// NoEdit looks the held-out texts up as they are, without the light
	// edits.
	NoEdit bool
	// Apart lists groups of articles labelled independent (same event,
	// not copied): every member but the first is kept out of the index
	// and looked up too; one whose first-ranked match is called a copy
	// of a story holding another member of its group is a false copy.
	Apart [][]string
}

// LookupResult scores dedup.Clusterer.Lookup on held-out copies of a labelled set.
type LookupResult struct {
	Indexed int `json:"indexed"` // articles in the index
	Queries int `json:"queries"` // held-out copies looked up
	// Top1 is the share of queries whose first-ranked cluster has the
	// true original as its original; TopCluster the share whose
	// first-ranked cluster holds the true original at all; Found the
	// share with the true original anywhere in the ranking.
	Top1       float64 `json:"top1"`
	TopCluster float64 `json:"top_cluster"`
	Found      float64 `json:"found"`
	// CopyVerdict is the share of queries that Lookup calls a copy of
	// their first-ranked cluster's original.
	CopyVerdict float64 `json:"copy_verdict"`
	// Lookup times, milliseconds.
	P50MS float64 `json:"p50_ms"`
	P95MS float64 `json:"p95_ms"`
	P99MS float64 `json:"p99_ms"`
	// Misses lists up to 20 queries whose true original was not first.
	Misses []LookupMiss `json:"misses,omitempty"`
	// Negatives is the number of independent texts looked up (Apart);
	// FalseCopies those called a copy of their independent partner's
	// story.
	Negatives   int `json:"negatives"`
	FalseCopies int `json:"false_copies"`
}

// LookupMiss is one query whose true original was not ranked first.
type LookupMiss struct {
	Query string `json:"query"` // id of the held-out copy
	Want  string `json:"want"`  // the true original
	Got   string `json:"got"`   // the first-ranked cluster's original, "" when none
}

// Lookup holds out a share of the labelled copies (articles with a
// truth_cluster whose truth original is in the set), indexes the rest in
// arrival order, then looks up each held-out copy's text, lightly edited
// (a few words replaced or dropped, quotes and spaces changed, sometimes
// the last paragraph cut), as a text that is not in the archive. It scores
// whether the true original is ranked first.
func Lookup(arts []*article.Article, cfg dedup.Config, opt LookupOptions) LookupResult {
	if opt.Holdout <= 0 {
		opt.Holdout = 0.25
	}
	r := rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x100c))
	s := splitLookup(arts, opt, r)
	ix := dedup.NewClusterer(cfg)
	for _, a := range s.indexed {
		ix.Add(a)
	}
	res := LookupResult{Indexed: ix.Len(), Queries: len(s.held), Negatives: len(s.negs)}
	res.FalseCopies = s.falseCopies(ix)
	if len(s.held) == 0 {
		return res
	}
	s.score(ix, opt.NoEdit, r, &res)
	return res
}

// lookupSplit is a labelled set split for Lookup: the articles indexed,
// the held-out copies with their true originals, and the independent
// texts with their partners.
type lookupSplit struct {
	indexed, held, negs []*article.Article
	truthOrig           map[string]string   // truth cluster -> its original's id
	negOf               map[string][]string // held-out independent text -> its partners
}

// splitLookup holds out opt.Holdout of the labelled copies (drawn from r
// in arrival order) and every member but the first of each opt.Apart
// group; the rest is indexed, in arrival order.
func splitLookup(arts []*article.Article, opt LookupOptions, r *rand.Rand) lookupSplit {
	s := lookupSplit{truthOrig: truthOriginals(arts), negOf: apartFrom(opt.Apart)}
	for _, a := range arts {
		if s.holdOut(a, opt.Holdout, r) {
			s.held = append(s.held, a)
			continue
		}
		if _, neg := s.negOf[a.ID]; neg {
			s.negs = append(s.negs, a)
			continue
		}
		s.indexed = append(s.indexed, a)
	}
	return s
}

// truthOriginals maps each truth cluster to its labelled original.
func truthOriginals(arts []*article.Article) map[string]string {
	orig := map[string]string{}
	for _, a := range arts {
		if a.TruthOriginal && a.TruthCluster != "" {
			orig[a.TruthCluster] = a.ID
		}
	}
	return orig
}

// apartFrom maps each member of a group labelled apart, but its first,
// to the first members of its groups.
func apartFrom(apart [][]string) map[string][]string {
	negOf := map[string][]string{}
	for _, g := range apart {
		for _, id := range g[1:] {
			negOf[id] = append(negOf[id], g[0])
		}
	}
	return negOf
}

// holdOut reports whether a, a copy with a labelled original, is held
// out of the index to be looked up: all of them when share is 1 or more,
// else each with that chance (drawn from r).
func (s *lookupSplit) holdOut(a *article.Article, share float64, r *rand.Rand) bool {
	want, ok := s.truthOrig[a.TruthCluster]
	return ok && want != a.ID && (share >= 1 || r.Float64() < share)
}

// falseCopies counts the independent texts whose first-ranked match is
// called a copy of a story holding one of their partners.
func (s lookupSplit) falseCopies(ix *dedup.Clusterer) int {
	n := 0
	for _, a := range s.negs {
		ms := ix.Lookup(dedup.Probe{Text: a.Text, Site: a.Site}, 1)
		if len(ms) == 0 || !ms[0].Copy {
			continue
		}
		members := ix.Members(ms[0].Cluster)
		for _, p := range s.negOf[a.ID] {
			if slices.Contains(members, p) {
				n++
				break
			}
		}
	}
	return n
}

// lookupTally counts the held-out copies by what their lookup found.
type lookupTally struct{ top1, topCluster, found, copyVerdict int }

// score looks each held-out copy up (lightly edited unless noEdit, with
// r) and fills res's shares, misses and lookup times.
func (s lookupSplit) score(ix *dedup.Clusterer, noEdit bool, r *rand.Rand, res *LookupResult) {
	times := make([]float64, 0, len(s.held))
	var t lookupTally
	for _, a := range s.held {
		want := s.truthOrig[a.TruthCluster]
		text := a.Text
		if !noEdit {
			text = LightEdit(text, r)
		}
		start := time.Now()
		ms := ix.Lookup(dedup.Probe{Text: text, Site: a.Site}, 0)
		times = append(times, float64(time.Since(start).Microseconds())/1000)
		if got := t.add(ix, ms, want); got != want && len(res.Misses) < 20 {
			res.Misses = append(res.Misses, LookupMiss{Query: a.ID, Want: want, Got: got})
		}
	}
	n := float64(len(s.held))
	res.Top1, res.TopCluster, res.Found = round4(float64(t.top1)/n), round4(float64(t.topCluster)/n), round4(float64(t.found)/n)
	res.CopyVerdict = round4(float64(t.copyVerdict) / n)
	slices.Sort(times)
	q := func(p float64) float64 { return times[min(len(times)-1, int(p*float64(len(times))))] }
	res.P50MS, res.P95MS, res.P99MS = q(0.50), q(0.95), q(0.99)
}

// add counts one lookup's ranking ms against the true original want and
// returns the first-ranked cluster's original ("" when none).
func (t *lookupTally) add(ix *dedup.Clusterer, ms []dedup.ClusterMatch, want string) (got string) {
	if len(ms) > 0 {
		got = ms[0].Original
		if ms[0].Copy {
			t.copyVerdict++
		}
		if slices.Contains(ix.Members(ms[0].Cluster), want) {
			t.topCluster++
		}
	}
	if got == want {
		t.top1++
	}
	for _, m := range ms {
		if slices.Contains(ix.Members(m.Cluster), want) {
			t.found++
			break
		}
	}
	return got
}

// LightEdit returns text with light edits of the kind a republisher
// makes: about one word in 30 replaced by another word of the text, one in
// 60 dropped, straight and curly quotes swapped, and in one text of three
// the last paragraph cut (when there are more than three).
func LightEdit(text string, r *rand.Rand) string {
	paras := strings.Split(text, "\n\n")
	if len(paras) > 3 && r.IntN(3) == 0 {
		paras = paras[:len(paras)-1]
	}
	var vocab []string
	for _, p := range paras {
		vocab = append(vocab, strings.Fields(p)...)
	}
	if len(vocab) == 0 {
		return text
	}
	swap := strings.NewReplacer("“", "\"", "”", "\"", "\"", "“", "’", "'", "'", "’")
	for i, p := range paras {
		ws := strings.Fields(p)
		out := ws[:0]
		for _, w := range ws {
			switch x := r.IntN(60); {
			case x == 0:
				continue
			case x < 3:
				w = vocab[r.IntN(len(vocab))]
			}
			out = append(out, w)
		}
		paras[i] = swap.Replace(strings.Join(out, " "))
	}
	return strings.Join(paras, "\n\n")
}

// round4 rounds x to four decimals, as dedup reports its shares.
func round4(x float64) float64 { return float64(int64(x*1e4+0.5)) / 1e4 }
