package corpus

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/dedup/internal/deduptest"
)

// wireArticles reads wire-syndication-text's three CSV files as Articles
// (id event-id, site the publisher, published the scrape time, paragraphs
// split at " ### "), in file order, and its candidate pairs (word 5-gram
// containment of at least 0.5 across publishers: derived, not labelled).
func wireArticles(t *testing.T, dir string) ([]*article.Article, [][2]string) {
	t.Helper()
	var arts []*article.Article
	for _, ev := range []string{"helsinki", "census", "spotify"} {
		f, err := os.Open(filepath.Join(dir, ev+"_articles.csv"))
		if err != nil {
			t.Skipf("corpus not present: %v", err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", ev, err)
		}
		for _, r := range rows[1:] {
			at, err := time.Parse(time.RFC3339, r[2])
			if err != nil {
				t.Fatalf("%s %s: scrape time: %v", ev, r[0], err)
			}
			arts = append(arts, &article.Article{ID: ev + "-" + r[0], Site: r[1], Published: at,
				Text: strings.ReplaceAll(r[3], " ### ", "\n\n")})
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "candidate-pairs.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	var pairs [][2]string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
		f := strings.Split(line, "\t")
		pairs = append(pairs, [2]string{f[0] + "-" + f[1], f[0] + "-" + f[3]})
	}
	return arts, pairs
}

// together lists the pairs of article ids that as puts in one cluster.
func together(as map[string]article.Assignment) map[[2]string]bool {
	by := map[string][]string{}
	for id, a := range as {
		by[a.Cluster] = append(by[a.Cluster], id)
	}
	out := map[[2]string]bool{}
	for _, ids := range by {
		slices.Sort(ids)
		for i := range ids {
			for _, y := range ids[i+1:] {
				out[[2]string{ids[i], y}] = true
			}
		}
	}
	return out
}

// TestWireOrder is a diagnostic: wire-syndication-text (680 real US
// articles, three events) clustered offline in file order and reversed,
// one by one as a crawl adds them, and in batches of 100 with a
// checkpoint written and read between batches (as successive imports
// do), each with the alignment rule and without it. It reports the
// cluster pairs, the candidate pairs (5-gram containment ≥ 0.5) found
// together, and the pairs the rule-less offline run has that each run
// lacks (lost) or adds (new): the rule must not split what the copy
// rules join. Run it with
//
//	SYNDEX_COUNTER_CEILING=1 go test ./dedup/corpus -run WireOrder -v
//
// and SYNDEX_WIRE_DUMP=DIR to keep each run's assignments (JSONL, file
// order) in DIR.
func TestWireOrder(t *testing.T) {
	diagnostic(t)
	arts, cands := wireArticles(t, filepath.Join(corporaRoot(), "wire-syndication-text"))
	reversed := slices.Clone(arts)
	slices.Reverse(reversed)
	offline := func(cfg dedup.Config, in []*article.Article) map[string]article.Assignment {
		return deduptest.Offline(t, cfg, in...)
	}
	incremental := func(cfg dedup.Config, in []*article.Article, batch int) map[string]article.Assignment {
		ix := dedup.NewClusterer(cfg)
		for i, a := range in {
			if batch > 0 && i > 0 && i%batch == 0 {
				var ck bytes.Buffer
				if _, err := ix.WriteTo(&ck); err != nil {
					t.Fatal(err)
				}
				var err error
				if ix, err = dedup.ReadClusterer(&ck, cfg); err != nil {
					t.Fatal(err)
				}
			}
			ix.Add(a)
		}
		out := map[string]article.Assignment{}
		for _, a := range in {
			out[a.ID], _ = ix.Assignment(a.ID)
		}
		return out
	}
	on := dedup.DefaultConfig()
	off := on
	off.Align = 0
	ref := together(offline(off, arts))
	for _, cfg := range []dedup.Config{off, on} {
		for _, run := range []struct {
			name string
			as   map[string]article.Assignment
		}{
			{"offline", offline(cfg, arts)},
			{"offline reversed", offline(cfg, reversed)},
			{"one by one", incremental(cfg, arts, 0)},
			{"one by one reversed", incremental(cfg, reversed, 0)},
			{"batches of 100, checkpointed", incremental(cfg, arts, 100)},
		} {
			if dir := os.Getenv("SYNDEX_WIRE_DUMP"); dir != "" {
				var b bytes.Buffer
				for _, a := range arts {
					j, _ := json.Marshal(run.as[a.ID])
					b.Write(append(j, '\n'))
				}
				name := strings.NewReplacer(" ", "_", ",", "").Replace(fmt.Sprintf("%.2f-%s", cfg.Align, run.name))
				if err := os.WriteFile(filepath.Join(dir, name+".jsonl"), b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got := together(run.as)
			found, lost, added := 0, 0, 0
			for _, p := range cands {
				if p[1] < p[0] {
					p[0], p[1] = p[1], p[0]
				}
				if got[p] {
					found++
				}
			}
			for p := range ref {
				if !got[p] {
					lost++
				}
			}
			for p := range got {
				if !ref[p] {
					added++
				}
			}
			t.Logf("align %.2f, %-29s pairs %d, candidate pairs together %d of %d, against offline without the rule: lost %d, new %d",
				cfg.Align, run.name+":", len(got), found, len(cands), lost, added)
		}
	}
}
