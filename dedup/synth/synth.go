// Package synth generates seeded, labelled syndication sets for evaluating
// package dedup: original stories from a few outlets, copies on
// republishers that wrap them in their own header, attribution, donation
// appeal and disclaimer, truncate them ("read more at"), retitle them, edit
// a few words, drop or reorder paragraphs and add quote, whitespace and
// OCR-like noise, plus hard negatives: independent stories on the same
// event that share names and one quoted paragraph. Every Article carries
// its truth_cluster, and the original carries truth_original.
//
// Two adversarial modes take away what the default set gives for free:
// NoSite keeps only id and text (and the truth labels), as offline corpora
// often do, and Network publishes the copies on many sites that share the
// republishers' templates (header, attribution style, donation appeal,
// disclaimer), as content-laundering networks do, so no passage belongs
// to one site.
//
// The text is made of invented words with a Zipf-like distribution, so the
// set is free of copyrighted material and the same seed always gives the
// same set.
package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/syndex/syndex/article"
)

// Options shapes a generated set; the zero value of a field takes the
// default from Default (a negative HardNegRate means none).
type Options struct {
	Stories      int     // original stories
	Origins      int     // sites that publish originals
	Republishers int     // sites that publish copies
	CopyRate     float64 // mean copies per story
	HardNegRate  float64 // share of stories that get a same-event sibling
	// SiteSeed, when not zero, seeds the site names and boilerplate apart
	// from the stories, so sets generated with different seeds share
	// their sites (as successive crawls of one network do).
	SiteSeed uint64
	// Network, when positive, spreads the copies over a network of that
	// many sites: each copy lands on a site of the network at random, in
	// the template (header, attribution style, donation appeal,
	// disclaimer) of the republisher that made it, so every template is
	// shared by many sites and no site has one template of its own.
	Network int
	// Furniture, with Network, gives every site of the network this many
	// pages besides its stories (at most len(furnitureSlugs)): a mission
	// statement, a tip line, a corrections policy and the like, from one
	// template for the whole network with the site's name filled in,
	// undated, under slugs the URL vocabulary of package extract does not
	// know. Each is its own truth cluster: a page of the network's
	// template is not a syndicated story.
	Furniture int
	// NoSite strips every field but id, text and the truth labels.
	NoSite bool
}

// Default returns the options used by `syndex eval dedup --generate`.
func Default() Options {
	return Options{Stories: 400, Origins: 8, Republishers: 16, CopyRate: 1.6, HardNegRate: 0.25}
}

var function = strings.Fields("the of and to in a is that for on was with he it as at by from his have said be has an were are but not this which they who after had their been will more would its also one than over into when up two about new other")

type gen struct {
	r      *rand.Rand
	vocab  []string
	t0     time.Time
	origin []string
	repub  []repubSite
	// network, when not empty, holds the sites that publish every copy:
	// each copy goes to one of them at random, wrapped in the template of
	// the republisher that made it.
	network []string
}

type repubSite struct {
	name       string
	header     string
	donation   string
	disclaimer string
	truncates  bool
	attributes bool
}

// Generate returns about opt.Stories*(1+opt.CopyRate+opt.HardNegRate)
// labelled Articles in a shuffled order, deterministic in seed.
func Generate(opt Options, seed uint64) []*article.Article {
	opt = opt.withDefaults()
	g := &gen{r: rand.New(rand.NewPCG(seed, seed^0x5eed)), t0: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)}
	g.vocab = make([]string, 6000)
	for i := range g.vocab {
		g.vocab[i] = g.word()
	}
	g.sites(opt)
	var out []*article.Article
	for s := range opt.Stories {
		out = append(out, g.story(s, opt)...)
	}
	g.r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	if len(g.network) > 0 && opt.Furniture > 0 {
		out = g.withFurniture(out, opt.Furniture, seed)
	}
	if opt.NoSite {
		for i, a := range out {
			out[i] = &article.Article{ID: a.ID, Text: a.Text, TruthCluster: a.TruthCluster, TruthOriginal: a.TruthOriginal}
		}
	}
	return out
}

// withDefaults is opt with Default's value in each field left at zero,
// and no hard negatives when HardNegRate is negative.
func (opt Options) withDefaults() Options {
	def := Default()
	if opt.Stories <= 0 {
		opt.Stories = def.Stories
	}
	if opt.Origins <= 0 {
		opt.Origins = def.Origins
	}
	if opt.Republishers <= 0 {
		opt.Republishers = def.Republishers
	}
	if opt.CopyRate <= 0 {
		opt.CopyRate = def.CopyRate
	}
	switch {
	case opt.HardNegRate == 0:
		opt.HardNegRate = def.HardNegRate
	case opt.HardNegRate < 0:
		opt.HardNegRate = 0 // negative: no hard negatives
	}
	return opt
}

// sites invents the origins, the republishers with their templates and
// the network's sites, from SiteSeed's generator when it is set.
func (g *gen) sites(opt Options) {
	story := g.r
	defer func() { g.r = story }()
	if opt.SiteSeed != 0 {
		g.r = rand.New(rand.NewPCG(opt.SiteSeed, opt.SiteSeed^0x517e))
	}
	for i := range opt.Origins {
		g.origin = append(g.origin, fmt.Sprintf("%s-%d.example", g.word(), i))
	}
	for i := range opt.Republishers {
		s := repubSite{name: fmt.Sprintf("%s%d.example", g.word(), i)}
		s.header = g.sentence(nil, 6, 10)
		s.donation = "Support independent news. " + g.sentence(nil, 14, 20) + " " + g.sentence(nil, 10, 16)
		s.disclaimer = "Disclaimer: " + g.paragraph(nil, 4, 5)
		s.truncates = i%4 == 1
		s.attributes = i%3 != 2
		g.repub = append(g.repub, s)
	}
	for i := range opt.Network {
		g.network = append(g.network, fmt.Sprintf("%s-net%d.example", g.word(), i))
	}
}

func (g *gen) word() string {
	syl := []string{"ka", "lo", "mi", "ne", "ra", "tu", "be", "si", "do", "va", "zen", "tor", "ul", "an", "ri", "po", "gha", "mer", "sta", "qui", "ob", "el", "dru", "fin"}
	n := 2 + g.r.IntN(3)
	var b strings.Builder
	for range n {
		b.WriteString(syl[g.r.IntN(len(syl))])
	}
	return b.String()
}

// pick draws a vocabulary word with a Zipf-like skew, or a function word.
func (g *gen) pick() string {
	if g.r.IntN(100) < 38 {
		return function[g.r.IntN(len(function))]
	}
	x := g.r.Float64()
	return g.vocab[int(x*x*x*float64(len(g.vocab)))]
}

func (g *gen) sentence(names []string, lo, hi int) string {
	n := lo + g.r.IntN(hi-lo+1)
	ws := make([]string, n)
	for i := range ws {
		if len(names) > 0 && g.r.IntN(9) == 0 {
			ws[i] = names[g.r.IntN(len(names))]
		} else {
			ws[i] = g.pick()
		}
	}
	ws[0] = strings.ToUpper(ws[0][:1]) + ws[0][1:]
	return strings.Join(ws, " ") + "."
}

func (g *gen) paragraph(names []string, lo, hi int) string {
	n := lo + g.r.IntN(hi-lo+1)
	ss := make([]string, n)
	for i := range ss {
		ss[i] = g.sentence(names, 8, 22)
	}
	return strings.Join(ss, " ")
}

type story struct {
	id, site, url, title string
	paras                []string
	published            time.Time
}

// story writes one original (and maybe a same-event sibling) and its copies.
func (g *gen) story(s int, opt Options) []*article.Article {
	names := make([]string, 3)
	for i := range names {
		w := g.word()
		names[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	quote := "“" + g.sentence(names, 12, 20) + " " + g.sentence(names, 10, 16) + "” said " + names[0] + "."
	day := g.t0.Add(time.Duration(s) * 3 * time.Hour)
	var out []*article.Article
	mk := func(tag string, site string) story {
		st := story{id: fmt.Sprintf("s%04d%s", s, tag), site: site, title: g.sentence(names, 5, 9)}
		st.url = fmt.Sprintf("https://%s/news/%s", site, st.id)
		np := 5 + g.r.IntN(8)
		for i := range np {
			if i == np/2 {
				st.paras = append(st.paras, quote)
				continue
			}
			st.paras = append(st.paras, g.paragraph(names, 2, 4))
		}
		st.published = day.Add(time.Duration(g.r.IntN(240)) * time.Minute)
		return st
	}
	orig := mk("", g.origin[g.r.IntN(len(g.origin))])
	out = append(out, g.original(orig))
	if g.r.Float64() < opt.HardNegRate {
		sib := mk("n", g.origin[g.r.IntN(len(g.origin))])
		out = append(out, g.original(sib))
	}
	copies := g.r.IntN(int(2*opt.CopyRate) + 1)
	if copies > len(g.repub) {
		copies = len(g.repub)
	}
	for _, ri := range g.r.Perm(len(g.repub))[:copies] {
		out = append(out, g.copyOf(orig, g.repub[ri], ri))
	}
	return out
}

func (g *gen) original(st story) *article.Article {
	a := &article.Article{ID: st.id, URL: st.url, Site: st.site, Title: st.title,
		Text: strings.Join(st.paras, "\n\n"), Published: st.published,
		Fetched:      st.published.Add(time.Duration(1+g.r.IntN(600)) * time.Minute),
		TruthCluster: st.id, TruthOriginal: true}
	if g.r.IntN(10) == 0 {
		a.Published = time.Time{} // no date found on the page
	}
	return a
}

// copyOf republishes st on site rs with a random mix of transformations.
func (g *gen) copyOf(st story, rs repubSite, ri int) *article.Article {
	var paras []string
	if rs.truncates || g.r.IntN(10) == 0 {
		paras = g.truncate(st)
	} else {
		paras = g.edit(st)
	}
	for i := range paras {
		paras[i] = g.noise(paras[i])
	}
	site := rs.name
	if len(g.network) > 0 {
		site = g.network[g.r.IntN(len(g.network))]
	}
	id := fmt.Sprintf("%s-c%02d", st.id, ri)
	pub := st.published.Add(time.Duration(30+g.r.IntN(3*24*60)) * time.Minute)
	a := &article.Article{ID: id, URL: fmt.Sprintf("https://%s/%d/%s", site, pub.Year(), id), Site: site,
		Title: st.title, Text: strings.Join(rs.wrap(site, st.site, paras), "\n\n"), Published: pub,
		Fetched: pub.Add(time.Duration(1+g.r.IntN(600)) * time.Minute), TruthCluster: st.id}
	if rs.attributes {
		a.Source = st.site
	}
	g.vary(a, st)
	return a
}

// truncate keeps the first third to two thirds of st's paragraphs and a
// "read more" link.
func (g *gen) truncate(st story) []string {
	keep := max(2, len(st.paras)*(35+g.r.IntN(30))/100)
	return append(st.paras[:keep:keep], "Read more at "+st.site)
}

// edit is a copy of st's paragraphs, sometimes with one dropped and
// sometimes with two swapped.
func (g *gen) edit(st story) []string {
	paras := append([]string(nil), st.paras...)
	if g.r.IntN(4) == 0 && len(paras) > 4 {
		i := 1 + g.r.IntN(len(paras)-2)
		paras = append(paras[:i], paras[i+1:]...)
	}
	if g.r.IntN(4) == 0 && len(paras) > 3 {
		i := g.r.IntN(len(paras) - 1)
		paras[i], paras[i+1] = paras[i+1], paras[i]
	}
	return paras
}

// wrap is the body of a copy of paras from origin published on site in
// rs's template: header, attribution, the story, donation appeal and
// disclaimer.
func (rs *repubSite) wrap(site, origin string, paras []string) []string {
	body := []string{"From the " + site + " newsroom: " + rs.header}
	if rs.attributes {
		body = append(body, "This article first appeared on "+origin+" and is republished here.")
	}
	body = append(body, paras...)
	return append(body, rs.donation, rs.disclaimer)
}

// vary retitles some copies of st and gives others the original as
// canonical, no date or a date of the day only.
func (g *gen) vary(a *article.Article, st story) {
	if g.r.IntN(3) == 0 {
		a.Title = "Update: " + g.sentence(nil, 4, 8) // retitled
	}
	switch g.r.IntN(10) {
	case 0:
		a.Canonical = st.url
	case 1:
		a.Published = time.Time{}
	case 2:
		a.Published = st.published.Truncate(24 * time.Hour) // day precision only
	}
}

// furnitureSlugs are the network's template pages: slugs that name no
// page a site-furniture vocabulary lists, as a network's own theme names
// them. The last is a very short page.
var furnitureSlugs = []string{"our-mission-statement", "how-we-are-funded", "reader-tip-line", "fixing-our-mistakes", "join-the-newsroom-list", "legal-small-print"}

// withFurniture inserts n template pages per network site at random
// places of arts, drawing from a generator of its own so that the stories
// and their order stay those of the same seed without furniture.
func (g *gen) withFurniture(arts []*article.Article, n int, seed uint64) []*article.Article {
	r := rand.New(rand.NewPCG(seed^0xf0f0, seed^0x5eed))
	fg := &gen{r: r, vocab: g.vocab}
	n = min(n, len(furnitureSlugs))
	type tmpl struct {
		title string
		paras []string
	}
	tmpls := make([]tmpl, n)
	for i := range tmpls {
		t := tmpl{title: fg.sentence(nil, 2, 4) + " — NAME"}
		np := 2 + r.IntN(4)
		if i == len(furnitureSlugs)-1 {
			np = 1
		}
		for j := range np {
			p := fg.paragraph(nil, 2, 4)
			if i == len(furnitureSlugs)-1 {
				p = fg.sentence(nil, 14, 20) + " " + fg.sentence(nil, 12, 18) // very short
			}
			if j%2 == 0 {
				p = "At NAME, " + strings.ToLower(p[:1]) + p[1:]
			} else {
				p += " Write to NAME for details."
			}
			t.paras = append(t.paras, p)
		}
		tmpls[i] = t
	}
	out := arts
	for _, site := range g.network {
		for i, t := range tmpls {
			fill := strings.NewReplacer("NAME", site).Replace
			id := fmt.Sprintf("f-%s-%s", strings.TrimSuffix(site, ".example"), furnitureSlugs[i])
			a := &article.Article{ID: id, URL: "https://" + site + "/" + furnitureSlugs[i], Site: site,
				Title: fill(t.title), Text: fill(strings.Join(t.paras, "\n\n")),
				Fetched:      g.t0.Add(time.Duration(r.IntN(90*24*60)) * time.Minute), // undated: crawled some day
				TruthCluster: id}
			at := r.IntN(len(out) + 1)
			out = append(out, nil)
			copy(out[at+1:], out[at:])
			out[at] = a
		}
	}
	return out
}

// noise applies light edits: a few words changed, curly or straight
// quotes, doubled spaces, OCR-like letter swaps.
func (g *gen) noise(p string) string {
	ws := strings.Fields(p)
	level := g.r.IntN(4)
	for i := range ws {
		switch x := g.r.IntN(100); {
		case level >= 1 && x < 2:
			ws[i] = g.pick()
		case level >= 2 && x < 4:
			ws[i] = strings.NewReplacer("m", "rn", "l", "1", "o", "0", "e", "c").Replace(ws[i])
		case level >= 3 && x < 6:
			ws[i] += " "
		}
	}
	out := strings.Join(ws, " ")
	if g.r.IntN(2) == 0 {
		out = strings.NewReplacer("“", "\"", "”", "\"", " - ", " — ").Replace(out)
	}
	return out
}
