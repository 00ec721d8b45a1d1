// Package corpus reads real labelled corpora as labelled Articles, so that
// `syndex eval dedup --corpus DIR` scores the whole clustering (not only
// pairs) on data our generator did not shape. It knows two layouts:
//
//   - COUNTER (pairs.tsv and COUNTER/*.xml): Urdu news-agency stories and
//     newspaper stories on the same events. A wholly-derived (WD) pair is a
//     true cluster whose original is the agency text; both texts of a
//     non-derived (ND) pair are their own clusters and must stay apart.
//     Partially-derived pairs are left out.
//   - crossposts-real (members.jsonl and html/*.html.gz): raw HTML pages of
//     real cross-posts, extracted here as `syndex extract --url` does, one
//     page at a time. The negative controls (clusters named neg-*) are
//     their own clusters and must stay apart.
//
// The package owns reading these layouts; scoring is package
// dedup/evaluate's.
package corpus

import (
	"bufio"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cespare/xxhash/v2"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/dedup/evaluate"
	"github.com/syndex/syndex/dedup/shingle"
	"github.com/syndex/syndex/extract"
	"github.com/syndex/syndex/internal/gzfile"
)

// Set is a labelled corpus read as Articles.
type Set struct {
	Name     string             // layout: "counter" or "crossposts"
	Articles []*article.Article // truth_cluster and truth_original set
	// Apart lists groups of article ids that are labelled independent
	// (COUNTER's non-derived pairs, the negative controls): a clustering
	// that puts two of one group together merged what it must not.
	Apart [][]string
	// Skipped counts documents left out (COUNTER's partially-derived
	// pairs, pages extraction found no text in), with why.
	Skipped map[string]int
}

// ErrUnknownLayout is returned by Load for a directory it cannot read.
var ErrUnknownLayout = errors.New("not a known corpus layout (want COUNTER's pairs.tsv and COUNTER/, or crossposts-real's members.jsonl and html/)")

// Load reads the corpus in dir, whichever layout it has.
func Load(ctx context.Context, dir string) (*Set, error) {
	switch {
	case exists(filepath.Join(dir, "pairs.tsv")) && exists(filepath.Join(dir, "COUNTER")):
		return LoadCounter(ctx, dir)
	case exists(filepath.Join(dir, "members.jsonl")):
		return LoadCrossposts(ctx, dir)
	}
	return nil, fmt.Errorf("%s: %w", dir, ErrUnknownLayout)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// neutralID names a document by a hash of its file name, so that no rule
// can pick the original from the id ("0003" sorts before "0003p").
func neutralID(prefix, name string) string {
	return fmt.Sprintf("%s-%012x", prefix, xxhash.Sum64String(name)>>16)
}

// CounterPair is one labelled pair of the COUNTER corpus.
type CounterPair struct {
	ID, Label, Domain       string
	Source, Derived         CounterDoc
	SourceAgency            string
	DerivedNewspaper        string
	SourceDate, DerivedDate time.Time // zero when the date does not parse
}

// CounterDoc is one COUNTER document.
type CounterDoc struct {
	File, Headline, Body string
}

// ReadCounter reads COUNTER's pairs.tsv and the documents it names.
func ReadCounter(ctx context.Context, dir string) ([]CounterPair, error) {
	path := filepath.Join(dir, "pairs.tsv")
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open pairs index: %w", err)
	}
	defer f.Close()
	var out []CounterPair
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		cols := strings.Split(sc.Text(), "\t")
		if line == 1 || cols[0] == "" {
			continue
		}
		if len(cols) < 4 {
			return nil, fmt.Errorf("%s:%d: want at least 4 tab-separated columns, got %d", path, line, len(cols))
		}
		p, err := counterPair(dir, cols)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		out = append(out, p)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return out, nil
}

// counterDate reads COUNTER's dd.mm.yy; the zero time when it does not parse.
func counterDate(s string) time.Time {
	t, err := time.Parse("02.01.06", strings.TrimSpace(s))
	if err != nil {
		return time.Time{}
	}
	return t
}

func counterDoc(dir, file string) (CounterDoc, error) {
	raw, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		return CounterDoc{}, fmt.Errorf("read document: %w", err)
	}
	var doc struct {
		Headline string `xml:"headline"`
		Body     string `xml:"body"`
	}
	if err := xml.Unmarshal(raw, &doc); err != nil {
		return CounterDoc{}, fmt.Errorf("parse %s: %w", file, err)
	}
	return CounterDoc{File: file, Headline: strings.TrimSpace(doc.Headline), Body: strings.TrimSpace(doc.Body)}, nil
}

// Pairs returns the pairs as evaluate.Pairs for `syndex eval pairs`.
func Pairs(ps []CounterPair) []evaluate.Pair {
	out := make([]evaluate.Pair, len(ps))
	for i, p := range ps {
		out[i] = evaluate.Pair{ID: p.ID, Source: p.Source.Body, Derived: p.Derived.Body, Label: p.Label, Wholly: p.Label == "WD"}
	}
	return out
}

// LoadCounter reads COUNTER as a clustering set: each wholly-derived pair
// one true cluster (the agency text its original), each text of a
// non-derived pair its own cluster. Articles carry the body as text, the
// headline as title, the agency or newspaper as site and the corpus date
// (a day) as published.
//
// The corpus repeats documents: the same agency story is the source of
// several pairs, under different file names (sometimes with another
// headline or a word changed), and some newspapers printed the agency
// text unchanged. A text an outlet repeats (identical, or with nine in ten
// of its word 3-grams the same) is read once, one document in every pair
// it belongs to; such near-identical texts of different outlets are a
// verbatim copy, so they share a true cluster. Without this, finding a
// repeated story would count as a false merge.
func LoadCounter(ctx context.Context, dir string) (*Set, error) {
	ps, err := ReadCounter(ctx, dir)
	if err != nil {
		return nil, err
	}
	c := &counterSet{set: &Set{Name: "counter", Skipped: map[string]int{}}, byKey: map[string]*article.Article{},
		root: map[string]string{}, grams: map[string][]uint32{}, agency: map[string]bool{}}
	for _, p := range ps {
		c.addPair(p)
	}
	c.joinSameTexts()
	c.label()
	c.dropJoinedApart()
	return c.set, nil
}

// counterSet is the clustering set LoadCounter builds: the documents
// read once each, and the true clusters as a union-find over their ids.
type counterSet struct {
	set    *Set
	byKey  map[string]*article.Article // outlet + text -> its one document
	root   map[string]string           // union-find over article ids
	grams  map[string][]uint32         // article id -> its word 3-grams
	agency map[string]bool             // ids of the agency texts (the pairs' sources)
}

// addPair reads a pair's two documents: one true cluster when the pair
// is wholly derived, a pair kept apart when not derived; a partially
// derived pair is skipped.
func (c *counterSet) addPair(p CounterPair) {
	if p.Label != "WD" && p.Label != "ND" {
		c.set.Skipped["partially derived (PD) pair"]++
		return
	}
	src := c.doc(p.Source, p.SourceAgency, p.SourceDate)
	der := c.doc(p.Derived, p.DerivedNewspaper, p.DerivedDate)
	c.agency[src.ID] = true
	if p.Label == "WD" {
		c.union(src.ID, der.ID)
	} else {
		c.set.Apart = append(c.set.Apart, []string{src.ID, der.ID})
	}
}

// doc is the one document of outlet's text d: the one read before when
// the outlet repeats the text (identical or sameText), else a new one.
func (c *counterSet) doc(d CounterDoc, outlet string, day time.Time) *article.Article {
	outlet = strings.ToLower(outlet)
	key := outlet + "\x00" + strings.Join(strings.Fields(d.Body), " ")
	if a, ok := c.byKey[key]; ok {
		c.set.Skipped["repeated document (read once)"]++
		return a
	}
	g := shingle.Of(d.Body, 3, 1)
	for _, a := range c.set.Articles {
		if a.Site == outlet && sameText(g, c.grams[a.ID]) {
			c.byKey[key] = a
			c.set.Skipped["repeated document (read once)"]++
			return a
		}
	}
	a := &article.Article{ID: neutralID("counter", d.File), Site: outlet, Title: d.Headline, Text: d.Body, Published: day}
	c.byKey[key] = a
	c.grams[a.ID] = g
	c.root[a.ID] = a.ID
	c.set.Articles = append(c.set.Articles, a)
	return a
}

// joinSameTexts puts near-identical texts of different outlets (a
// verbatim copy) in one true cluster.
func (c *counterSet) joinSameTexts() {
	arts := c.set.Articles
	for i, a := range arts {
		for _, b := range arts[:i] {
			if sameText(c.grams[a.ID], c.grams[b.ID]) {
				c.union(a.ID, b.ID)
			}
		}
	}
}

// label gives each document in a true cluster of two or more its
// cluster, and the agency texts the original's role.
func (c *counterSet) label() {
	size := map[string]int{}
	for _, a := range c.set.Articles {
		size[c.find(a.ID)]++
	}
	for _, a := range c.set.Articles {
		if r := c.find(a.ID); size[r] > 1 {
			a.TruthCluster, a.TruthOriginal = r, c.agency[a.ID]
		}
	}
}

// dropJoinedApart drops the non-derived pairs whose texts are one story
// after all (through a repeated text): they need not stay apart.
func (c *counterSet) dropJoinedApart() {
	apart := c.set.Apart[:0]
	for _, g := range c.set.Apart {
		if c.find(g[0]) != c.find(g[1]) {
			apart = append(apart, g)
		}
	}
	c.set.Apart = apart
}

// find is the root of id's true cluster.
func (c *counterSet) find(id string) string {
	for c.root[id] != id {
		c.root[id] = c.root[c.root[id]]
		id = c.root[id]
	}
	return id
}

// union joins the true clusters of a and b.
func (c *counterSet) union(a, b string) {
	if ra, rb := c.find(a), c.find(b); ra != rb {
		c.root[rb] = ra
	}
}

// sameText reports whether two texts' word 3-gram sets (sorted) are nine
// tenths the same: the same text, give or take a word.
func sameText(a, b []uint32) bool {
	return len(a) > 0 && len(b) > 0 && dedup.Jaccard(a, b) >= 0.9
}

// member is one line of crossposts-real's members.jsonl.
type member struct {
	Cluster string `json:"cluster"`
	Kind    string `json:"kind"`
	Role    string `json:"role"`
	File    string `json:"file"`
	URL     string `json:"url"`
}

// page is member m's page extracted from its raw HTML (under dir) by a
// fresh extractor.
func (m member) page(ctx context.Context, dir string) (*article.Article, error) {
	html, err := readGzip(filepath.Join(dir, m.File))
	if err != nil {
		return nil, err
	}
	fetched := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	res, err := extract.New(extract.Options{}).Extract(ctx, extract.Input{URL: m.URL, HTML: html, Fetched: fetched})
	if err != nil {
		return nil, fmt.Errorf("extract %s: %w", m.File, err)
	}
	return res.Article, nil
}

// counterPair reads one row of the pairs index (at least 4 columns) and
// the two documents it names.
func counterPair(dir string, cols []string) (CounterPair, error) {
	for len(cols) < 11 {
		cols = append(cols, "")
	}
	p := CounterPair{ID: cols[0], Label: cols[3], Domain: cols[4], SourceAgency: cols[5],
		SourceDate: counterDate(cols[6]), DerivedNewspaper: cols[7], DerivedDate: counterDate(cols[8])}
	var err error
	if p.Source, err = counterDoc(dir, cols[1]); err != nil {
		return p, err
	}
	p.Derived, err = counterDoc(dir, cols[2])
	return p, err
}

// LoadCrossposts reads crossposts-real: every page extracted from its raw
// HTML by a fresh extractor (as `syndex extract --url` does), labelled with
// its cluster; the pages of a negative control (cluster neg-*) are each
// their own cluster and are listed in Apart. A page marked original is
// the truth original of its cluster.
func LoadCrossposts(ctx context.Context, dir string) (*Set, error) {
	path := filepath.Join(dir, "members.jsonl")
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open members: %w", err)
	}
	defer f.Close()
	set := &Set{Name: "crossposts", Skipped: map[string]int{}}
	var apart apartGroups
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	line := 0
	for sc.Scan() {
		line++
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var m member
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		a, err := m.page(ctx, dir)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		if strings.TrimSpace(a.Text) == "" {
			set.Skipped["page without extracted text"]++
			continue
		}
		a.ID = neutralID("page", m.File)
		a.TruthCluster = m.Cluster
		if strings.HasPrefix(m.Cluster, "neg-") {
			a.TruthCluster = a.ID
			apart.add(m.Cluster, a.ID)
		}
		a.TruthOriginal = strings.HasPrefix(m.Role, "original")
		set.Articles = append(set.Articles, a)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	set.Apart = apart.list()
	return set, nil
}

// apartGroups gathers the groups of articles labelled apart, in the order
// their labels first appear.
type apartGroups struct {
	order []string
	ids   map[string][]string
}

// add puts article id in the group of label.
func (g *apartGroups) add(label, id string) {
	if g.ids == nil {
		g.ids = map[string][]string{}
	}
	if _, ok := g.ids[label]; !ok {
		g.order = append(g.order, label)
	}
	g.ids[label] = append(g.ids[label], id)
}

// list returns the groups.
func (g *apartGroups) list() [][]string {
	var out [][]string
	for _, c := range g.order {
		out = append(out, g.ids[c])
	}
	return out
}

// readGzip reads a gzipped page.
func readGzip(path string) ([]byte, error) {
	body, err := gzfile.ReadFile(path, 0)
	if err != nil {
		return nil, fmt.Errorf("read page: %w", err)
	}
	return body, nil
}

// Merged counts the Apart groups whose members ended in one cluster
// (any two of them) under the assignments as.
func Merged(apart [][]string, as []article.Assignment) int {
	cl := make(map[string]string, len(as))
	for _, x := range as {
		cl[x.ID] = x.Cluster
	}
	n := 0
	for _, g := range apart {
		seen := map[string]bool{}
		for _, id := range g {
			c, ok := cl[id]
			if !ok {
				continue
			}
			if seen[c] {
				n++
				break
			}
			seen[c] = true
		}
	}
	return n
}

// SkippedString formats the skip counts for a report line ("none" when
// nothing was skipped).
func (s *Set) SkippedString() string {
	if len(s.Skipped) == 0 {
		return "none"
	}
	var parts []string
	for why, n := range s.Skipped {
		parts = append(parts, strconv.Itoa(n)+" "+why)
	}
	slices.Sort(parts)
	return strings.Join(parts, ", ")
}
