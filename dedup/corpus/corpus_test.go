package corpus

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/dedup/evaluate"
)

func write(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func counterXML(label, date, paper, body string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><COUNTER_document classification="` + label +
		`" newsdate="` + date + `" newspaper="` + paper + `"><headline>h</headline><body>` + body + `</body></COUNTER_document>`
}

func TestLoadCounter(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "pairs.tsv"), "pair_id\tsource_file\tderived_file\tlabel\tdomain\tsource_agency\tsource_date\tderived_newspaper\tderived_date\n"+
		"0001\tCOUNTER/0001.xml\tCOUNTER/0001p.xml\tWD\tsports\tAPP\t01.12.14\texpress\t02.12.14\n"+
		"0002\tCOUNTER/0002.xml\tCOUNTER/0002p.xml\tND\tsports\tAPP\t01.12.14\tjang\tbad\n"+
		"0003\tCOUNTER/0003.xml\tCOUNTER/0003p.xml\tPD\tsports\tINP\t01.12.14\tjang\t02.12.14\n")
	for _, f := range []string{"0001", "0001p", "0002", "0002p", "0003", "0003p"} {
		write(t, filepath.Join(dir, "COUNTER", f+".xml"), counterXML("WD", "01.12.14", "x", "text of "+f))
	}
	set, err := Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if set.Name != "counter" || len(set.Articles) != 4 || set.Skipped["partially derived (PD) pair"] != 1 {
		t.Fatalf("got %s with %d articles, skipped %v; want counter, 4, one PD pair", set.Name, len(set.Articles), set.Skipped)
	}
	src, der := set.Articles[0], set.Articles[1]
	if src.Text != "text of 0001" || src.Site != "app" || der.Site != "express" || !src.TruthOriginal || der.TruthOriginal ||
		src.TruthCluster != der.TruthCluster || src.TruthCluster == "" {
		t.Errorf("WD pair read as %+v and %+v", *src, *der)
	}
	if !src.Published.Before(der.Published) || src.Published.Day() != 1 {
		t.Errorf("dates %v, %v: want 2014-12-01 before 2014-12-02", src.Published, der.Published)
	}
	if strings.Contains(src.ID, "0001") || src.ID == der.ID {
		t.Errorf("ids %q, %q: want distinct ids that do not give the source away", src.ID, der.ID)
	}
	nd := set.Articles[2:]
	if nd[0].TruthCluster != "" || nd[1].TruthCluster != "" || !nd[1].Published.IsZero() {
		t.Errorf("ND pair read as %+v and %+v: want no truth cluster, no date for 'bad'", *nd[0], *nd[1])
	}
	if len(set.Apart) != 1 || set.Apart[0][0] != nd[0].ID || set.Apart[0][1] != nd[1].ID {
		t.Errorf("apart = %v, want the ND pair", set.Apart)
	}
}

func gz(t *testing.T, path, body string) {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(body))
	zw.Close()
	write(t, path, b.String())
}

func page(title, body string) string {
	return `<html><head><title>` + title + `</title></head><body><article><h1>` + title + `</h1><p>` + body + `</p></article></body></html>`
}

func TestLoadCrossposts(t *testing.T) {
	dir := t.TempDir()
	story := strings.Repeat("The council voted on the new bridge budget after a long debate about costs and traffic in the old town. ", 8)
	gz(t, filepath.Join(dir, "html", "a.html.gz"), page("Bridge vote", story))
	gz(t, filepath.Join(dir, "html", "b.html.gz"), page("Bridge vote", story))
	gz(t, filepath.Join(dir, "html", "c.html.gz"), page("Tennis", strings.Repeat("Peer won her first round match in straight sets on a hot afternoon. ", 8)))
	gz(t, filepath.Join(dir, "html", "d.html.gz"), page("Tennis", strings.Repeat("Israel's Shahar Peer eased through to the second round in Auckland. ", 8)))
	write(t, filepath.Join(dir, "members.jsonl"), `{"cluster":"bridge","role":"original (agency)","file":"html/a.html.gz","url":"https://a.example/news/1"}
{"cluster":"bridge","role":"republisher","file":"html/b.html.gz","url":"https://b.example/news/1"}

{"cluster":"neg-tennis","role":"independent","file":"html/c.html.gz","url":"https://c.example/t"}
{"cluster":"neg-tennis","role":"independent","file":"html/d.html.gz","url":"https://d.example/t"}
`)
	set, err := Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if set.Name != "crossposts" || len(set.Articles) != 4 {
		t.Fatalf("got %s with %d articles, want crossposts with 4 (skipped %v)", set.Name, len(set.Articles), set.Skipped)
	}
	a, b, c, d := set.Articles[0], set.Articles[1], set.Articles[2], set.Articles[3]
	if !strings.Contains(a.Text, "bridge budget") || a.Site != "a.example" {
		t.Errorf("page a extracted as site %q text %.60q", a.Site, a.Text)
	}
	if a.TruthCluster != "bridge" || b.TruthCluster != "bridge" || !a.TruthOriginal || b.TruthOriginal {
		t.Errorf("bridge pages labelled %q/%v and %q/%v", a.TruthCluster, a.TruthOriginal, b.TruthCluster, b.TruthOriginal)
	}
	if c.TruthCluster != c.ID || d.TruthCluster != d.ID {
		t.Errorf("negative control pages labelled %q and %q, want their own ids", c.TruthCluster, d.TruthCluster)
	}
	if len(set.Apart) != 1 || len(set.Apart[0]) != 2 {
		t.Errorf("apart = %v, want the two tennis pages", set.Apart)
	}
}

func TestLoadUnknown(t *testing.T) {
	if _, err := Load(context.Background(), t.TempDir()); err == nil || !strings.Contains(err.Error(), "not a known corpus layout") {
		t.Errorf("empty directory: err = %v, want the unknown-layout error", err)
	}
}

func TestMerged(t *testing.T) {
	as := []article.Assignment{{ID: "a", Cluster: "x"}, {ID: "b", Cluster: "x"}, {ID: "c", Cluster: "c"}, {ID: "d", Cluster: "x"}}
	tests := []struct {
		apart [][]string
		want  int
	}{
		{[][]string{{"a", "b"}}, 1},
		{[][]string{{"a", "c"}}, 0},
		{[][]string{{"c", "a", "d"}, {"a", "missing"}}, 1},
		{nil, 0},
	}
	for _, tc := range tests {
		if got := Merged(tc.apart, as); got != tc.want {
			t.Errorf("Merged(%v) = %d, want %d", tc.apart, got, tc.want)
		}
	}
}

// TestCounterPairs scores the COUNTER Urdu reuse corpus pair by pair when
// it is present beside the project (../shared/corpora/counter-urdu, or
// SYNDEX_CORPORA/counter-urdu).
func TestCounterPairs(t *testing.T) {
	dir := filepath.Join(corporaRoot(), "counter-urdu")
	if _, err := os.Stat(filepath.Join(dir, "pairs.tsv")); err != nil {
		t.Skipf("corpus not present: %v", err)
	}
	cps, err := ReadCounter(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg := dedup.DefaultConfig()
	r := evaluate.Pairs(Pairs(cps), evaluate.DefaultPairThreshold, cfg, nil)
	t.Logf("%+v", r)
	if r.Pairs != 600 || r.Positives != 135 {
		t.Errorf("read %d pairs (%d WD), want 600 (135)", r.Pairs, r.Positives)
	}
	if r.AUC < 0.93 || r.Precision < 0.9 || r.AUC <= r.BaselineAUC {
		t.Errorf("AUC %.4f (baseline %.4f), precision %.4f at %.2f: want AUC ≥ 0.93 above baseline and precision ≥ 0.9", r.AUC, r.BaselineAUC, r.Precision, r.Threshold)
	}
}

func corporaRoot() string {
	if root := os.Getenv("SYNDEX_CORPORA"); root != "" {
		return root
	}
	return filepath.Join("..", "..", "..", "shared", "corpora")
}
