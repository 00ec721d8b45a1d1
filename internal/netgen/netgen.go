// Package netgen generates large syndication networks as clustered
// Articles (roles, originals, copies, dates, shares already decided), so
// the report, the network picture and the web UI can be checked at the
// scale of a real monitoring project without crawling one. It is for
// tests and benchmarks only.
package netgen

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/syndex/syndex/article"
)

// Options shape a network.
type Options struct {
	Sites   int    // sites in all (default 200)
	Origins int    // of which publish originals (default Sites/5)
	Copies  int    // copies in all (default 5000)
	Seed    uint64 // the same seed gives the same network
}

// Generate returns the articles of a network: stories from origin sites
// (a few busy, most quiet: Zipf-like), each copied by republishers that
// also follow a Zipf-like activity, some copies taken from other copies
// (via), a few stories never copied. Copies are dated 1 h–5 days after
// their original, over a year.
func Generate(opt Options) []*article.Article {
	if opt.Sites <= 0 {
		opt.Sites = 200
	}
	if opt.Origins <= 0 {
		opt.Origins = max(1, opt.Sites/5)
	}
	if opt.Copies <= 0 {
		opt.Copies = 5000
	}
	r := rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e7))
	site := func(i int) string {
		if i < opt.Origins {
			return fmt.Sprintf("origin%03d.example", i)
		}
		return fmt.Sprintf("outlet%03d.example", i)
	}
	zipf := func(n int) int { // 0 is the busiest
		x := r.Float64()
		return min(n-1, int(x*x*x*float64(n)))
	}
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var out []*article.Article
	copies := 0
	for s := 0; copies < opt.Copies; s++ {
		o := zipf(opt.Origins)
		id := fmt.Sprintf("st%05d", s)
		pub := t0.Add(time.Duration(r.IntN(365*24)) * time.Hour)
		orig := &article.Article{ID: id, URL: "https://" + site(o) + "/news/" + id, Site: site(o),
			Title: fmt.Sprintf("Story %d from %s", s, site(o)), Text: fmt.Sprintf("Text of story %d.", s),
			Published: pub, Fetched: pub.Add(time.Hour), Lang: "en",
			Cluster: id, Original: id, Role: article.RoleOriginal, Similarity: 1, Evidence: []string{article.EvidenceEarliest}}
		out = append(out, orig)
		n := r.IntN(6)
		if n == 0 {
			orig.Role, orig.Evidence = article.RoleUnique, nil
			continue
		}
		used := map[int]bool{o: true}
		var made []*article.Article
		for k := 0; k < n && copies < opt.Copies; k++ {
			c := zipf(opt.Sites)
			if used[c] {
				continue
			}
			used[c] = true
			cid := fmt.Sprintf("%s-c%d", id, k)
			cp := &article.Article{ID: cid, URL: "https://" + site(c) + "/a/" + cid, Site: site(c),
				Title: orig.Title, Text: orig.Text, Published: pub.Add(time.Duration(1+r.IntN(120)) * time.Hour),
				Lang: "en", Cluster: id, Original: id, Role: article.RoleCopy,
				Similarity: 0.8 + r.Float64()/5, OriginalShare: 0.6 + 0.4*r.Float64(), CopyShare: 0.7 + 0.3*r.Float64()}
			cp.Fetched = cp.Published.Add(time.Hour)
			if len(made) > 0 && r.IntN(8) == 0 {
				cp.Via = made[r.IntN(len(made))].ID
			}
			made = append(made, cp)
			out = append(out, cp)
			copies++
		}
		if len(made) == 0 {
			orig.Role, orig.Evidence = article.RoleUnique, nil
		}
	}
	return out
}
