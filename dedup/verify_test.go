package dedup_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/dedup/shingle"
)

// rephrase rewrites every sentence of paras as paraphraseOf rewrites the
// sentences it keeps (new endings, the first words in a new order, a word
// of the writer's own), dropping none.
func rephrase(g *textGen, paras []string) []string {
	var out []string
	for _, p := range paras {
		var kept []string
		for _, s := range strings.SplitAfter(p, ". ") {
			kept = append(kept, rephraseSentence(g, s, true))
		}
		out = append(out, strings.Join(kept, " "))
	}
	return out
}

// runAll clusters arts through Run from r's bytes (as `syndex dedup`
// reads a file) and returns the assignments by id.
func runAll(t *testing.T, r io.Reader, cfg dedup.Config) map[string]article.Assignment {
	t.Helper()
	var out bytes.Buffer
	if _, err := dedup.Run(context.Background(), r, &out, cfg); err != nil {
		t.Fatal(err)
	}
	got := map[string]article.Assignment{}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var as article.Assignment
		if err := json.Unmarshal([]byte(line), &as); err != nil {
			t.Fatal(err)
		}
		got[as.ID] = as
	}
	return got
}

func jsonl(arts ...*article.Article) []byte {
	var b bytes.Buffer
	for _, a := range arts {
		line, _ := json.Marshal(a)
		b.Write(append(line, '\n'))
	}
	return b.Bytes()
}

// TestVerifyWhole: a newspaper rewrites the second half of a long agency
// story the next day, every sentence rephrased. It shares too few word
// 3-grams for the containment and rewrite rules, and its sentences align
// to agency sentences past the 512 letters the clusterer's sketch reads, so
// clustering leaves it unique. Run's verifying stage reads both texts
// again, whole, finds the paper's sentences aligned to the agency's and
// makes it a copy, with the agency text as original: from a file, from
// a buffer, and from a pipe (spooled to a temporary file, removed
// after). It needs another site, at most a week between the two and
// dates; an independent report of the event (the same names) stays
// apart, so does a brief that rephrases a sixth of the story (its
// sentences hold too little of the story), and everything with the
// stage off.
func TestVerifyWhole(t *testing.T) {
	g := newTextGen(7)
	names := []string{"Quetta", "Rashid", "Multan", "2015"}
	agency := g.paras(6, names...)
	paper := rephrase(g, agency[3:])
	independent := g.paras(3, names...)
	brief := rephrase(g, agency[4:5]) // three of the story's eighteen sentences
	cfg := dedup.DefaultConfig()
	at, pt := strings.Join(agency, "\n\n"), strings.Join(paper, "\n\n")
	// The premise: below the rewrite rule, and below the alignment rule
	// on what the clusterer keeps; the clusterer alone leaves the two apart (the
	// stage off, below).
	fa, fp := shingle.Of(at, cfg.Shingle, cfg.Sample), shingle.Of(pt, cfg.Shingle, cfg.Sample)
	if share := dedup.ContainedIn(fp, fa); share >= cfg.Rewrite {
		t.Fatalf("premise: the paper's share of word 3-grams in the agency text is %.2f, want below %.2f", share, cfg.Rewrite)
	}
	if a := dedup.AlignedShare(pt, at); a >= cfg.Align {
		t.Fatalf("premise: the paper's aligned share on the sketches is %.2f, want below %.2f", a, cfg.Align)
	}
	const day = 24
	off := cfg
	off.Verify = 0
	tests := []struct {
		name          string
		cfg           dedup.Config
		agency, other *article.Article
		before        bool // the paper comes first in the input
		same          bool
	}{
		{"rewrite the next day", cfg, art("agency", "app.example", 0, agency...), art("paper", "dawn.example", day, paper...), false, true},
		{"rewrite first in the input", cfg, art("agency", "app.example", 0, agency...), art("paper", "dawn.example", day, paper...), true, true},
		{"rewrite the same day, first in the input", cfg, art("agency", "app.example", 0, agency...), art("paper", "dawn.example", 0, paper...), true, true},
		{"a week later", cfg, art("agency", "app.example", 0, agency...), art("paper", "dawn.example", 7*day, paper...), false, true},
		{"the stage off", off, art("agency", "app.example", 0, agency...), art("paper", "dawn.example", day, paper...), false, false},
		{"eight days later", cfg, art("agency", "app.example", 0, agency...), art("paper", "dawn.example", 8*day, paper...), false, false},
		{"the same site", cfg, art("agency", "app.example", 0, agency...), art("paper", "app.example", day, paper...), false, false},
		{"no dates", cfg, art("agency", "app.example", -1, agency...), art("paper", "dawn.example", -1, paper...), false, false},
		{"a brief on a sixth of the story", cfg, art("agency", "app.example", 0, agency...), art("paper", "dawn.example", day, brief...), false, false},
		{"independent report of the event", cfg, art("agency", "app.example", 0, agency...), art("paper", "dawn.example", day, independent...), false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			order := []*article.Article{tc.agency, tc.other}
			if tc.before {
				order = []*article.Article{tc.other, tc.agency}
			}
			in := jsonl(order...)
			tmp := t.TempDir()
			t.Setenv("TMPDIR", tmp)
			file := tmp + "/in.jsonl"
			if err := os.WriteFile(file, in, 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			for _, src := range []struct {
				name string
				r    io.Reader
			}{
				{"file", f},
				{"buffer", bytes.NewReader(in)},
				{"pipe", io.MultiReader(bytes.NewReader(in))}, // cannot be read again: spooled
			} {
				got := runAll(t, src.r, tc.cfg)
				x, y := got["agency"], got["paper"]
				if same := x.Cluster == y.Cluster; same != tc.same {
					t.Errorf("%s: agency in %s, paper in %s: same cluster %v, want %v", src.name, x.Cluster, y.Cluster, same, tc.same)
				}
				if tc.same && (y.Original != "agency" || y.Role != article.RoleCopy || x.Role != article.RoleOriginal) {
					t.Errorf("%s: paper is %s of %s, agency %s: want a copy of agency", src.name, y.Role, y.Original, x.Role)
				}
			}
			if left, _ := os.ReadDir(tmp); len(left) != 1 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
}

// TestVerifyJoinsCluster: the agency story already has a verbatim copy;
// the rewrite the clusterer leaves unique joins that cluster, as a copy of
// the agency text.
func TestVerifyJoinsCluster(t *testing.T) {
	g := newTextGen(7)
	names := []string{"Quetta", "Rashid", "Multan", "2015"}
	agency := g.paras(6, names...)
	paper := rephrase(g, agency[3:])
	in := jsonl(art("agency", "app.example", 0, agency...), art("reprint", "jang.example", 2, agency...),
		art("paper", "dawn.example", 24, paper...))
	got := runAll(t, bytes.NewReader(in), dedup.DefaultConfig())
	a, r, p := got["agency"], got["reprint"], got["paper"]
	if a.Cluster != r.Cluster || p.Cluster != a.Cluster || p.Original != "agency" || r.Original != "agency" {
		t.Errorf("agency %s (%s), reprint %s of %s, paper %s of %s: want one cluster, the agency text original",
			a.Cluster, a.Role, r.Cluster, r.Original, p.Cluster, p.Original)
	}
}

// unreadable is an input that can be read once, in order, but not again
// at an offset (as a file truncated while dedup runs).
type unreadable struct{ *bytes.Reader }

func (unreadable) ReadAt([]byte, int64) (int, error) { return 0, os.ErrClosed }

// TestVerifyUnreadable: when the texts cannot be read again, the stage
// leaves the clustering as it was, counts the articles it could not
// verify and keeps the first error; Run does not fail.
func TestVerifyUnreadable(t *testing.T) {
	g := newTextGen(7)
	names := []string{"Quetta", "Rashid", "Multan", "2015"}
	agency := g.paras(6, names...)
	in := jsonl(art("agency", "app.example", 0, agency...), art("paper", "dawn.example", 24, rephrase(g, agency[3:])...))
	var out bytes.Buffer
	st, err := dedup.Run(context.Background(), unreadable{bytes.NewReader(in)}, &out, dedup.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if st.Unread != 2 || st.UnreadErr == nil || !strings.Contains(st.UnreadErr.Error(), "agency") {
		t.Errorf("unread %d (%v), want 2 with the first article's error", st.Unread, st.UnreadErr)
	}
	if st.Copies != 0 {
		t.Errorf("%d copies, want none (nothing verified)", st.Copies)
	}
}
