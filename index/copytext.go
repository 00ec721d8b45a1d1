package index

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/syndex/syndex/index/copytext"
	"github.com/syndex/syndex/index/schema"
	"github.com/syndex/syndex/index/snippet"
	"github.com/syndex/syndex/index/userquery"
)

// Copy text. A story's document holds the original's title and body; a
// republisher's own intro, spin paragraph or headline would be lost. So
// the text each copy adds (its paragraphs that are not the original's,
// see AddedText) and its title, when it differs, are indexed too, in the
// fields cbody_<lang> and ctitle_<lang> (analysed like the story's
// language, one array element per copy in the order of the stored
// copies, stored for snippets). Word queries and phrases read them with a
// lower boost than the original's text, so a story found through its own
// text ranks above one found only through a copy, and a hit lists the
// copies whose text matched (Hit.CopyMatches).

// copyBoost weights a match in a copy's added text against one in the
// original's.
const copyBoost = 0.5

// isCopyField reports whether an index field holds copy text.
func isCopyField(f string) bool {
	return strings.HasPrefix(f, schema.FieldCopyTitle+"_") || strings.HasPrefix(f, schema.FieldCopyBody+"_")
}

// AddedText returns the paragraphs of a copy that the original does not
// carry (copytext.Added).
func AddedText(original, copyText string) string { return copytext.Added(original, copyText) }

// copyTexts returns, aligned with the copies, each copy's own title and
// added text (copytext.Of).
func copyTexts(origTitle, origText string, titles, texts []string) (ct, cb []string, any bool) {
	return copytext.Of(origTitle, origText, titles, texts)
}

// nativePhrase is Bleve's positional phrase query on one field without
// bigram terms (the copy fields), or nil when a word of the phrase is not
// in the field at all.
func nativePhrase(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, options search.SearcherOptions, text string, f textField) (search.Searcher, error) {
	an := m.AnalyzerNamed(analyzerNameOfField(f.name))
	if an != nil {
		missing, err := anyTermMissing(ctx, r, f.name, uniqueTerms(an.Analyze([]byte(text))))
		if err != nil || missing {
			return nil, err
		}
	}
	pq := query.NewMatchPhraseQuery(text)
	pq.SetField(f.name)
	pq.SetBoost(f.boost)
	return pq.Searcher(ctx, r, m, options)
}

// analyzerNameOfField returns the analyzer of a per-language text field.
func analyzerNameOfField(field string) string {
	_, a, _ := strings.Cut(field, "_")
	return schema.AnalyzerName(a)
}

// CopyMatch is a copy whose own text matched the query: its id, site and
// URL as in Hit.Copies, which of its fields matched ("title", "text"),
// and snippets of the matching text (HTML escaped, matches in <mark>).
type CopyMatch struct {
	ID       string   `json:"id"`
	Site     string   `json:"site,omitempty"`
	URL      string   `json:"url,omitempty"`
	Fields   []string `json:"fields"`
	Snippets []string `json:"snippets"`
}

// copyMatches finds, for a page of hits, the copies whose own title or
// added text matched the query: the page's documents are searched again
// with term locations, which name the copy (the array position in the
// copy fields) and where in its text the match is.
func (ix *Index) copyMatches(ctx context.Context, q Query, hits []Hit) error {
	if len(hits) == 0 || strings.TrimSpace(q.Text) == "" {
		return nil
	}
	var ids []string
	for _, h := range hits {
		if len(h.Copies) > 0 { // a story without copies has no copy text
			ids = append(ids, h.Cluster)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	langs := pageLangs(ix.langsFor(q.Lang), hits, func(h *Hit) bool { return len(h.Copies) > 0 })
	if len(langs) == 0 {
		return nil
	}
	if may, err := ix.copyFieldsMayMatch(q.Text, langs); err != nil || !may {
		return err // no copy text holds a word of the query: nothing to find
	}
	parsed, err := userquery.Parse(strings.TrimSpace(q.Text))
	if err != nil {
		return err
	}
	req := bleve.NewSearchRequestOptions(query.NewConjunctionQuery([]query.Query{
		query.NewDocIDQuery(ids), rewrite(parsed, langs, false)}), len(ids), 0, false)
	req.IncludeLocations = true
	for _, a := range langs {
		req.Fields = append(req.Fields, schema.CopyTitleField(a), schema.CopyBodyField(a))
	}
	sr, err := ix.searcher.SearchInContext(ctx, req)
	if err != nil {
		return fmt.Errorf("search %s: copy matches of %q: %w", ix.dir, q.Text, err)
	}
	byID := make(map[string]*search.DocumentMatch, len(sr.Hits))
	for _, h := range sr.Hits {
		byID[h.ID] = h
	}
	for i := range hits {
		h := &hits[i]
		dm := byID[h.Cluster]
		if dm == nil {
			continue
		}
		h.CopyMatches = copyMatchesOf(dm, h.Copies)
	}
	return nil
}

// copySpan is a match in a copy field: which copy (its position in the
// stored copies) and field, where in its text.
type copySpan struct {
	copy       int
	field      string
	start, end int
}

// copyMatchesOf reads one document's copy-field locations.
func copyMatchesOf(dm *search.DocumentMatch, copies []Copy) []CopyMatch {
	var out []CopyMatch
	for _, ss := range copySpans(dm) {
		k := ss[0]
		if k.copy >= len(copies) {
			continue
		}
		if len(out) == 0 || out[len(out)-1].ID != copies[k.copy].ID {
			c := copies[k.copy]
			out = append(out, CopyMatch{ID: c.ID, Site: c.Site, URL: c.URL, Fields: []string{}, Snippets: []string{}})
		}
		cm := &out[len(out)-1]
		name := "text"
		if strings.HasPrefix(k.field, schema.FieldCopyTitle+"_") {
			name = "title"
		}
		cm.Fields = append(cm.Fields, name)
		text := storedElement(dm.Fields[k.field], k.copy)
		if text == "" {
			continue
		}
		slices.SortFunc(ss, func(a, b copySpan) int { return a.start - b.start })
		marks := make([][2]int, len(ss))
		for i, s := range ss {
			marks[i] = [2]int{s.start, s.end}
		}
		cm.Snippets = append(cm.Snippets, snippet.Mark(text, marks, 200))
	}
	return out
}

// copySpans groups a document's matches in copy fields by copy and
// field, in the order of the copies, a copy's title before its text.
func copySpans(dm *search.DocumentMatch) [][]copySpan {
	type key struct {
		copy  int
		field string
	}
	spans := map[key][]copySpan{}
	for field, terms := range dm.Locations {
		if !isCopyField(field) {
			continue
		}
		for _, locs := range terms {
			for _, l := range locs {
				if len(l.ArrayPositions) == 0 {
					continue
				}
				k := key{int(l.ArrayPositions[0]), field}
				spans[k] = append(spans[k], copySpan{k.copy, field, int(l.Start), int(l.End)})
			}
		}
	}
	out := make([][]copySpan, 0, len(spans))
	for _, ss := range spans {
		out = append(out, ss)
	}
	slices.SortFunc(out, func(a, b []copySpan) int {
		if a[0].copy != b[0].copy {
			return a[0].copy - b[0].copy
		}
		return strings.Compare(b[0].field, a[0].field) // ctitle before cbody
	})
	return out
}

// storedElement returns element i of a stored array field as Bleve
// returns it (a string for a one-element array).
func storedElement(v any, i int) string {
	switch v := v.(type) {
	case string:
		if i == 0 {
			return v
		}
	case []any:
		if i < len(v) {
			s, _ := v[i].(string)
			return s
		}
	}
	return ""
}

// copyFieldsMayMatch reports whether a copy field of any shard holds a
// word of the query text, as each language analyses it: when none does
// the second search for copy matches is skipped (most stories have no
// copy text of their own). Patterns (wildcards, regular expressions,
// fuzzy terms) are not expanded here, so with one the answer is yes.
func (ix *Index) copyFieldsMayMatch(text string, langs []string) (bool, error) {
	if strings.ContainsAny(text, "*?~/") {
		return true, nil
	}
	check, unknown := ix.copyTermsOf(text, langs)
	if unknown {
		return true, nil
	}
	if len(check) == 0 {
		return false, nil // no copy of these languages added text
	}
	for _, sh := range ix.shards {
		if found, err := shardHoldsAny(sh, check); err != nil || found {
			return true, err
		}
	}
	return false, nil
}

// fieldTerms are the analysed terms of a query to look for in one field.
type fieldTerms struct {
	field string
	terms [][]byte
}

// copyTermsOf lists the copy fields of langs that some document holds,
// each with the query text's terms as its language analyses them;
// unknown is set when a language has no analyzer.
func (ix *Index) copyTermsOf(text string, langs []string) (check []fieldTerms, unknown bool) {
	known := ix.fields.Load()
	for _, a := range langs {
		var fields []string
		for _, f := range []string{schema.CopyTitleField(a), schema.CopyBodyField(a)} {
			if known == nil || (*known)[f] {
				fields = append(fields, f)
			}
		}
		if len(fields) == 0 {
			continue // no copy in this language added text
		}
		an := ix.bigrams.m.AnalyzerNamed(schema.AnalyzerName(a))
		if an == nil {
			return nil, true
		}
		terms := uniqueTerms(an.Analyze([]byte(text)))
		if len(terms) == 0 {
			continue
		}
		for _, f := range fields {
			check = append(check, fieldTerms{f, terms})
		}
	}
	return check, false
}

// shardHoldsAny reports whether a field of the shard's dictionary holds
// one of its terms (yes when the shard cannot tell).
func shardHoldsAny(sh bleve.Index, check []fieldTerms) (bool, error) {
	adv, err := sh.Advanced()
	if err != nil {
		return true, err
	}
	r, err := adv.Reader()
	if err != nil {
		return true, err
	}
	defer r.Close()
	rc, ok := r.(index.IndexReaderContains)
	if !ok {
		return true, nil
	}
	for _, c := range check {
		d, err := rc.FieldDictContains(c.field)
		if err != nil {
			return true, err
		}
		for _, t := range c.terms {
			if ok, err := d.Contains(t); err != nil || ok {
				return true, err
			}
		}
	}
	return false, nil
}
