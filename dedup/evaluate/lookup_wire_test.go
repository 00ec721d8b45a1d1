package evaluate

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
)

// TestLookupWire measures lookup on real wire syndication that our
// generator did not shape (wire-syndication-text: 680 articles of 3 news
// events from US outlets, text only). Its candidate pairs (5-gram
// containment ≥ 0.5) are derived, not ground truth, so this measures
// retrieval, not attribution: each article with candidate partners is
// looked up in the index of all, itself left out of the matches, and
// counts when its first match is a story holding one of its partners.
// Run it with
//
//	SYNDEX_WIRE_CORPUS=../shared/corpora/wire-syndication-text go test ./dedup/evaluate -run TestLookupWire -v
func TestLookupWire(t *testing.T) {
	dir := os.Getenv("SYNDEX_WIRE_CORPUS")
	if dir == "" {
		t.Skip("set SYNDEX_WIRE_CORPUS to a wire-syndication-text directory")
	}
	arts := map[string]*article.Article{}
	var order []string
	for _, ev := range []string{"helsinki", "census", "spotify"} {
		f, err := os.Open(filepath.Join(dir, ev+"_articles.csv"))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows[1:] {
			at, _ := time.Parse(time.RFC3339, r[2])
			id := ev + ":" + r[0]
			arts[id] = &article.Article{ID: id, Site: r[1], Fetched: at, Text: strings.ReplaceAll(r[3], " ### ", "\n\n")}
			order = append(order, id)
		}
	}
	f, err := os.Open(filepath.Join(dir, "candidate-pairs.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(f)
	r.Comma = '\t'
	pairs, err := r.ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	partners := map[string][]string{}
	strong := map[string]bool{} // a partner with containment ≥ 0.8
	for _, p := range pairs[1:] {
		a, b := p[0]+":"+p[1], p[0]+":"+p[3]
		c, _ := strconv.ParseFloat(p[5], 64)
		partners[a] = append(partners[a], b)
		partners[b] = append(partners[b], a)
		if c >= 0.8 {
			strong[a], strong[b] = true, true
		}
	}
	// One index of every article; each query leaves itself out of the
	// matches (Probe.Exclude) rather than out of the index.
	ix := dedup.NewClusterer(dedup.DefaultConfig())
	for _, id := range order {
		ix.Add(arts[id])
	}
	var queries, first, called, strongQ, strongFirst int
	for _, q := range order {
		ps := partners[q]
		if len(ps) == 0 {
			continue
		}
		ms := ix.Lookup(dedup.Probe{Text: arts[q].Text, Site: arts[q].Site, Exclude: q}, 1)
		queries++
		if strong[q] {
			strongQ++
		}
		if len(ms) == 0 {
			continue
		}
		members := ix.Members(ms[0].Cluster)
		if slices.ContainsFunc(ps, func(p string) bool { return slices.Contains(members, p) }) {
			first++
			if strong[q] {
				strongFirst++
			}
		}
		if ms[0].Copy {
			called++
		}
	}
	t.Logf("wire-syndication-text: %d articles with candidate partners looked up among the other %d: a partner's story first for %d (%.3f), called a copy %d; with a partner of containment ≥ 0.8: %d of %d (%.3f)",
		queries, len(order)-1, first, float64(first)/float64(queries), called, strongFirst, strongQ, float64(strongFirst)/float64(max(strongQ, 1)))
}
