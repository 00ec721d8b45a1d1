package dedup_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/dedup/synth"
)

// TestReAddUnchangedChangesNothing adds a generated set, then adds every
// article again (as a second import of the same file, a restart's replay
// or a recrawl does): nothing may change, and each Add reports only the
// article itself. A new fetch time is not a change; a new text is.
func TestReAddUnchangedChangesNothing(t *testing.T) {
	for _, opt := range []synth.Options{{Stories: 300}, {Stories: 300, NoSite: true}} {
		arts := synth.Generate(opt, 4242)
		ix := dedup.NewClusterer(dedup.DefaultConfig())
		for _, a := range arts {
			ix.Add(a)
		}
		before := currentAssignments(t, ix, arts)
		for pass, refetch := range []time.Duration{0, 24 * time.Hour} {
			for _, a := range arts {
				b := *a
				if !b.Fetched.IsZero() {
					b.Fetched = b.Fetched.Add(refetch)
				}
				if out := ix.Add(&b); len(out) != 1 || out[0].ID != a.ID {
					t.Fatalf("NoSite %v, pass %d: re-adding unchanged %s reported %+v, want only itself", opt.NoSite, pass, a.ID, out)
				}
			}
			for i, got := range currentAssignments(t, ix, arts) {
				if want := before[i]; got.Cluster != want.Cluster || got.Role != want.Role || got.Original != want.Original || got.Similarity != want.Similarity {
					t.Fatalf("NoSite %v, pass %d: %s changed from %+v to %+v", opt.NoSite, pass, got.ID, want, got)
				}
			}
		}
		// A changed text is a change: the article is re-decided.
		var copyOf *article.Article
		for _, a := range arts {
			if as, _ := ix.Assignment(a.ID); as.Role == article.RoleCopy {
				copyOf = a
				break
			}
		}
		changed := *copyOf
		changed.Text = strings.Repeat("an unrelated notice about opening hours ", 40)
		if out := ix.Add(&changed); out[0].Role != article.RoleUnique {
			t.Errorf("NoSite %v: %s re-added with new text: %+v, want unique", opt.NoSite, changed.ID, out[0])
		}
	}
}

func currentAssignments(t *testing.T, ix *dedup.Clusterer, arts []*article.Article) []article.Assignment {
	t.Helper()
	out := make([]article.Assignment, len(arts))
	for i, a := range arts {
		as, ok := ix.Assignment(a.ID)
		if !ok {
			t.Fatalf("no assignment for %s", a.ID)
		}
		out[i] = as
	}
	return out
}

// TestRunRepeatedLines gives Run a file holding every line twice (a file
// concatenated with itself): the assignments are those of the file once.
func TestRunRepeatedLines(t *testing.T) {
	arts := synth.Generate(synth.Options{Stories: 200}, 77)
	var once bytes.Buffer
	enc := json.NewEncoder(&once)
	for _, a := range arts {
		if err := enc.Encode(a); err != nil {
			t.Fatal(err)
		}
	}
	run := func(in []byte) map[string]article.Assignment {
		var out bytes.Buffer
		if _, err := dedup.Run(context.Background(), bytes.NewReader(in), &out, dedup.DefaultConfig()); err != nil {
			t.Fatal(err)
		}
		got := map[string]article.Assignment{}
		for dec := json.NewDecoder(&out); dec.More(); {
			var x article.Assignment
			if err := dec.Decode(&x); err != nil {
				t.Fatal(err)
			}
			if prev, ok := got[x.ID]; ok && prev.Cluster != x.Cluster {
				t.Fatalf("%s has two assignments: %+v and %+v", x.ID, prev, x)
			}
			got[x.ID] = x
		}
		return got
	}
	want := run(once.Bytes())
	got := run(append(bytes.Clone(once.Bytes()), once.Bytes()...))
	for id, w := range want {
		if g := got[id]; g.Cluster != w.Cluster || g.Role != w.Role || g.Original != w.Original {
			t.Errorf("%s: %+v with every line twice, %+v once", id, g, w)
		}
	}
}
