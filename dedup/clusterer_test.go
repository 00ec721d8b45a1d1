package dedup_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
)

// repub wraps story paragraphs the way a republisher does: its own header,
// an attribution line, the story, a donation appeal and a long disclaimer
// that appear on every article it publishes.
type repub struct{ header, donation, disclaimer string }

func newRepub(g *textGen) repub {
	return repub{
		header:     "From our newsroom. " + g.sentence(),
		donation:   "Please support us. " + g.sentence() + " " + g.sentence(),
		disclaimer: "Disclaimer: " + g.para() + " " + g.para(),
	}
}

func (r repub) wrap(origin string, paras []string) []string {
	return join([]string{r.header, "This story first appeared on " + origin + "."}, paras, []string{r.donation, r.disclaimer})
}

type indexCase struct {
	name     string
	arts     []*article.Article
	same     [][]string        // each group must share one cluster
	apart    [][2]string       // pairs that must be in different clusters
	original map[string]string // member -> expected original
	evidence map[string]string // member -> evidence its assignment must list
}

func indexCases() []indexCase {
	g := newTextGen(7)
	rp := newRepub(g)
	names := []string{"Amara Okafor", "Velden", "Port Sarrow"}
	story := g.paras(8)
	other := g.paras(8)
	fillers := func(site string, n int) []*article.Article {
		var out []*article.Article
		for i := range n {
			out = append(out, art(site+"-filler"+string(rune('a'+i)), site, 30+i, rp.wrap("elsewhere.example", g.paras(3))...))
		}
		return out
	}
	var cases []indexCase

	cases = append(cases, indexCase{
		name: "wrapped verbatim copy with site boilerplate",
		arts: append(fillers("repub.example", 4),
			art("orig", "origin.example", 0, story...),
			art("copy", "repub.example", 5, rp.wrap("origin.example", story)...)),
		same:     [][]string{{"orig", "copy"}},
		apart:    [][2]string{{"repub.example-fillera", "repub.example-fillerb"}, {"repub.example-fillerc", "copy"}},
		original: map[string]string{"copy": "orig"},
		evidence: map[string]string{"copy": article.EvidenceEarliest},
	})

	short := func(id string) *article.Article {
		return art(id, "short.example", 1, "Short note. "+g.sentence(), rp.disclaimer, rp.donation)
	}
	cases = append(cases, indexCase{
		name:  "shared disclaimer does not merge a site's unrelated articles",
		arts:  []*article.Article{short("n1"), short("n2"), short("n3"), short("n4"), short("n5"), short("n6")},
		apart: [][2]string{{"n1", "n2"}, {"n3", "n4"}, {"n5", "n6"}, {"n1", "n6"}},
	})

	long := g.paras(10)
	cases = append(cases, indexCase{
		name: "truncated copy with read more",
		arts: []*article.Article{art("full", "origin.example", 0, long...),
			art("trunc", "digest.example", 3, append(slices.Clone(long[:4]), "Read more at origin.example")...)},
		same:     [][]string{{"full", "trunc"}},
		original: map[string]string{"trunc": "full"},
	})

	retitled := art("retitled", "edits.example", 2, mapEach(story, func(p string) string { return edit(p, 20) })...)
	retitled.Title = "A completely different headline"
	cases = append(cases, indexCase{
		name:     "retitled copy with a few words changed",
		arts:     []*article.Article{art("orig", "origin.example", 0, story...), retitled},
		same:     [][]string{{"orig", "retitled"}},
		original: map[string]string{"retitled": "orig"},
	})

	reordered := slices.Clone(story)
	reordered = append(reordered[:2], reordered[4:]...)
	reordered[0], reordered[1] = reordered[1], reordered[0]
	cases = append(cases, indexCase{
		name: "dropped and reordered paragraphs",
		arts: []*article.Article{art("orig", "origin.example", 0, story...), art("cut", "cut.example", 1, reordered...)},
		same: [][]string{{"orig", "cut"}},
	})

	cases = append(cases, indexCase{
		name: "quote, whitespace and OCR noise",
		arts: []*article.Article{art("orig", "origin.example", 0, story...), art("scan", "scan.example", 1, mapEach(story, ocr)...)},
		same: [][]string{{"orig", "scan"}},
	})

	quote := "“" + g.sentence(names...) + " " + g.sentence(names...) + "” said Amara Okafor."
	sideA := append(g.paras(4, names...), append([]string{quote}, g.paras(4, names...)...)...)
	sideB := append(g.paras(3, names...), append([]string{quote}, g.paras(4, names...)...)...)
	cases = append(cases, indexCase{
		name:  "hard negative: same event, names and one quoted paragraph",
		arts:  []*article.Article{art("a", "one.example", 0, sideA...), art("b", "two.example", 1, sideB...)},
		apart: [][2]string{{"a", "b"}},
	})

	cases = append(cases, indexCase{
		name: "no chaining through a mixed article",
		arts: []*article.Article{art("p", "p.example", 0, story...),
			art("mix", "mix.example", 1, join(story[:4], other[:4])...),
			art("q", "q.example", 2, other...)},
		same:  [][]string{{"p", "mix"}},
		apart: [][2]string{{"p", "q"}, {"mix", "q"}},
	})

	late := art("copy", "repub.example", 1, rp.wrap("origin.example", story)...)
	late.Source = "origin.example"
	cases = append(cases, indexCase{
		name:     "attribution beats an earlier date",
		arts:     append(fillers("repub.example", 3), art("orig", "origin.example", 9, story...), late),
		same:     [][]string{{"orig", "copy"}},
		original: map[string]string{"copy": "orig"},
		evidence: map[string]string{"copy": article.EvidenceAttribution},
	})

	canon := art("copy", "mirror.example", 1, story...)
	canon.Canonical = "https://origin.example/orig"
	cases = append(cases, indexCase{
		name:     "cross-site canonical beats an earlier date",
		arts:     []*article.Article{art("orig", "origin.example", 9, story...), canon},
		same:     [][]string{{"orig", "copy"}},
		original: map[string]string{"copy": "orig"},
		evidence: map[string]string{"copy": article.EvidenceCanonical},
	})

	cases = append(cases, indexCase{
		name: "no dates: the member the others contain",
		arts: append(fillers("repub.example", 3),
			art("wrapped", "repub.example", -1, rp.wrap("origin.example", long)...),
			art("full", "origin.example", -1, long...),
			art("trunc", "digest.example", -1, long[:5]...)),
		same:     [][]string{{"full", "wrapped", "trunc"}},
		original: map[string]string{"wrapped": "full", "trunc": "full"},
		evidence: map[string]string{"trunc": article.EvidenceContainment},
	})
	return cases
}

func TestIndexCases(t *testing.T) {
	for _, tc := range indexCases() {
		t.Run(tc.name, func(t *testing.T) {
			ix := dedup.NewClusterer(dedup.DefaultConfig())
			for _, a := range tc.arts {
				ix.Add(a)
			}
			if ix.Len() != len(tc.arts) {
				t.Errorf("Len = %d, want %d", ix.Len(), len(tc.arts))
			}
			get := func(id string) article.Assignment {
				as, ok := ix.Assignment(id)
				if !ok {
					t.Fatalf("no assignment for %s", id)
				}
				return as
			}
			for _, grp := range tc.same {
				c := get(grp[0]).Cluster
				for _, id := range grp[1:] {
					if got := get(id); got.Cluster != c {
						t.Errorf("%s in cluster %s (%s), want %s with %s", id, got.Cluster, got.Role, c, grp[0])
					}
				}
				if m := ix.Members(c); len(m) != len(grp) {
					t.Errorf("Members(%s) = %v, want the %d of %v", c, m, len(grp), grp)
				}
			}
			for _, p := range tc.apart {
				if a, b := get(p[0]), get(p[1]); a.Cluster == b.Cluster {
					t.Errorf("%s and %s merged into %s", p[0], p[1], a.Cluster)
				}
			}
			for id, want := range tc.original {
				as := get(id)
				if as.Original != want || as.Role != article.RoleCopy {
					t.Errorf("%s: original %s role %s, want original %s role copy (evidence %v)", id, as.Original, as.Role, want, as.Evidence)
				}
				if o := get(want); o.Role != article.RoleOriginal || o.Similarity != 1 {
					t.Errorf("%s: role %s similarity %v, want original with similarity 1", want, o.Role, o.Similarity)
				}
				if as.Similarity < 0.5 || as.Similarity > 1 {
					t.Errorf("%s: similarity %v, want in [0.5, 1]", id, as.Similarity)
				}
			}
			for id, ev := range tc.evidence {
				if as := get(id); !slices.Contains(as.Evidence, ev) {
					t.Errorf("%s: evidence %v, want it to list %s", id, as.Evidence, ev)
				}
			}
		})
	}
}

func TestAddReportsChangedMembers(t *testing.T) {
	g := newTextGen(3)
	story := g.paras(6)
	ix := dedup.NewClusterer(dedup.DefaultConfig())
	steps := []struct {
		art          *article.Article
		wantChanged  []string // ids after the first, in any order
		wantOriginal string
	}{
		{art("c1", "one.example", 5, story...), nil, "c1"},
		{art("c2", "two.example", 7, story...), []string{"c1"}, "c1"},
		{art("orig", "origin.example", 0, story...), []string{"c1", "c2"}, "orig"},
		{art("c3", "three.example", 9, story...), nil, "orig"},
	}
	for _, s := range steps {
		out := ix.Add(s.art)
		if len(out) == 0 || out[0].ID != s.art.ID {
			t.Fatalf("Add(%s) = %+v, want its own assignment first", s.art.ID, out)
		}
		var changed []string
		for _, as := range out[1:] {
			changed = append(changed, as.ID)
			if as.Original != s.wantOriginal {
				t.Errorf("Add(%s): changed %s has original %s, want %s", s.art.ID, as.ID, as.Original, s.wantOriginal)
			}
		}
		slices.Sort(changed)
		if !slices.Equal(changed, s.wantChanged) {
			t.Errorf("Add(%s) reported changes %v, want %v", s.art.ID, changed, s.wantChanged)
		}
		if out[0].Original != s.wantOriginal {
			t.Errorf("Add(%s): original %s, want %s", s.art.ID, out[0].Original, s.wantOriginal)
		}
	}
	// Changing the original's text so it no longer matches makes it unique
	// and the copies re-decide among themselves.
	out := ix.Add(art("orig", "origin.example", 0, g.paras(6)...))
	if out[0].Role != article.RoleUnique || out[0].Cluster != "orig" {
		t.Errorf("changed orig: %+v, want unique in its own cluster", out[0])
	}
	if as, _ := ix.Assignment("c2"); as.Original != "c1" {
		t.Errorf("after orig changed, c2 original = %s, want c1", as.Original)
	}
	if ix.Len() != 4 {
		t.Errorf("Len = %d after re-adding, want 4", ix.Len())
	}
}

func TestCheckpointReplayIsDeterministic(t *testing.T) {
	var arts []*article.Article
	for _, tc := range indexCases() {
		for _, a := range tc.arts {
			b := *a
			b.ID = tc.name[:6] + "/" + a.ID
			b.URL = strings.Replace(a.URL, a.ID, b.ID, 1)
			arts = append(arts, &b)
		}
	}
	cfg := dedup.DefaultConfig()
	straight := dedup.NewClusterer(cfg)
	for _, a := range arts {
		straight.Add(a)
	}
	for _, cut := range []int{0, 5, len(arts) / 2, len(arts)} {
		ix := dedup.NewClusterer(cfg)
		for _, a := range arts[:cut] {
			ix.Add(a)
		}
		var buf bytes.Buffer
		n, err := ix.WriteTo(&buf)
		if err != nil || n != int64(buf.Len()) {
			t.Fatalf("WriteTo = %d, %v; buffer has %d", n, err, buf.Len())
		}
		back, err := dedup.ReadClusterer(&buf, cfg)
		if err != nil {
			t.Fatalf("ReadClusterer: %v", err)
		}
		for _, a := range arts[cut:] {
			back.Add(a)
		}
		for _, a := range arts {
			want, _ := straight.Assignment(a.ID)
			got, ok := back.Assignment(a.ID)
			if !ok || !reflect.DeepEqual(got, want) {
				t.Fatalf("cut %d: %s = %+v, want %+v", cut, a.ID, got, want)
			}
		}
	}
	other := cfg
	other.Shingle = 2
	var buf bytes.Buffer
	if _, err := straight.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	if _, err := dedup.ReadClusterer(&buf, other); !errors.Is(err, dedup.ErrIncompatible) {
		t.Errorf("ReadClusterer with another shingle size: %v, want ErrIncompatible", err)
	}
	if _, err := dedup.ReadClusterer(strings.NewReader("garbage"), cfg); err == nil {
		t.Error("ReadClusterer(garbage) succeeded")
	}
}

func TestRun(t *testing.T) {
	g := newTextGen(5)
	story := g.paras(5)
	line := func(a *article.Article) string {
		b, _ := json.Marshal(a)
		return string(b)
	}
	tests := []struct {
		name      string
		in        string
		wantIDs   []string
		wantBad   []int
		wantSame  [][2]string
		wantError bool
	}{
		{
			name:     "input order kept, later original re-decides",
			in:       line(art("c", "b.example", 4, story...)) + "\n" + line(art("u", "b.example", 1, g.paras(4)...)) + "\n\n" + line(art("o", "a.example", 0, story...)) + "\n",
			wantIDs:  []string{"c", "u", "o"},
			wantSame: [][2]string{{"c", "o"}},
		},
		{
			name:      "corrupt lines reported, good lines still written",
			in:        line(art("x", "a.example", 0, story...)) + "\n{not json\n" + `{"id":"empty","text":""}` + "\n" + line(art("y", "b.example", 2, story...)),
			wantIDs:   []string{"x", "y"},
			wantBad:   []int{2, 3},
			wantSame:  [][2]string{{"x", "y"}},
			wantError: true,
		},
		{
			name:    "id derived from url, site from host",
			in:      `{"url":"https://www.news.example/a","text":"` + g.sentence() + `"}` + "\n",
			wantIDs: []string{article.IDFor("https://www.news.example/a")},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, workers := range []int{1, 3} {
				cfg := dedup.DefaultConfig()
				cfg.Workers = workers
				var out bytes.Buffer
				st, err := dedup.Run(context.Background(), strings.NewReader(tc.in), &out, cfg)
				var le *dedup.LineError
				if tc.wantError != (err != nil) || (err != nil && !errors.As(err, &le)) {
					t.Fatalf("Run error = %v, want error %v", err, tc.wantError)
				}
				if le != nil && !slices.Equal(le.Lines, tc.wantBad) {
					t.Errorf("bad lines %v, want %v (%v)", le.Lines, tc.wantBad, le)
				}
				var got []article.Assignment
				for dec := json.NewDecoder(&out); dec.More(); {
					var as article.Assignment
					if err := dec.Decode(&as); err != nil {
						t.Fatal(err)
					}
					if as.Evidence == nil {
						t.Errorf("%s: evidence is null, want a list", as.ID)
					}
					got = append(got, as)
				}
				var ids []string
				byID := map[string]article.Assignment{}
				for _, as := range got {
					ids = append(ids, as.ID)
					byID[as.ID] = as
				}
				if !slices.Equal(ids, tc.wantIDs) || st.Articles != len(tc.wantIDs) {
					t.Errorf("workers %d: ids %v (stats %d), want %v", workers, ids, st.Articles, tc.wantIDs)
				}
				for _, p := range tc.wantSame {
					if byID[p[0]].Cluster != byID[p[1]].Cluster {
						t.Errorf("%s and %s not clustered: %+v %+v", p[0], p[1], byID[p[0]], byID[p[1]])
					}
				}
			}
		})
	}
}
