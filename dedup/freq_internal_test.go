package dedup

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/syndex/syndex/article"
)

func TestFreqTableSub(t *testing.T) {
	a, b := []uint32{10, 11, 12}, []uint32{10, 20}
	tests := []struct {
		name        string
		ops         []func(*freqTable) bool
		wantDocs    uint32
		wantCounts  map[uint32]uint32
		wantChanged bool // the last op's report
	}{
		{
			name:        "add then sub the same article restores the counts",
			ops:         []func(*freqTable) bool{add(a), add(b), sub(a)},
			wantDocs:    1,
			wantCounts:  map[uint32]uint32{10: 1, 11: 0, 12: 0, 20: 1},
			wantChanged: true, // 10 falls from 2 (the threshold) to 1
		},
		{
			name:        "re-adding a changed article counts only the new version",
			ops:         []func(*freqTable) bool{add(a), sub(a), add(b), add(a), sub(a), add(b)},
			wantDocs:    2,
			wantCounts:  map[uint32]uint32{10: 2, 11: 0, 20: 2},
			wantChanged: true, // add reports 10 and 20 reaching 2
		},
		{
			name:        "falling below the threshold is reported",
			ops:         []func(*freqTable) bool{add(a), add(a), add(b), sub(a)},
			wantDocs:    2,
			wantCounts:  map[uint32]uint32{10: 2, 11: 1},
			wantChanged: true, // 11 and 12 drop from 2 (the threshold) to 1
		},
		{
			name:        "a sub that crosses nothing is not reported",
			ops:         []func(*freqTable) bool{add(a), add(a), add(b), sub(b)},
			wantDocs:    2,
			wantCounts:  map[uint32]uint32{10: 2, 20: 0},
			wantChanged: false,
		},
		{
			name:       "sub on an empty table is a no-op",
			ops:        []func(*freqTable) bool{sub(a)},
			wantDocs:   0,
			wantCounts: map[uint32]uint32{10: 0},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ft := newFreqTable(16, 64)
			var changed bool
			for _, op := range tc.ops {
				changed = op(ft)
			}
			if ft.docs != tc.wantDocs {
				t.Errorf("docs = %d, want %d", ft.docs, tc.wantDocs)
			}
			for f, want := range tc.wantCounts {
				if got := ft.count(f); got != want {
					t.Errorf("count(%d) = %d, want %d", f, got, want)
				}
			}
			if changed != tc.wantChanged {
				t.Errorf("last op reported %v, want %v", changed, tc.wantChanged)
			}
		})
	}
}

// add and sub count an article with threshold max(2, 0·docs) = 2.
func add(fs []uint32) func(*freqTable) bool {
	return func(t *freqTable) bool { return t.add(fs, 2, 0) }
}

func sub(fs []uint32) func(*freqTable) bool {
	return func(t *freqTable) bool { return t.sub(fs, 2, 0) }
}

func TestReAddUncountsOldFeatures(t *testing.T) {
	g := newTestText(31)
	tests := []struct {
		name     string
		versions []string // successive texts of the re-crawled article
	}{
		{"same text re-crawled", []string{g[0], g[0], g[0], g[0], g[0]}},
		{"text edited between crawls", []string{g[0], g[0] + " " + g[1], g[0], g[0] + " " + g[2], g[0]}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ix := NewClusterer(DefaultConfig())
			for _, text := range tc.versions {
				ix.Add(&article.Article{ID: "p", Site: "a.example", Text: text})
			}
			last := ix.docs[ix.byID["p"]].feats
			st := ix.sites[ix.siteByNm["a.example"]].freq
			if st.docs != 1 || ix.global.shards[0].docs != 1 {
				t.Errorf("site counts %d articles, global %d; want 1 each", st.docs, ix.global.shards[0].docs)
			}
			for _, f := range last {
				if c := st.count(f); c != 1 {
					t.Fatalf("site count of feature %d = %d after %d crawls, want 1", f, c, len(tc.versions))
				}
				if ix.isNoise(ix.docs[ix.byID["p"]].site, f) {
					t.Fatalf("feature %d of the article became noise through re-crawls", f)
				}
			}
			if ix.Len() != 1 {
				t.Errorf("Len = %d, want 1", ix.Len())
			}
			// The page still matches a copy on another site.
			ix.Add(&article.Article{ID: "q", Site: "b.example", Text: tc.versions[len(tc.versions)-1]})
			if as, _ := ix.Assignment("q"); as.Original != "p" && as.Role != article.RoleOriginal {
				t.Errorf("copy of the re-crawled page: %+v, want it clustered with p", as)
			}
			if as, _ := ix.Assignment("p"); as.Role == article.RoleUnique {
				t.Errorf("re-crawled page: %+v, want it clustered with its copy", as)
			}
		})
	}
}

// newTestText returns three deterministic texts of about 150 invented
// words each.
func newTestText(seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, 7))
	syl := strings.Fields("ka lo mi ne ra tu be si do va zen tor ul an ri po")
	out := make([]string, 3)
	for i := range out {
		ws := make([]string, 150)
		for j := range ws {
			ws[j] = syl[r.IntN(len(syl))] + syl[r.IntN(len(syl))] + syl[r.IntN(len(syl))]
		}
		out[i] = strings.Join(ws, " ")
	}
	return out
}

// TestDiversityCounts checks that a feature's diversity count follows it
// when the table grows, and starts at zero when another feature takes
// its slot over.
func TestDiversityCounts(t *testing.T) {
	s := newShardedFreq()
	hot := []uint32{8, 12} // both in shard 0
	for range 10 {
		s.addCollect(hot, 1000, 1, nil)
	}
	s.addDiverse(hot, 1)
	s.addDiverse(hot[:1], 1)
	// Enough other features to make shard 0 grow several times.
	r := rand.New(rand.NewPCG(1, 2))
	for range 4000 {
		fs := make([]uint32, 8)
		for i := range fs {
			fs[i] = (r.Uint32() | 1) << 2 // shard 0, never 8 or 12
		}
		s.addCollect(fs, 1000, 1, nil)
	}
	if n := len(s.shards[0].slots); n <= globalSlots/globalShards {
		t.Fatalf("shard 0 has %d slots: it did not grow", n)
	}
	for f, want := range map[uint32]uint32{8: 2, 12: 1} {
		c, div := s.diverse(f)
		if c == 0 || div != want {
			t.Errorf("feature %d after growing: count %d, diverse %d; want diverse %d", f, c, div, want)
		}
	}
	s.addDiverse([]uint32{8, 8, 8}, -1)
	if _, div := s.diverse(8); div != 0 {
		t.Errorf("diverse count of 8 after three decrements = %d, want 0 (never below)", div)
	}

	// A slot taken over by a new feature starts at zero.
	ft := newFreqTable(4, 4) // one bucket of four
	ft.div = make([]uint32, 4)
	ft.add([]uint32{1, 2, 3, 4}, 100, 1)
	ft.div[ft.slot(1)] = 7      // the first slot of the smallest count: the one decremented
	ft.add([]uint32{5}, 100, 1) // no slot free: 1's count drops to 0 ...
	ft.add([]uint32{6}, 100, 1) // ... and 6 takes its slot
	if j := ft.slot(6); j < 0 || ft.div[j] != 0 {
		t.Errorf("new feature in slot %d has diverse count %v, want 0", j, ft.div)
	}
}

func TestNthSmallest(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := range 200 {
		xs := make([]uint32, 1+r.IntN(60))
		for i := range xs {
			xs[i] = uint32(r.IntN(1 + trial%20))
		}
		sorted := slices.Clone(xs)
		slices.Sort(sorted)
		n := r.IntN(len(xs))
		if got := nthSmallest(slices.Clone(xs), n); got != sorted[n] {
			t.Fatalf("nthSmallest(%v, %d) = %d, want %d", xs, n, got, sorted[n])
		}
	}
}

// TestPassageHysteresis: a feature becomes a passage when half of its
// articles are diverse and, once flagged, stays one down to a quarter.
func TestPassageHysteresis(t *testing.T) {
	ix := NewClusterer(DefaultConfig())
	tests := []struct {
		c, div uint32
		flag   bool
		want   bool
	}{
		{4, 4, false, false}, // under PassageMinDocs
		{10, 5, false, true},
		{10, 4, false, false},
		{10, 4, true, true},
		{10, 3, true, true},
		{10, 2, true, false},
		{12, 3, true, true},
	}
	for _, tc := range tests {
		div := tc.div
		if tc.flag {
			div |= passageFlag
		}
		if got := ix.isPassage(tc.c, div); got != tc.want {
			t.Errorf("isPassage(count %d, diverse %d, flagged %v) = %v, want %v", tc.c, tc.div, tc.flag, got, tc.want)
		}
	}
	// The flag is set and cleared with the status.
	fs := []uint32{40}
	for range 10 {
		ix.global.addCollect(fs, 1000, 1, nil)
	}
	ix.global.addDiverse(fs, 1)
	before := ix.passagesOf(fs, nil)
	for range 5 {
		ix.global.addDiverse(fs, 1)
	}
	if !ix.passageFlips(fs, before) || !ix.passage(40) {
		t.Fatal("6 of 10 diverse: want a flip to passage")
	}
	for range 3 {
		ix.global.addDiverse(fs, -1)
	}
	if !ix.passage(40) {
		t.Error("3 of 10 diverse after being a passage: want still a passage")
	}
	if _, div := ix.global.diverse(40); div&^passageFlag != 3 {
		t.Errorf("diverse count %d under the flag, want 3", div&^passageFlag)
	}
}

// BenchmarkFreqAdd counts articles of 400 features drawn from a skewed
// vocabulary into a global-sized table, as the learning pass does.
func BenchmarkFreqAdd(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	arts := make([][]uint32, 512)
	for i := range arts {
		for range 400 {
			arts[i] = append(arts[i], uint32(rng.ExpFloat64()*20000)*2654435761)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t := newFreqTable(1<<10, 1<<20)
		for _, fs := range arts {
			t.add(fs, 5, 0.01)
		}
	}
}
