package extract_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/extract"
	"github.com/syndex/syndex/extract/evaluate"
)

// profilePage is one corpus page's title under the generic rules and
// under each profile source.
type profilePage struct {
	site    string
	generic bool
	source  map[extract.TitleSource]bool // source → its title matches the truth
}

// deriveTitleProfiles chooses, for each site, the title source that
// matches the truth on more of the site's pages than the generic rules
// do (the most such pages; ties keep the generic rules).
func deriveTitleProfiles(pages []profilePage) map[string]extract.SiteProfile {
	type tally struct{ generic, social, ld int }
	by := map[string]*tally{}
	for _, p := range pages {
		t := by[p.site]
		if t == nil {
			t = &tally{}
			by[p.site] = t
		}
		if p.generic {
			t.generic++
		}
		if p.source[extract.TitleSocial] {
			t.social++
		}
		if p.source[extract.TitleJSONLD] {
			t.ld++
		}
	}
	out := map[string]extract.SiteProfile{}
	for site, t := range by {
		switch {
		case t.social > t.generic && t.social >= t.ld:
			out[site] = extract.SiteProfile{Title: extract.TitleSocial}
		case t.ld > t.generic && t.ld > t.social:
			out[site] = extract.SiteProfile{Title: extract.TitleJSONLD}
		}
	}
	return out
}

// scoreProfiles counts pages whose title is right with profiles applied.
func scoreProfiles(pages []profilePage, profiles map[string]extract.SiteProfile) int {
	n := 0
	for _, p := range pages {
		ok := p.generic
		if pr, found := extract.ProfileFor(profiles, p.site); found {
			if v, has := p.source[pr.Title]; has {
				ok = v
			}
		}
		if ok {
			n++
		}
	}
	return n
}

func TestDeriveTitleProfiles(t *testing.T) {
	pages := []profilePage{
		{site: "a.com", generic: false, source: map[extract.TitleSource]bool{extract.TitleSocial: true, extract.TitleJSONLD: false}},
		{site: "a.com", generic: true, source: map[extract.TitleSource]bool{extract.TitleSocial: true, extract.TitleJSONLD: true}},
		{site: "b.com", generic: false, source: map[extract.TitleSource]bool{extract.TitleSocial: false, extract.TitleJSONLD: true}},
		{site: "c.com", generic: true, source: map[extract.TitleSource]bool{extract.TitleSocial: true}},
		{site: "d.com", generic: false, source: map[extract.TitleSource]bool{extract.TitleSocial: true, extract.TitleJSONLD: false}},
		{site: "d.com", generic: true, source: map[extract.TitleSource]bool{extract.TitleSocial: false, extract.TitleJSONLD: true}},
	}
	got := deriveTitleProfiles(pages)
	want := map[string]extract.SiteProfile{"a.com": {Title: extract.TitleSocial}, "b.com": {Title: extract.TitleJSONLD}}
	if len(got) != len(want) {
		t.Fatalf("derived %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %v, want %v", k, got[k], v)
		}
	}
	if n := scoreProfiles(pages, got); n != 5 {
		t.Errorf("score with profiles = %d, want 5", n)
	}
	if n := scoreProfiles(pages, nil); n != 3 {
		t.Errorf("score without profiles = %d, want 3", n)
	}
}

// TestTitleProfileSplit is a diagnostic of what a per-site title table
// (SiteProfiles fitted to a corpus's truth) would reach on the corpus named
// by SYNDEX_TITLES: title accuracy without profiles, with profiles derived
// at test time from all pages (an upper bound: fitted to the truth it is
// scored on), and on a split (each site's pages alternately in halves A
// and B; profiles derived on one half, scored on the other). No derived
// table is ever committed: syndex ships no profiles. Run with -v.
func TestTitleProfileSplit(t *testing.T) {
	name := os.Getenv("SYNDEX_TITLES")
	if name == "" {
		t.Skip("diagnostic: set SYNDEX_TITLES=<corpus name>")
	}
	corpus, err := evaluate.LoadPages(filepath.Join(corpusDir, name))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	generic := extract.New(extract.Options{SiteProfiles: map[string]extract.SiteProfile{}})
	var pages []profilePage
	for _, c := range corpus {
		if c.Title == "" {
			continue
		}
		raw, err := evaluate.ReadFile(c.File)
		if err != nil {
			t.Fatal(err)
		}
		site := article.SiteOf(c.URL)
		res, err := generic.Extract(ctx, extract.Input{URL: c.URL, HTML: raw})
		if err != nil {
			continue
		}
		p := profilePage{site: site, generic: evaluate.SameTitle(c.Title, res.Article.Title), source: map[extract.TitleSource]bool{}}
		for _, src := range []extract.TitleSource{extract.TitleSocial, extract.TitleJSONLD} {
			ex := extract.New(extract.Options{SiteProfiles: map[string]extract.SiteProfile{site: {Title: src}}})
			r, err := ex.Extract(ctx, extract.Input{URL: c.URL, HTML: raw})
			if err == nil {
				p.source[src] = evaluate.SameTitle(c.Title, r.Article.Title)
			}
		}
		pages = append(pages, p)
	}
	sort.SliceStable(pages, func(i, j int) bool { return pages[i].site < pages[j].site })
	var a, b []profilePage
	seen := map[string]int{}
	for _, p := range pages {
		if seen[p.site]%2 == 0 {
			a = append(a, p)
		} else {
			b = append(b, p)
		}
		seen[p.site]++
	}
	all := deriveTitleProfiles(pages)
	acc := func(ps []profilePage, pr map[string]extract.SiteProfile) string {
		return fmt.Sprintf("%.3f (%d/%d)", float64(scoreProfiles(ps, pr))/float64(len(ps)), scoreProfiles(ps, pr), len(ps))
	}
	fmt.Printf("all pages: none %s, derived on all %s\n", acc(pages, nil), acc(pages, all))
	fmt.Printf("split A→B: none %s, derived on A %s\n", acc(b, nil), acc(b, deriveTitleProfiles(a)))
	fmt.Printf("split B→A: none %s, derived on B %s\n", acc(a, nil), acc(a, deriveTitleProfiles(b)))
	sites := make([]string, 0, len(all))
	for s := range all {
		sites = append(sites, s)
	}
	slices.Sort(sites)
	for _, s := range sites {
		fmt.Printf("derived %-22s %s\n", s, all[s].Title)
	}
}
