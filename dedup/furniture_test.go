package dedup_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
)

// furniturePages returns one template page ("our mission") on n sites of a
// network, the site's name filled in, undated, at the same plain address
// on each site; change adjusts each page.
func furniturePages(g *textGen, n int, short bool, change func(i int, a *article.Article)) []*article.Article {
	paras := g.paras(3)
	if short {
		paras = []string{g.sentence() + " " + g.sentence()}
	}
	var out []*article.Article
	for i := range n {
		site := fmt.Sprintf("outlet%02d.example", i)
		var ps []string
		for j, p := range paras {
			if j%2 == 0 {
				p = "At " + site + ", " + p
			}
			ps = append(ps, p)
		}
		a := &article.Article{ID: fmt.Sprintf("mission-%02d", i), URL: "https://" + site + "/our-mission-statement",
			Site: site, Title: "Our mission", Text: strings.Join(ps, "\n\n"),
			Fetched: time.Date(2024, 3, 1, 10, i, 0, 0, time.UTC)}
		if change != nil {
			change(i, a)
		}
		out = append(out, a)
	}
	return out
}

// TestFurnitureAcrossANetwork: one template page on every site of a
// network is furniture (each page unique, evidence furniture), while the
// same text that has what a story has (a date, an author, a story's
// address, a credit, fewer sites, copies cut short) stays a cluster. Both the incremental clusterer and the offline runner decide so.
func TestFurnitureAcrossANetwork(t *testing.T) {
	g := newTextGen(11)
	story := g.paras(6) // the rest of a story the cut pages carry
	day := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name      string
		sites     int
		short     bool
		change    func(i int, a *article.Article)
		furniture bool
	}{
		{"template page on 8 sites", 8, false, nil, true},
		{"two-sentence template page on 8 sites", 8, true, nil, true},
		{"on 5 sites: too few for a network", 5, false, nil, false},
		{"dated: a story", 8, false, func(i int, a *article.Article) { a.Published = day.Add(time.Duration(i) * time.Hour) }, false},
		{"one page dated", 8, false, func(i int, a *article.Article) {
			if i == 3 {
				a.Published = day
			}
		}, false},
		{"signed: a story", 8, false, func(i int, a *article.Article) { a.Author = "Dana Reyes" }, false},
		{"signed by the outlet itself", 8, false, func(i int, a *article.Article) {
			a.SiteName = fmt.Sprintf("Outlet %d News", i)
			a.Author = a.SiteName
			if i%2 == 1 {
				a.Author = strings.TrimSuffix(a.Site, ".example") // the site's own label
			}
		}, true},
		{"story addresses", 8, false, func(i int, a *article.Article) { a.URL = strings.Replace(a.URL, "/our-", "/2024/03/our-", 1) }, false},
		{"long slug", 8, false, func(i int, a *article.Article) {
			a.URL = strings.Replace(a.URL, "our-mission-statement", "council-votes-to-close-the-old-harbour-bridge", 1)
		}, false},
		{"credits the first site", 8, false, func(i int, a *article.Article) {
			if i > 0 {
				a.Source = "outlet00.example"
			}
		}, false},
		{"cut short at different lengths", 8, false, func(i int, a *article.Article) {
			ps := append(strings.Split(a.Text, "\n\n"), story...)
			if i > 0 {
				ps = ps[:4+i%4]
			}
			a.Text = strings.Join(ps, "\n\n")
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			arts := furniturePages(g, tc.sites, tc.short, tc.change)
			ix := dedup.NewClusterer(dedup.DefaultConfig())
			for _, a := range arts {
				ix.Add(a)
			}
			check := func(how string, as map[string]article.Assignment) {
				t.Helper()
				clusters := map[string]bool{}
				for _, a := range arts {
					x := as[a.ID]
					clusters[x.Cluster] = true
					isF := slices.Contains(x.Evidence, article.EvidenceFurniture)
					if isF != tc.furniture {
						t.Errorf("%s: %s: %+v, furniture %v", how, a.ID, x, tc.furniture)
					}
					if isF && (x.Role != article.RoleUnique || x.Cluster != a.ID || x.Original != a.ID) {
						t.Errorf("%s: furniture page %s reported as %+v, want unique", how, a.ID, x)
					}
				}
				if want := map[bool]int{true: len(arts), false: 1}[tc.furniture]; len(clusters) != want {
					t.Errorf("%s: %d clusters, want %d", how, len(clusters), want)
				}
			}
			inc := map[string]article.Assignment{}
			for _, a := range arts {
				inc[a.ID], _ = ix.Assignment(a.ID)
			}
			check("Add", inc)

			var in, out bytes.Buffer
			for _, a := range arts {
				json.NewEncoder(&in).Encode(a)
			}
			if _, err := dedup.Run(context.Background(), &in, &out, dedup.DefaultConfig()); err != nil {
				t.Fatal(err)
			}
			off := map[string]article.Assignment{}
			for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
				var x article.Assignment
				if err := json.Unmarshal([]byte(l), &x); err != nil {
					t.Fatal(err)
				}
				off[x.ID] = x
			}
			check("Run", off)

			// A checkpoint keeps the decision.
			var ck bytes.Buffer
			if _, err := ix.WriteTo(&ck); err != nil {
				t.Fatal(err)
			}
			back, err := dedup.ReadClusterer(&ck, dedup.DefaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			re := map[string]article.Assignment{}
			for _, a := range arts {
				re[a.ID], _ = back.Assignment(a.ID)
			}
			check("checkpoint", re)
			if tc.furniture {
				if m := back.Members(arts[1].ID); len(m) != 1 {
					t.Errorf("Members(%s) of a furniture page = %v", arts[1].ID, m)
				}
			}
		})
	}
}

// TestFurnitureDecidedAsSitesArrive: the template page is a cluster while
// five sites carry it; the sixth makes it furniture, and Add reports
// every page whose assignment changed.
func TestFurnitureDecidedAsSitesArrive(t *testing.T) {
	arts := furniturePages(newTextGen(12), 7, false, nil)
	ix := dedup.NewClusterer(dedup.DefaultConfig())
	for _, a := range arts[:5] {
		ix.Add(a)
	}
	if x, _ := ix.Assignment(arts[4].ID); x.Role != article.RoleCopy {
		t.Fatalf("five sites: %+v, want a copy", x)
	}
	changed := ix.Add(arts[5])
	if len(changed) != 6 {
		t.Errorf("the sixth site: %d assignments reported, want 6: %+v", len(changed), changed)
	}
	for _, x := range changed {
		if x.Role != article.RoleUnique || !slices.Contains(x.Evidence, article.EvidenceFurniture) {
			t.Errorf("after the sixth site: %+v", x)
		}
	}
	if changed := ix.Add(arts[6]); len(changed) != 1 || changed[0].Role != article.RoleUnique {
		t.Errorf("the seventh site: %+v", changed)
	}
}
