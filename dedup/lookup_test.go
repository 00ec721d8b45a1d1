package dedup_test

import (
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/dedup/evaluate"
	"github.com/syndex/syndex/dedup/synth"
)

func TestLookupRanksTrueOriginalFirst(t *testing.T) {
	arts := synth.Generate(synth.Options{Stories: 300}, 3)
	res := evaluate.Lookup(arts, dedup.DefaultConfig(), evaluate.LookupOptions{Seed: 1})
	if res.Queries < 50 {
		t.Fatalf("only %d queries held out", res.Queries)
	}
	t.Logf("%+v", res)
	if res.Top1 < 0.98 {
		t.Errorf("true original first in %.3f of %d lookups, want ≥ 0.98; misses %v", res.Top1, res.Queries, res.Misses)
	}
}

func TestLookupChangesNothing(t *testing.T) {
	arts := synth.Generate(synth.Options{Stories: 80}, 5)
	ix := dedup.NewClusterer(dedup.DefaultConfig())
	for _, a := range arts {
		ix.Add(a)
	}
	snapshot := func() []dedup.ClusterMatch {
		var out []dedup.ClusterMatch
		for _, a := range arts {
			out = append(out, ix.Lookup(dedup.Probe{Text: a.Text}, 0)...)
		}
		return out
	}
	before := snapshot()
	var assigned []article.Assignment
	for _, a := range arts {
		as, _ := ix.Assignment(a.ID)
		assigned = append(assigned, as)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < len(arts); i += 4 {
				ix.Lookup(dedup.Probe{Text: arts[i].Text, Site: arts[i].Site, Exclude: arts[i].ID}, 5)
			}
		}()
	}
	wg.Wait()
	if !reflect.DeepEqual(before, snapshot()) {
		t.Error("Lookup results changed between two passes")
	}
	for i, a := range arts {
		if as, _ := ix.Assignment(a.ID); !reflect.DeepEqual(as, assigned[i]) {
			t.Errorf("%s: assignment %+v changed to %+v", a.ID, assigned[i], as)
		}
	}
}

func TestLookup(t *testing.T) {
	body := strings.Repeat("The harbour authority voted on Tuesday to close the northern pier for repairs after inspectors found cracks in three pylons. ", 1) +
		"Engineers said the work would take eleven weeks and cost about four million. Fishermen who use the pier asked for a temporary landing on the south side. " +
		"The mayor promised a decision by Friday and said the ferry timetable would not change. Residents near the pier complained about noise from the night shifts."
	other := "A cycling club opened a new clubhouse near the old railway station with a cafe, showers and a workshop for members who repair their own bikes on weekends."
	ix := dedup.NewClusterer(dedup.DefaultConfig())
	day := time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)
	ix.Add(&article.Article{ID: "orig", Site: "ledger.example", Text: body, Published: day})
	ix.Add(&article.Article{ID: "copy", Site: "copier.example", Text: "Republished with permission.\n\n" + body, Published: day.Add(time.Hour)})
	ix.Add(&article.Article{ID: "other", Site: "ledger.example", Text: other})
	for _, tc := range []struct {
		name     string
		probe    dedup.Probe
		wantOrig string // "" for no match
		wantCopy bool
	}{
		{"wrapped copy", dedup.Probe{Text: "Shared by our partners.\n\n" + body + "\n\nDonate today."}, "orig", true},
		{"first half", dedup.Probe{Text: body[:len(body)/2]}, "orig", true},
		{"unrelated", dedup.Probe{Text: "Completely different words about gardening tomatoes in clay pots on a sunny balcony every summer."}, "", false},
		{"the original itself, excluded, is not its own copy", dedup.Probe{Text: body, Exclude: "orig"}, "orig", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ms := ix.Lookup(tc.probe, 0)
			if tc.wantOrig == "" {
				if len(ms) > 0 {
					t.Fatalf("got %+v, want no match", ms)
				}
				return
			}
			if len(ms) == 0 {
				t.Fatal("no match")
			}
			if ms[0].Original != tc.wantOrig || ms[0].Cluster != "orig" {
				t.Errorf("first match %+v, want cluster orig with original %s", ms[0], tc.wantOrig)
			}
			if ms[0].Copy != tc.wantCopy {
				t.Errorf("copy verdict %v, want %v (%+v)", ms[0].Copy, tc.wantCopy, ms[0])
			}
			if ms[0].Members != 2 {
				t.Errorf("members %d, want 2", ms[0].Members)
			}
		})
	}
}
