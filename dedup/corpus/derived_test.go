package corpus

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/dedup/shingle"
)

// TestCounterDerived is a diagnostic: for every COUNTER pair (WD, PD and
// ND), how much of the newspaper text comes from the agency text and how
// much of the agency text the newspaper carries, exactly (every word
// 3-gram, every word, sentences aligned) and as dedup reports them
// (copy_share, original_share of the copy), and which non-derived pairs
// `syndex dedup` merged, by the first of these configurations that
// merges them: rewrite, alignment and verifying rules off ("index": the
// containment rule alone, without the embedded-story check, which reads
// the rewrite share), the rewrite rule on, the alignment rule on, all on
// ("verify"). SYNDEX_COUNTER_ROWS=1 also lists every merged pair. Run
// it with
//
//	SYNDEX_COUNTER_CEILING=1 go test ./dedup/corpus -run CounterDerived -v
func TestCounterDerived(t *testing.T) {
	diagnostic(t)
	ctx := context.Background()
	set := loadOrSkip(t, "counter-urdu")
	ps, _, _ := counterPairs(t)
	grams := map[string][]uint32{}
	for _, a := range set.Articles {
		grams[a.ID] = shingle.Of(a.Text, 3, 1)
	}
	idOf := func(d CounterDoc, outlet string) string {
		outlet = strings.ToLower(outlet)
		g := shingle.Of(d.Body, 3, 1)
		for _, a := range set.Articles {
			if a.Site == outlet && (a.Text == d.Body || sameText(g, grams[a.ID])) {
				return a.ID
			}
		}
		return ""
	}
	in := jsonLines(t, set)
	run := func(verify, align, rewrite float64) map[string]article.Assignment {
		cfg := dedup.DefaultConfig()
		cfg.Verify, cfg.Align, cfg.Rewrite = verify, align, rewrite
		var out bytes.Buffer
		if _, err := dedup.Run(ctx, bytes.NewReader(in.Bytes()), &out, cfg); err != nil {
			t.Fatal(err)
		}
		m := map[string]article.Assignment{}
		for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
			var as article.Assignment
			if err := json.Unmarshal([]byte(line), &as); err != nil {
				t.Fatal(err)
			}
			m[as.ID] = as
		}
		return m
	}
	def := dedup.DefaultConfig()
	full := run(def.Verify, def.Align, def.Rewrite)
	noVerify := run(0, def.Align, def.Rewrite)
	noAlign := run(0, 0, def.Rewrite)
	none := run(0, 0, 0)
	stage := func(a, b string) string {
		switch {
		case none[a].Cluster == none[b].Cluster:
			return "index"
		case noAlign[a].Cluster == noAlign[b].Cluster:
			return "rewrite"
		case noVerify[a].Cluster == noVerify[b].Cluster:
			return "align"
		}
		return "verify"
	}
	type row struct {
		id, label, stage             string
		together                     bool
		c3, o3, c1, o1, ca, oa       float64 // exact: copy (paper from agency) and original shares
		dcopy, dorig, dsim           float64 // dedup's, when the paper is a copy of the agency text
		run, words, swords, paperSrc int
		members                      []string
	}
	siteOf := map[string]string{}
	for _, a := range set.Articles {
		siteOf[a.ID] = a.Site
	}
	var rows []row
	for _, p := range ps {
		r := row{id: p.ID, label: p.Label}
		s, d := p.Source.Body, p.Derived.Body
		s3, d3 := shingle.Of(s, 3, 1), shingle.Of(d, 3, 1)
		s1, d1 := shingle.Of(s, 1, 1), shingle.Of(d, 1, 1)
		r.c3, r.o3 = dedup.ContainedIn(d3, s3), dedup.ContainedIn(s3, d3)
		r.c1, r.o1 = dedup.ContainedIn(d1, s1), dedup.ContainedIn(s1, d1)
		r.ca, r.oa = alignedShare(d, s), alignedShare(s, d)
		r.run = longestRun(s, d)
		r.words, r.swords = len(strings.Fields(d)), len(strings.Fields(s))
		if p.Label != "PD" {
			si, di := idOf(p.Source, p.SourceAgency), idOf(p.Derived, p.DerivedNewspaper)
			if si == "" || di == "" {
				t.Fatalf("pair %s: documents not found in the set", p.ID)
			}
			as, ad := full[si], full[di]
			r.together = as.Cluster == ad.Cluster
			if r.together {
				r.stage = stage(si, di)
				for id, x := range full {
					if x.Cluster == as.Cluster {
						r.members = append(r.members, id)
					}
				}
				r.dsim = ad.Similarity
				if ad.Role == article.RoleCopy {
					r.dcopy, r.dorig = ad.CopyShare, ad.OriginalShare
				} else if as.Role == article.RoleCopy {
					r.dcopy, r.dorig = -as.CopyShare, -as.OriginalShare // the agency text taken for the copy
				}
			}
		}
		rows = append(rows, r)
	}
	line := func(r row) string {
		return fmt.Sprintf("%s %s %-7s words %3d→%3d run %3d | exact paper-from-agency 3g %.2f 1g %.2f aligned %.2f | agency-in-paper 3g %.2f 1g %.2f aligned %.2f | dedup copy_share %+.2f original_share %+.2f sim %.2f",
			r.id, r.label, r.stage, r.swords, r.words, r.run, r.c3, r.c1, r.ca, r.o3, r.o1, r.oa, r.dcopy, r.dorig, r.dsim)
	}
	t.Log("non-derived pairs merged:")
	for _, r := range rows {
		if r.label == "ND" && r.together {
			t.Log(line(r))
			for _, id := range r.members {
				t.Logf("    member %s %s %s orig %s share %.2f/%.2f", id, full[id].Role, siteOf[id], full[id].Original, full[id].CopyShare, full[id].OriginalShare)
			}
		}
	}
	quant := func(label string, together int, f func(row) float64) string {
		var xs []float64
		for _, r := range rows {
			if r.label == label && (together < 0 || (together == 1) == r.together) {
				xs = append(xs, f(r))
			}
		}
		if len(xs) == 0 {
			return "-"
		}
		slices.Sort(xs)
		q := func(p float64) float64 { return xs[int(p*float64(len(xs)-1))] }
		return fmt.Sprintf("n %3d min %.2f p05 %.2f p10 %.2f p25 %.2f med %.2f p75 %.2f p90 %.2f max %.2f", len(xs), xs[0], q(0.05), q(0.1), q(0.25), q(0.5), q(0.75), q(0.9), xs[len(xs)-1])
	}
	for _, m := range []struct {
		name string
		f    func(row) float64
	}{
		{"paper-from-agency 3-grams", func(r row) float64 { return r.c3 }},
		{"paper-from-agency words", func(r row) float64 { return r.c1 }},
		{"paper-from-agency aligned", func(r row) float64 { return r.ca }},
		{"agency-in-paper 3-grams", func(r row) float64 { return r.o3 }},
		{"agency-in-paper aligned", func(r row) float64 { return r.oa }},
		{"dedup copy_share", func(r row) float64 { return r.dcopy }},
		{"dedup original_share", func(r row) float64 { return r.dorig }},
	} {
		t.Logf("%s:", m.name)
		t.Logf("  WD all      %s", quant("WD", -1, m.f))
		t.Logf("  WD found    %s", quant("WD", 1, m.f))
		t.Logf("  PD all      %s", quant("PD", -1, m.f))
		t.Logf("  ND all      %s", quant("ND", -1, m.f))
		t.Logf("  ND merged   %s", quant("ND", 1, m.f))
	}
	if os.Getenv("SYNDEX_COUNTER_ROWS") != "" {
		for _, r := range rows {
			if r.label != "PD" && r.together {
				t.Log(line(r))
			}
		}
	}
}
