package corpus

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/dedup/evaluate"
	"github.com/syndex/syndex/dedup/internal/deduptest"
)

// TestCounterArchive is a diagnostic: COUNTER and crossposts-real (both
// real) clustered offline (dedup.Run,
// as `syndex dedup` does), imported into an archive on disk (as `syndex
// import` does: ImportJSONL, the verifying stage reading texts from the
// store) and ingested one article per call (as a crawl stores them), with
// the scores of each and how many articles the archive paths put in other
// company than Run does. Run it with
//
//	SYNDEX_COUNTER_CEILING=1 go test ./dedup/corpus -run CounterArchive -v
func TestCounterArchive(t *testing.T) {
	diagnostic(t)
	for _, name := range []string{"counter-urdu", "crossposts-real"} {
		t.Run(name, func(t *testing.T) {
			archivePaths(t, loadOrSkip(t, name))
		})
	}
}

// diagnostic skips t unless the diagnostics on the real corpora were asked
// for (SYNDEX_COUNTER_CEILING=1).
func diagnostic(t *testing.T) {
	t.Helper()
	if os.Getenv("SYNDEX_COUNTER_CEILING") == "" {
		t.Skip("set SYNDEX_COUNTER_CEILING=1 to run")
	}
}

// loadOrSkip loads the real corpus name (under corporaRoot), skipping t
// when it is not there.
func loadOrSkip(t *testing.T, name string) *Set {
	t.Helper()
	dir := filepath.Join(corporaRoot(), name)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("corpus not present: %v", err)
	}
	set, err := Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// counterPairs reads COUNTER's labelled pairs (skipping t when the corpus
// is not there) and returns them, and apart the wholly derived (WD) and
// the non-derived (ND) ones.
func counterPairs(t *testing.T) (ps, wd, nd []CounterPair) {
	t.Helper()
	dir := filepath.Join(corporaRoot(), "counter-urdu")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("corpus not present: %v", err)
	}
	ps, err := ReadCounter(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		switch p.Label {
		case "WD":
			wd = append(wd, p)
		case "ND":
			nd = append(nd, p)
		}
	}
	return ps, wd, nd
}

// jsonLines is set's articles as JSON lines, the input of dedup.Run and
// of an archive's ImportJSONL.
func jsonLines(t *testing.T, set *Set) *bytes.Buffer {
	t.Helper()
	var in bytes.Buffer
	for _, a := range set.Articles {
		line, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		in.Write(append(line, '\n'))
	}
	return &in
}

func archivePaths(t *testing.T, set *Set) {
	ctx := context.Background()
	in := jsonLines(t, set)
	score := func(name string, as []article.Assignment) {
		r := evaluate.Clusters(set.Articles, as)
		t.Logf("%s: F1 %.4f (P %.4f, R %.4f), agency original in %.3f of %d clusters found, ND merged %d of %d",
			name, r.F1, r.Precision, r.Recall, r.OriginalOfFound, r.FoundClusters, Merged(set.Apart, as), len(set.Apart))
	}
	offline := deduptest.Offline(t, dedup.DefaultConfig(), set.Articles...)
	ordered := func(m map[string]article.Assignment) []article.Assignment {
		as := make([]article.Assignment, len(set.Articles))
		for i, a := range set.Articles {
			as[i] = m[a.ID]
		}
		return as
	}
	score("offline (syndex dedup)", ordered(offline))
	for _, path := range []string{"import", "ingest one by one"} {
		a, err := archive.Open(ctx, t.TempDir(), archive.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if path == "import" {
			if _, err := a.ImportJSONL(ctx, bytes.NewReader(in.Bytes()), 0); err != nil {
				t.Fatal(err)
			}
			if err := a.EndBulk(ctx); err != nil {
				t.Fatal(err)
			}
		} else {
			for _, x := range set.Articles {
				c := *x
				if err := a.Ingest(ctx, []*article.Article{&c}); err != nil {
					t.Fatal(err)
				}
			}
		}
		got := map[string]article.Assignment{}
		for _, x := range set.Articles {
			s, err := a.Store.Article(x.ID)
			if err != nil {
				t.Fatal(err)
			}
			got[x.ID] = article.Assignment{ID: s.ID, Cluster: s.Cluster, Role: s.Role, Original: s.Original}
		}
		if err := a.Close(); err != nil {
			t.Fatal(err)
		}
		score("archive, "+path, ordered(got))
		t.Logf("archive, %s: %d of %d articles in other company than offline", path, otherCompany(offline, got), len(got))
		if os.Getenv("SYNDEX_COUNTER_ROWS") != "" {
			logCompany(t, set, offline, got)
		}
	}
}

// otherCompany counts the articles whose fellow members differ between
// two clusterings.
func otherCompany(a, b map[string]article.Assignment) int {
	members := func(m map[string]article.Assignment) map[string]string {
		by := map[string][]string{}
		for id, as := range m {
			by[as.Cluster] = append(by[as.Cluster], id)
		}
		out := map[string]string{}
		for _, ids := range by {
			slices.Sort(ids)
			key := strings.Join(ids, "\x00")
			for _, id := range ids {
				out[id] = key
			}
		}
		return out
	}
	ma, mb := members(a), members(b)
	n := 0
	for id := range a {
		if ma[id] != mb[id] {
			n++
		}
	}
	return n
}

// logCompany logs, for each article whose fellow members differ between
// the offline clustering a and the archive's b, both groups with each
// member's site and true cluster.
func logCompany(t *testing.T, set *Set, a, b map[string]article.Assignment) {
	byID := map[string]*article.Article{}
	for _, x := range set.Articles {
		byID[x.ID] = x
	}
	group := func(m map[string]article.Assignment, id string) string {
		var out []string
		for _, x := range set.Articles {
			if m[x.ID].Cluster == m[id].Cluster {
				out = append(out, fmt.Sprintf("%s(%s,%s,%s)", x.ID, x.Site, m[x.ID].Role, x.TruthCluster))
			}
		}
		return strings.Join(out, " ")
	}
	for _, x := range set.Articles {
		if ga, gb := group(a, x.ID), group(b, x.ID); ga != gb {
			t.Logf("  %s: offline [%s] archive [%s]", x.ID, ga, gb)
		}
	}
}
