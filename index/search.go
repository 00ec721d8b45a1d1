package index

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/index/facets"
	"github.com/syndex/syndex/index/schema"
	"github.com/syndex/syndex/index/snippet"
	"github.com/syndex/syndex/index/userquery"
	"github.com/syndex/syndex/internal/plural"
)

// Search limits.
const (
	DefaultLimit = 10   // hits per page when Query.Limit is 0
	MaxLimit     = 1000 // largest page a single search returns
	facetSize    = 20   // terms per site/language facet
)

// Query is one search: a Bleve query-string plus filters and paging.
type Query struct {
	// Text is Bleve query-string syntax: words, "phrases", +must, -mustnot,
	// field:value (title, body, site, sites, lang, author, role, cluster,
	// year, copies, published, fetched), word~1 fuzziness, /regexp/,
	// wild*card, published:>"2024-01-01". Empty matches every cluster.
	Text string
	// Sites keeps clusters carried by any of these sites (as original or
	// copy).
	Sites []string
	// Lang keeps clusters in this language (a tag such as "en" or "pt-BR").
	Lang string
	// Clusters keeps only these clusters (by id), e.g. the stories that
	// just changed, when checking them against a saved search.
	Clusters []string `json:",omitempty"`
	// From and To bound the original's publication date, inclusive; zero
	// means unbounded.
	From, To time.Time
	// Sort is "relevance" (default for a text query), "date" (oldest first)
	// or "-date" (newest first, default for an empty query).
	Sort string
	// Limit and Offset page through the hits.
	Limit, Offset int
	// Cursor asks for Result.Next, the position after the page's last
	// hit, and a total order (ties broken by cluster id) so that paging
	// with After never skips or repeats a story.
	Cursor bool `json:",omitempty"`
	// After continues from a Result.Next (deep paging beyond MaxLimit
	// without Offset's cost; Offset must be 0).
	After []string `json:",omitempty"`
	// Highlight adds snippets with matches marked <mark>…</mark> (HTML
	// escaped text).
	Highlight bool
	// Facets adds counts by site, language and year, and the histogram.
	Facets bool
	// Interval forces the histogram's interval (day, week or month);
	// empty chooses it from the span of the dates.
	Interval string
	// NoIndex filters the pages marked noindex: NoIndexExclude keeps the
	// stories with a page not so marked and lists no noindex copy;
	// NoIndexOnly keeps the stories with a noindex page and lists only
	// the noindex copies. The original is shown either way (marked).
	NoIndex article.NoIndexMode `json:",omitempty"`
}

// Result is a page of hits; its JSON form is the stable `search --json`
// output.
type Result struct {
	Total  uint64  `json:"total"`
	TookMS float64 `json:"took_ms"`
	Offset int     `json:"offset"`
	Hits   []Hit   `json:"hits"`
	Facets *Facets `json:"facets,omitempty"`
	// Next is the cursor after this page's last hit (with Query.Cursor,
	// when the page is full): pass it as Query.After for the next page.
	Next []string `json:"next,omitempty"`
	// Histogram counts the originals and copies of every matching story
	// over time (with Facets).
	Histogram *Histogram `json:"histogram,omitempty"`
}

// Hit is one cluster: its canonical (original) article and its copies.
// Score is the relevance (0 when the results are sorted by date).
type Hit struct {
	Cluster string  `json:"cluster"`
	Score   float64 `json:"score"`
	Title   string  `json:"title"`
	// Snippets are the passages of the original's text that match, as
	// HTML: escaped text, matches in <mark>; TextSnippets are the same
	// passages as plain text with the matches' positions.
	Snippets     []string      `json:"snippets"`
	TextSnippets []TextSnippet `json:"text_snippets"`
	Lang         string        `json:"lang,omitempty"`
	Published    time.Time     `json:"published,omitzero"`
	Original     Original      `json:"original"`
	Copies       []Copy        `json:"copies"`
	// CopyMatches lists the copies whose own title or added text matched
	// the query (see copytext.go); empty when only the original's text did.
	CopyMatches []CopyMatch `json:"copy_matches,omitempty"`
	// analysis names the fields of the story's language ("" when its
	// display data could not be read): see pageLangs.
	analysis string
}

// Original is the display data of a cluster's original.
type Original struct {
	ID        string    `json:"id"`
	URL       string    `json:"url,omitempty"`
	Site      string    `json:"site,omitempty"`
	Published time.Time `json:"published,omitzero"`
	Title     string    `json:"title,omitempty"`
	NoIndex   bool      `json:"noindex,omitempty"`
}

// Copy is the display data of one republished copy. OriginalShare,
// CopyShare and Via are the copy's dedup fields (see article.Assignment);
// the shares are absent for documents indexed before they existed.
type Copy struct {
	ID            string    `json:"id"`
	URL           string    `json:"url,omitempty"`
	Site          string    `json:"site,omitempty"`
	Published     time.Time `json:"published,omitzero"`
	Similarity    float64   `json:"similarity"`
	OriginalShare float64   `json:"original_share,omitempty"`
	CopyShare     float64   `json:"copy_share,omitempty"`
	Via           string    `json:"via,omitempty"`
	NoIndex       bool      `json:"noindex,omitempty"`
	// Title is the copy's own headline, when it differs from the
	// original's.
	Title string `json:"title,omitempty"`
}

// Facets counts the matching clusters by site carrying them, language and
// publication year.
type Facets struct {
	Sites []FacetCount `json:"sites"`
	Langs []FacetCount `json:"langs"`
	Years []FacetCount `json:"years"`
}

// TextSnippet is a snippet as plain text with the positions of its
// matches (snippet.Text).
type TextSnippet = snippet.Text

// langsFor returns the analysis names a query must cover.
func (ix *Index) langsFor(lang string) []string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if lang != "" {
		a := schema.AnalysisFor(lang)
		if ix.langs[a] {
			return []string{a}
		}
		return nil
	}
	out := make([]string, 0, len(ix.langs))
	for a := range ix.langs {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// buildRequest turns a Query into a Bleve request.
func (ix *Index) buildRequest(q Query) (*bleve.SearchRequest, error) {
	limit, err := checkPaging(q)
	if err != nil {
		return nil, err
	}
	langs := ix.langsFor(q.Lang)
	text := strings.TrimSpace(q.Text)
	main, err := mainQuery(text, langs)
	if err != nil {
		return nil, err
	}
	final, err := withFilters(main, q)
	if err != nil {
		return nil, err
	}
	req := bleve.NewSearchRequestOptions(final, limit, q.Offset, false)
	req.Fields = []string{schema.FieldMeta}
	if err := sortRequest(req, q, text); err != nil {
		return nil, err
	}
	if err := searchAfter(req, q); err != nil {
		return nil, err
	}
	switch q.Interval {
	case "", IntervalDay, IntervalWeek, IntervalMonth:
	default:
		return nil, fmt.Errorf("search: unknown interval %q (want day, week or month)", q.Interval)
	}
	return req, nil
}

// checkPaging checks the query's limit (0: DefaultLimit), offset and
// date range, and returns the limit.
func checkPaging(q Query) (int, error) {
	limit := q.Limit
	switch {
	case limit < 0:
		return 0, fmt.Errorf("search: limit %d is negative", limit)
	case limit == 0:
		limit = DefaultLimit
	case limit > MaxLimit:
		return 0, fmt.Errorf("search: limit %d exceeds %d", limit, MaxLimit)
	}
	if q.Offset < 0 {
		return 0, fmt.Errorf("search: offset %d is negative", q.Offset)
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return 0, fmt.Errorf("search: --to %s is before --from %s", q.To.Format(time.DateOnly), q.From.Format(time.DateOnly))
	}
	return limit, nil
}

// ErrBadQuery is wrapped by every error of a query string the index
// cannot run (userquery.ErrBadQuery).
var ErrBadQuery = userquery.ErrBadQuery

// QueryError reports a query string the index cannot run, with the
// column of the clause at fault (userquery.Error).
type QueryError = userquery.Error

// mainQuery is the user's query text, parsed and rewritten onto the
// languages' fields; every story when it is empty.
func mainQuery(text string, langs []string) (query.Query, error) {
	if text == "" {
		return query.NewMatchAllQuery(), nil
	}
	parsed, err := userquery.Parse(text)
	if err != nil {
		return nil, err
	}
	return rewrite(parsed, langs, false), nil
}

// withFilters narrows main to the query's sites, clusters, language,
// noindex mode and dates.
func withFilters(main query.Query, q Query) (query.Query, error) {
	conj := []query.Query{main}
	if len(q.Sites) > 0 {
		var ds []query.Query
		for _, s := range q.Sites {
			t := query.NewTermQuery(strings.ToLower(strings.TrimPrefix(strings.TrimSpace(s), "www.")))
			t.SetField(schema.FieldSites)
			ds = append(ds, t)
		}
		conj = append(conj, query.NewDisjunctionQuery(ds))
	}
	if len(q.Clusters) > 0 {
		conj = append(conj, query.NewDocIDQuery(q.Clusters))
	}
	if q.Lang != "" {
		t := query.NewTermQuery(schema.NormalizeLang(q.Lang))
		t.SetField(schema.FieldLang)
		conj = append(conj, t)
	}
	switch q.NoIndex {
	case article.NoIndexKeep:
	case article.NoIndexExclude:
		t := query.NewTermQuery(noIndexAll)
		t.SetField(schema.FieldNoIndex)
		conj = append(conj, query.NewBooleanQuery(nil, nil, []query.Query{t}))
	case article.NoIndexOnly:
		t := query.NewTermQuery(noIndexAny)
		t.SetField(schema.FieldNoIndex)
		conj = append(conj, t)
	default:
		return nil, fmt.Errorf("search: unknown noindex mode %q (want exclude or only)", q.NoIndex)
	}
	if !q.From.IsZero() || !q.To.IsZero() {
		yes := true
		d := query.NewDateRangeInclusiveQuery(q.From, q.To, &yes, &yes)
		d.SetField(schema.FieldPublished)
		conj = append(conj, d)
	}
	if len(conj) == 1 {
		return main, nil
	}
	return query.NewConjunctionQuery(conj), nil
}

// sortRequest sets the request's order: relevance (the default with
// words to rank by), or date either way (the default without), ties
// broken by cluster id where paging needs a total order.
func sortRequest(req *bleve.SearchRequest, q Query, text string) error {
	byScore := &search.SortScore{Desc: true}
	byDate := func(desc bool) *search.SortField {
		f := &search.SortField{Field: schema.FieldPublished, Desc: desc, Type: search.SortFieldAsDate, Missing: search.SortFieldMissingLast}
		if q.Cursor || len(q.After) > 0 {
			// The same order, but search-after takes the encoded
			// values as they are, the "missing" marker included
			// (scan.go).
			f.Type = search.SortFieldAuto
		}
		return f
	}
	sortBy := q.Sort
	if sortBy == "" {
		sortBy = "relevance"
		if text == "" {
			sortBy = "-date"
		}
	}
	switch sortBy {
	case "relevance", "score":
		// Score alone: a tie-break on the document id would load every
		// hit's id (Bleve reads stored fields for it), several times
		// the cost of scoring; equal scores keep Bleve's hit order.
		if q.Cursor || len(q.After) > 0 {
			// Deep paging needs a total order: ties broken by cluster.
			req.SortByCustom(search.SortOrder{byScore, &search.SortField{Field: schema.FieldCluster, Type: search.SortFieldAsString}})
		} else {
			req.SortByCustom(search.SortOrder{byScore})
		}
	case "date", "-date":
		// Relevance plays no part in a date order: skip scoring. Equal
		// dates (day-precision dates often are) are ordered by cluster
		// id, read from doc values like the date, so pages are stable.
		byCluster := &search.SortField{Field: schema.FieldCluster, Type: search.SortFieldAsString}
		req.SortByCustom(search.SortOrder{byDate(sortBy == "-date"), byCluster})
		req.Score = bleve.ScoreNone
	default:
		return fmt.Errorf("search: unknown sort %q (want relevance, date or -date)", q.Sort)
	}
	return nil
}

// searchAfter continues the request after the query's cursor.
func searchAfter(req *bleve.SearchRequest, q Query) error {
	if len(q.After) == 0 {
		return nil
	}
	if q.Offset != 0 {
		return fmt.Errorf("search: after and offset cannot be combined")
	}
	if len(q.After) != len(req.Sort) {
		return fmt.Errorf("search: after has %d values, the sort order %d (a cursor from another sort?)", len(q.After), len(req.Sort))
	}
	after, err := decodeCursor(req.Sort, q.After)
	if err != nil {
		return err
	}
	req.SearchAfter = after
	return nil
}

// Search runs q. A query string Bleve cannot parse gives a *QueryError
// naming the position; other bad options give plain errors.
func (ix *Index) Search(ctx context.Context, q Query) (*Result, error) {
	ctx = withVocab(ctx, ix.bigrams.vocab) // the phrase queries' common terms
	ctx = withFields(ctx, ix.fields.Load())
	req, err := ix.buildRequest(q)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	// The hits' stored display data is loaded after the search, for the
	// hits kept: over several shards each would load that of its own top
	// offset+limit hits, most of them then dropped by the merge, and
	// loadHits reads it straight from the segment. The snippets come from
	// a second search over the page's hits alone (highlightPage): asking
	// the first for term locations would have every hit's read.
	fields := req.Fields
	req.Fields = nil
	fc := ix.startFacets(q)
	sr, err := ix.searcher.SearchInContext(fc.context(ctx), req)
	if err == nil {
		req.Fields = fields
		err = ix.loadHits(req, sr.Hits)
	}
	if err != nil {
		return nil, fmt.Errorf("search %s for %q: %w", ix.dir, q.Text, err)
	}
	res := &Result{Total: sr.Total, Offset: q.Offset}
	if res.Hits, err = ix.hitsOf(sr.Hits); err != nil {
		return nil, err
	}
	if err := ix.addSnippets(ctx, q, res.Hits); err != nil {
		return nil, err
	}
	if (q.Cursor || len(q.After) > 0) && len(sr.Hits) > 0 && len(sr.Hits) == req.Size {
		res.Next = cursorOf(req.Sort, sr.Hits[len(sr.Hits)-1])
	}
	if err := ix.copyMatches(ctx, q, res.Hits); err != nil {
		return nil, err
	}
	for i := range res.Hits { // after copyMatches, which reads the stored order
		if q.NoIndex != article.NoIndexKeep {
			filterNoIndex(&res.Hits[i], q.NoIndex)
		}
		sortCopies(res.Hits[i].Copies)
	}
	if err := fc.finish(ix, q, res); err != nil {
		return nil, err
	}
	res.TookMS = float64(time.Since(start).Microseconds()) / 1000
	return res, nil
}

// hitsOf reads the display data stored with each hit.
func (ix *Index) hitsOf(hits search.DocumentMatchCollection) ([]Hit, error) {
	out := make([]Hit, 0, len(hits))
	for _, h := range hits {
		hit := Hit{Cluster: h.ID, Score: h.Score, Snippets: []string{}, TextSnippets: []TextSnippet{}, Copies: []Copy{}}
		if s, ok := h.Fields[schema.FieldMeta].(string); ok {
			var m meta
			if err := json.Unmarshal([]byte(s), &m); err != nil {
				return nil, fmt.Errorf("search %s: cluster %s: stored data: %w", ix.dir, h.ID, err)
			}
			hit.Original = m.Original
			hit.Title = m.Original.Title
			hit.Lang = m.Lang
			hit.analysis = schema.AnalysisFor(m.Lang)
			hit.Published = m.Original.Published
			if m.Copies != nil {
				hit.Copies = m.Copies
			}
		}
		out = append(out, hit)
	}
	return out, nil
}

// addSnippets gives each hit of a page its highlighted snippets, when q
// asks for them and has text.
func (ix *Index) addSnippets(ctx context.Context, q Query, hits []Hit) error {
	if !q.Highlight || len(hits) == 0 || strings.TrimSpace(q.Text) == "" {
		return nil
	}
	frags, err := ix.highlightPage(ctx, q, hits)
	if err != nil {
		return err
	}
	for i := range hits {
		hit := &hits[i]
		for _, fs := range frags[hit.Cluster] {
			for _, f := range fs {
				html, text := snippet.Tidy(f)
				hit.Snippets = append(hit.Snippets, html)
				hit.TextSnippets = append(hit.TextSnippets, text)
			}
		}
	}
	return nil
}

// facetCount is one search's facets: counted by a tally the collector
// hands every hit (package facets), not by Bleve's term facets, or remembered
// from the same query on an unchanged index (web UI paging: facetMemo).
type facetCount struct {
	want    bool          // the query asks for facets
	tally   *facets.Tally // nil: none to count (not asked, or remembered)
	counts  facets.Counts
	memoKey string
	writes  uint64 // the index's write count when the search began
}

// startFacets prepares the facets of q.
func (ix *Index) startFacets(q Query) *facetCount {
	fc := &facetCount{want: q.Facets, writes: ix.writes.Load()}
	if !q.Facets {
		return fc
	}
	fc.memoKey = facetKey(q)
	var hit bool
	if fc.counts, hit = ix.facetMemo.Get(fc.memoKey, fc.writes); !hit {
		fc.tally = facets.NewTally(&ix.facetOrds, ix.facetQueries.Add(1) > 1, (*liveSegments)(ix))
	}
	return fc
}

// context is the search's context: with the tally when there is one to
// count.
func (fc *facetCount) context(ctx context.Context) context.Context {
	if fc.tally == nil {
		return ctx
	}
	return fc.tally.With(ctx)
}

// finish sets res's facets and histogram, remembering counts made on an
// index no batch changed during the search.
func (fc *facetCount) finish(ix *Index, q Query, res *Result) error {
	if fc.tally != nil {
		var err error
		if fc.counts, err = fc.tally.Counts(q.NoIndex); err != nil {
			return fmt.Errorf("search %s: %w", ix.dir, err)
		}
		if fc.writes%2 == 0 && ix.writes.Load() == fc.writes { // no batch during the search
			ix.facetMemo.Put(fc.memoKey, fc.writes, fc.counts)
		}
	}
	if !fc.want {
		return nil
	}
	c := fc.counts.Terms
	res.Facets = &Facets{
		Sites: facets.Top(c[0], facetSize),
		Langs: facets.Top(c[1], facetSize),
		Years: facets.Top(c[2], 100),
	}
	facets.SortYears(res.Facets.Years)
	res.Histogram = fc.counts.Hist.Histogram(q.Interval)
	return nil
}

// filterNoIndex drops from h the copies (and their copy-text matches)
// that mode leaves out.
func filterNoIndex(h *Hit, mode article.NoIndexMode) {
	h.Copies = slices.DeleteFunc(h.Copies, func(c Copy) bool { return !mode.Keeps(c.NoIndex) })
	h.CopyMatches = slices.DeleteFunc(h.CopyMatches, func(m CopyMatch) bool {
		return !slices.ContainsFunc(h.Copies, func(c Copy) bool { return c.ID == m.ID })
	})
}

// WriteTable prints the result for a terminal: one block per story with
// its date, original site and URL, copies and snippets.
func (r *Result) WriteTable(w io.Writer) error {
	ew := &errWriter{w: w}
	if len(r.Hits) == 0 {
		if r.Total > 0 {
			ew.printf("no hits on this page (%s in all; lower --offset)\n", plural.N(int(r.Total), "match", "matches"))
		} else {
			ew.printf("no matches\n")
		}
		return ew.err
	}
	ew.printf("%d–%d of %s (%.1f ms)\n", r.Offset+1, r.Offset+len(r.Hits), plural.N(int(r.Total), "story", "stories"), r.TookMS)
	for i := range r.Hits {
		writeHit(ew, r.Offset+i+1, &r.Hits[i])
	}
	return ew.err
}

// writeHit writes hit number n of a table: title, date, site and URL,
// copies, snippets and the copies' own matches.
func writeHit(ew *errWriter, n int, h *Hit) {
	title := h.Title
	if title == "" {
		title = "(untitled)"
	}
	ew.printf("\n%3d. %s\n", n, truncate(oneLine(title), 100))
	date := "date unknown"
	if !h.Published.IsZero() {
		date = h.Published.UTC().Format(time.DateOnly)
	}
	lang := ""
	if h.Lang != "" {
		lang = "  [" + h.Lang + "]"
	}
	ew.printf("     %s  %s  %s%s\n", date, h.Original.Site, h.Original.URL, lang)
	if len(h.Copies) > 0 {
		parts := make([]string, 0, len(h.Copies))
		for _, c := range h.Copies {
			parts = append(parts, copyNote(h, c))
		}
		ew.printf("     copies (%d): %s\n", len(h.Copies), truncate(strings.Join(parts, ", "), 160))
	}
	for _, s := range h.TextSnippets {
		ew.printf("     %s\n", snippet.Terminal(s, 160))
	}
	for _, cm := range h.CopyMatches {
		ew.printf("     matched in the copy on %s (%s)\n", cm.Site, strings.Join(cm.Fields, ", "))
		for _, s := range cm.Snippets {
			_, ts := snippet.Tidy(s)
			ew.printf("       %s\n", snippet.Terminal(ts, 150))
		}
	}
}

// copyNote describes copy c of h: its site and date, its similarity, how
// much of the original it carries and whom it copied.
func copyNote(h *Hit, c Copy) string {
	p := c.Site
	if !c.Published.IsZero() {
		p += " " + c.Published.UTC().Format(time.DateOnly)
	}
	note := fmt.Sprintf("%.2f", c.Similarity)
	if c.OriginalShare > 0 && c.OriginalShare < 0.995 {
		note += fmt.Sprintf(", %d%% of the original", int(100*c.OriginalShare+0.5))
	}
	if i := slices.IndexFunc(h.Copies, func(v Copy) bool { return v.ID == c.Via }); c.Via != "" && i >= 0 {
		note += ", via " + h.Copies[i].Site
	}
	return fmt.Sprintf("%s (%s)", p, note)
}

// sortCopies orders a cluster's copies by publication date, oldest
// first; copies without a date come last, ties by site and id.
func sortCopies(cs []Copy) {
	slices.SortStableFunc(cs, func(a, b Copy) int {
		switch {
		case a.Published.IsZero() != b.Published.IsZero():
			if a.Published.IsZero() {
				return 1
			}
			return -1
		case !a.Published.Equal(b.Published):
			return a.Published.Compare(b.Published)
		}
		return cmp.Or(cmp.Compare(a.Site, b.Site), cmp.Compare(a.ID, b.ID))
	})
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

// highlightPage returns the snippets of a page of hits, by cluster: the
// page's documents are searched again (cheap: the conjunction with the
// page's ids leads) with term locations and Bleve's highlighter, over the
// fields of the page's languages only. The first search read no
// locations, which would have cost every hit, not the page's. Phrases are
// Bleve's positional phrase queries here: the bigram fields keep no
// positions, and a two-word phrase checks none.
func (ix *Index) highlightPage(ctx context.Context, q Query, hits []Hit) (map[string]search.FieldFragmentMap, error) {
	parsed, err := userquery.Parse(strings.TrimSpace(q.Text))
	if err != nil {
		return nil, err
	}
	langs := pageLangs(ix.langsFor(q.Lang), hits, nil)
	if len(langs) == 0 {
		return nil, nil
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.Cluster
	}
	req := bleve.NewSearchRequestOptions(query.NewConjunctionQuery([]query.Query{
		query.NewDocIDQuery(ids), rewrite(parsed, langs, true)}), len(ids), 0, false)
	req.Highlight = bleve.NewHighlight()
	for _, a := range langs {
		req.Highlight.AddField(schema.BodyField(a))
	}
	hr, err := ix.searcher.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search %s: highlight %q: %w", ix.dir, q.Text, err)
	}
	frags := make(map[string]search.FieldFragmentMap, len(hr.Hits))
	for _, h := range hr.Hits {
		frags[h.ID] = h.Fragments
	}
	return frags, nil
}

// pageLangs returns the analysis names among langs of the hits (those
// keep accepts, all when nil): a story's title, text and copy text are
// all in the fields of its own language, so a search of a page's stories
// need not expand the query over the other languages. A hit without
// display data (its language unknown) keeps every one.
func pageLangs(langs []string, hits []Hit, keep func(*Hit) bool) []string {
	want := map[string]bool{}
	for i := range hits {
		h := &hits[i]
		if keep != nil && !keep(h) {
			continue
		}
		if h.analysis == "" {
			return langs
		}
		want[h.analysis] = true
	}
	return slices.DeleteFunc(slices.Clone(langs), func(a string) bool { return !want[a] })
}

// loadHits loads the stored fields req names into hits found by a search
// without them, reading each hit from its shard.
func (ix *Index) loadHits(req *bleve.SearchRequest, hits search.DocumentMatchCollection) error {
	readers := make([]index.IndexReader, len(ix.shards))
	defer func() {
		for _, r := range readers {
			if r != nil {
				_ = r.Close()
			}
		}
	}()
	for _, h := range hits {
		i := ix.shardOf(h.ID)
		if readers[i] == nil {
			adv, err := ix.shards[i].Advanced()
			if err != nil {
				return fmt.Errorf("shard %d: %w", i, err)
			}
			if readers[i], err = adv.Reader(); err != nil {
				return fmt.Errorf("shard %d: %w", i, err)
			}
		}
		if len(req.Fields) == 1 && req.Fields[0] == schema.FieldMeta {
			if v, ok := storedMeta(readers[i], h); ok {
				h.Fields = map[string]any{schema.FieldMeta: v}
				continue
			}
		}
		if err, _ := bleve.LoadAndHighlightFields(h, req, "", readers[i], nil); err != nil {
			return fmt.Errorf("cluster %s: %w", h.ID, err)
		}
	}
	return nil
}

// storedMeta reads a hit's stored display data straight from the segment
// its internal number names in r, without building the whole stored
// document (its text and the copies' text) as Bleve's field loading does,
// nor looking the id up again. It reports false when r is not a scorch
// snapshot or the number names another document there (r is a newer
// snapshot than the search's): the caller then loads the hit by id.
func storedMeta(r index.IndexReader, h *search.DocumentMatch) (string, bool) {
	is, ok := r.(*scorch.IndexSnapshot)
	if !ok || len(h.IndexInternalID) != 8 {
		return "", false
	}
	num := h.IndexInternalID.Value()
	for _, seg := range is.Segments() {
		n := uint64(seg.FullSize())
		if num >= n {
			num -= n
			continue
		}
		if d := seg.Deleted(); d != nil && d.Contains(uint32(num)) {
			return "", false // replaced since: load the current one
		}
		var meta string
		same, found := false, false
		err := seg.VisitDocument(num, func(name string, _ byte, val []byte, _ []uint64) bool {
			switch name {
			case "_id":
				// Never stop at _id: zapx puts its visit context back
				// in its pool twice when the visitor stops there, and
				// two later visits then share one buffer.
				same = string(val) == h.ID
				return true
			case schema.FieldMeta:
				meta, found = string(val), true
				return false
			}
			return true
		})
		return meta, err == nil && same && found
	}
	return "", false
}
