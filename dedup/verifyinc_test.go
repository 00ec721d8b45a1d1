package dedup_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
)

// storedTexts stands in for an archive's store: the texts of the articles
// added, by id, as the stage reads them back.
type storedTexts map[string]string

func (s storedTexts) add(ix *dedup.Clusterer, a *article.Article) []article.Assignment {
	s[a.ID] = a.Text
	return ix.Add(a)
}

func (s storedTexts) text(id string) (string, error) {
	t, ok := s[id]
	if !ok {
		return "", errors.New("not stored")
	}
	return t, nil
}

// TestVerifyIncremental: the verifying stage on the incremental path
// (Clusterer.Add with SetTexts, as an archive adds articles). The paper's
// rewrite of the second half of the agency story (TestVerifyWhole) joins
// the agency story's cluster with the agency text as original, whichever
// of the two arrives first (arrival is not publication order), and stays
// apart when the stage is off, eight days later, on the same site, as an
// independent report, as a brief, or when the texts cannot be read back.
func TestVerifyIncremental(t *testing.T) {
	g := newTextGen(7)
	names := []string{"Quetta", "Rashid", "Multan", "2015"}
	agency := g.paras(6, names...)
	paper := rephrase(g, agency[3:])
	independent := g.paras(3, names...)
	brief := rephrase(g, agency[4:5])
	cfg := dedup.DefaultConfig()
	off := cfg
	off.Verify = -1
	const day = 24
	tests := []struct {
		name          string
		cfg           dedup.Config
		agency, other *article.Article
		otherFirst    bool
		unreadable    bool
		same          bool
	}{
		{"rewrite the next day", cfg, art("agency", "app.example", 0, agency...), art("paper", "dawn.example", day, paper...), false, false, true},
		{"rewrite arriving first", cfg, art("agency", "app.example", 0, agency...), art("paper", "dawn.example", day, paper...), true, false, true},
		{"the same day, rewrite arriving first", cfg, art("agency", "app.example", 0, agency...), art("paper", "dawn.example", 0, paper...), true, false, true},
		{"a week later", cfg, art("agency", "app.example", 0, agency...), art("paper", "dawn.example", 7*day, paper...), false, false, true},
		{"the stage off", off, art("agency", "app.example", 0, agency...), art("paper", "dawn.example", day, paper...), false, false, false},
		{"eight days later", cfg, art("agency", "app.example", 0, agency...), art("paper", "dawn.example", 8*day, paper...), false, false, false},
		{"eight days earlier, arriving first", cfg, art("agency", "app.example", 8*day, agency...), art("paper", "dawn.example", 0, paper...), true, false, false},
		{"the same site", cfg, art("agency", "app.example", 0, agency...), art("paper", "app.example", day, paper...), false, false, false},
		{"a brief on a sixth of the story", cfg, art("agency", "app.example", 0, agency...), art("paper", "dawn.example", day, brief...), false, false, false},
		{"independent report of the event", cfg, art("agency", "app.example", 0, agency...), art("paper", "dawn.example", day, independent...), false, false, false},
		{"texts not readable", cfg, art("agency", "app.example", 0, agency...), art("paper", "dawn.example", day, paper...), false, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ix := dedup.NewClusterer(tc.cfg)
			st := storedTexts{}
			ix.SetTexts(st.text)
			if tc.unreadable {
				ix.SetTexts(func(string) (string, error) { return "", errors.New("disk error") })
			}
			order := []*article.Article{tc.agency, tc.other}
			if tc.otherFirst {
				order = []*article.Article{tc.other, tc.agency}
			}
			st.add(ix, order[0])
			out := st.add(ix, order[1])
			x, _ := ix.Assignment("agency")
			y, _ := ix.Assignment("paper")
			if got := x.Cluster == y.Cluster; got != tc.same {
				t.Fatalf("together %v, want %v (agency %+v, paper %+v)", got, tc.same, x, y)
			}
			if !tc.same {
				return
			}
			if y.Role != article.RoleCopy || y.Original != "agency" || x.Role != article.RoleOriginal {
				t.Errorf("agency %s/%s, paper %s/%s: want the agency text the original", x.Role, x.Original, y.Role, y.Original)
			}
			// Add reports the change of both articles.
			reported := map[string]article.Assignment{}
			for _, as := range out {
				reported[as.ID] = as
			}
			if reported["agency"].Cluster != x.Cluster || reported["paper"].Cluster != y.Cluster {
				t.Errorf("Add reported %+v, want both articles in cluster %s", out, x.Cluster)
			}
		})
	}
}

// TestVerifyIncrementalHolds: a member the stage joined stays in its
// cluster when the cluster is decided again (a verbatim copy of the
// agency story joins it, which settles the cluster: the sketch it reads
// shows no rewrite), re-adding every article unchanged changes nothing,
// and the stage's state (word counts, the postings of rare words) is in
// the checkpoint: a clusterer restored from one written before the paper
// arrived still finds the paper's source.
func TestVerifyIncrementalHolds(t *testing.T) {
	g := newTextGen(7)
	names := []string{"Quetta", "Rashid", "Multan", "2015"}
	agency := g.paras(6, names...)
	paper := rephrase(g, agency[3:])
	cfg := dedup.DefaultConfig()
	a := art("agency", "app.example", 0, agency...)
	p := art("paper", "dawn.example", 24, paper...)
	reprint := art("reprint", "nation.example", 30, agency...)

	st := storedTexts{}
	ix := dedup.NewClusterer(cfg)
	ix.SetTexts(st.text)
	st.add(ix, a)
	var ckpt bytes.Buffer
	if _, err := ix.WriteTo(&ckpt); err != nil {
		t.Fatal(err)
	}
	st.add(ix, p)
	st.add(ix, reprint)
	want := map[string]article.Assignment{}
	for _, id := range []string{"agency", "paper", "reprint"} {
		want[id], _ = ix.Assignment(id)
	}
	if want["paper"].Cluster != want["agency"].Cluster || want["reprint"].Cluster != want["agency"].Cluster {
		t.Fatalf("after the reprint joined: %+v, want all three together", want)
	}
	if want["paper"].Original != "agency" || want["reprint"].Original != "agency" {
		t.Fatalf("originals %q, %q, want agency", want["paper"].Original, want["reprint"].Original)
	}
	for _, x := range []*article.Article{a, p, reprint} {
		c := *x
		out := ix.Add(&c)
		if len(out) != 1 || !sameAs(out[0], want[x.ID]) {
			t.Errorf("re-adding %s unchanged reported %+v, want only %+v", x.ID, out, want[x.ID])
		}
	}

	// Restored from the checkpoint written after the agency story alone,
	// the paper and the reprint replayed: the same clusters.
	re, err := dedup.ReadClusterer(bytes.NewReader(ckpt.Bytes()), cfg)
	if err != nil {
		t.Fatal(err)
	}
	re.SetTexts(st.text)
	re.Add(p)
	re.Add(reprint)
	for id, w := range want {
		if got, _ := re.Assignment(id); !sameAs(got, w) {
			t.Errorf("restored and replayed, %s is %+v, want %+v", id, got, w)
		}
	}
}

func sameAs(a, b article.Assignment) bool {
	return a.Cluster == b.Cluster && a.Role == b.Role && a.Original == b.Original &&
		strings.Join(a.Evidence, ",") == strings.Join(b.Evidence, ",")
}
