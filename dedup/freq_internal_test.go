package dedup

import (
	"math/rand/v2"
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
			ix := NewIndex(DefaultConfig())
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
