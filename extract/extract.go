// Package extract turns one fetched HTML page into an article.Article: the
// main text (paragraphs separated by a blank line, without navigation,
// related links, share bars or comments), its metadata (title, author,
// dates, language, site name, canonical URL) and its attribution — the
// outlet the page says it republishes. It also decides whether a page is
// an article at all (section and home pages are not) and learns, per site,
// the paragraphs that repeat across pages (disclaimers, donation appeals),
// which it moves from Text to Boilerplate.
//
// Main-text extraction builds on go-trafilatura; metadata comes from
// JSON-LD, OpenGraph / article:* meta, <time> and bylines, in that order of
// trust, with go-trafilatura's (and go-htmldate's) findings as a fallback.
// The package does not fetch pages, deduplicate or index.
package extract

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"

	"github.com/syndex/syndex/article"
)

// Input is one fetched page.
type Input struct {
	URL         string    // final URL after redirects
	HTML        []byte    // raw body, any charset
	ContentType string    // the Content-Type header, for its charset
	Fetched     time.Time // when the page was fetched
	// Truncated says the body was cut before it reached extraction (the
	// crawler's body cap): such a page is an article only if its markup
	// declares one.
	Truncated bool
}

// Result is the extraction of one page.
type Result struct {
	Article   *article.Article `json:"article"`
	IsArticle bool             `json:"is_article"` // false for section, home and listing pages
	Reason    string           `json:"reason"`     // why the page is (not) considered an article
	// Truncated says part of the page was not read: the input was cut, or
	// it exceeded Options.MaxBytes, MaxElements or MaxText.
	Truncated bool `json:"truncated,omitempty"`
}

// Options tune an Extractor. The zero value is usable.
type Options struct {
	// BoilerplatePages is how many distinct pages of a site must share a
	// paragraph before it counts as site boilerplate (default 3; negative
	// disables learning).
	BoilerplatePages int
	// MaxParagraphsPerSite caps the paragraphs tracked per site (default
	// 20000), bounding the model's memory.
	MaxParagraphsPerSite int
	// MaxBytes is the most HTML extracted, in UTF-8 (default
	// DefaultMaxBytes, 2 MiB). A longer page first loses the content of
	// its scripts (JSON-LD stays), styles, <svg>s and comments, and is cut
	// if it still does not fit. Bodies over 4 × MaxBytes are cut before
	// decoding.
	MaxBytes int
	// MaxElements is the most DOM elements extracted (default
	// DefaultMaxElements); later ones are dropped, bounding the work of
	// every pass over the page. Text beyond 1 MiB and <p> elements beyond
	// 2000 are dropped too.
	MaxElements int
	// MaxText caps the bytes of Text, and separately of Boilerplate
	// (default DefaultMaxText, 256 KiB), cut at a paragraph boundary.
	MaxText int
	// MaxDepth flattens DOM subtrees nested deeper than this (default 256),
	// bounding time on pathological pages.
	MaxDepth int
	// KeepHeadings keeps the headings before the first paragraph (headline,
	// kicker, standfirst) in Text; by default they are dropped.
	KeepHeadings bool
	// Logger receives debug messages; nil uses slog.Default().
	Logger *slog.Logger
	// SiteProfiles overrides the generic title choice per site (keyed by
	// article.SiteOf; subdomains fall back to their parent's entry). nil
	// or empty uses none: there are no built-in profiles.
	SiteProfiles map[string]SiteProfile
}

// Extractor extracts articles. It is safe for concurrent use; it holds the
// per-site boilerplate model, so one Extractor should see all pages of a
// crawl.
type Extractor struct {
	opt   Options
	sites *siteModel
	log   *slog.Logger
}

// New returns an Extractor with opt's defaults filled in.
func New(opt Options) *Extractor {
	if opt.BoilerplatePages == 0 {
		opt.BoilerplatePages = 3
	}
	if opt.MaxParagraphsPerSite <= 0 {
		opt.MaxParagraphsPerSite = 20000
	}
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = DefaultMaxBytes
	}
	if opt.MaxElements <= 0 {
		opt.MaxElements = DefaultMaxElements
	}
	if opt.MaxText <= 0 {
		opt.MaxText = DefaultMaxText
	}
	if opt.MaxDepth <= 0 {
		opt.MaxDepth = 256
	}
	lg := opt.Logger
	if lg == nil {
		lg = slog.Default()
	}
	return &Extractor{opt: opt, sites: newSiteModel(opt.BoilerplatePages, opt.MaxParagraphsPerSite), log: lg}
}

// Extract turns one page into an Article. It fails only when the input
// cannot be read as HTML at all; a page without main text yields an
// Article with empty Text and IsArticle false.
func (e *Extractor) Extract(ctx context.Context, in Input) (res *Result, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// A bug in extraction (ours or a library's) on some page is that
	// page's error, not the caller's crash.
	defer func() {
		if p := recover(); p != nil {
			e.log.Debug("extraction panic", "url", in.URL, "stack", string(debug.Stack()))
			res, err = nil, fmt.Errorf("extract %s: internal error: %v", in.URL, p)
		}
	}()
	truncated := in.Truncated
	body := in.HTML
	if len(body) > 4*e.opt.MaxBytes {
		body, truncated = body[:4*e.opt.MaxBytes], true
	}
	utf, enc, err := Decode(body, in.ContentType)
	if err != nil {
		return nil, fmt.Errorf("extract %s: %w", in.URL, err)
	}
	utf, cut := bound(utf, e.opt.MaxBytes, e.opt.MaxElements)
	truncated = truncated || cut
	doc, err := html.Parse(bytes.NewReader(utf))
	if err != nil {
		// The parser refuses pathologically deep documents; read their
		// text from a flattened copy instead of giving up.
		e.log.Debug("flattening unparsable document", "url", in.URL, "err", err)
		doc, err = html.Parse(bytes.NewReader(flatten(utf)))
	}
	if err != nil {
		return nil, fmt.Errorf("extract %s: parse html: %w", in.URL, err)
	}
	if fixed := repairRunaway(doc, utf); fixed != nil {
		e.log.Debug("repaired a malformed </title> that swallowed the page", "url", in.URL)
		if d, err := html.Parse(bytes.NewReader(fixed)); err == nil {
			doc = d
		}
	}
	flattenDeep(doc, e.opt.MaxDepth)
	elements, pruned := pruneDOM(doc, domBudget{elements: e.opt.MaxElements, text: maxDOMText, paragraphs: maxParagraphs})
	if pruned {
		e.log.Debug("page cut at extraction's DOM budget", "url", in.URL, "elements", elements)
		truncated = true
	}
	repairMojibakeDOM(doc)
	var base *url.URL
	if in.URL != "" {
		base, _ = url.Parse(in.URL)
	}
	meta := metaDoc(doc, base)

	topt := trafilatura.Options{ExcludeComments: true, OriginalURL: base, HtmlDateMode: trafilatura.Disabled}
	tr, terr := mainText(doc, topt, elements <= fallbackElements)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var blocks []Block
	var tmeta trafilatura.Metadata
	if terr == nil && tr != nil {
		blocks = blocksOf(tr.ContentNode)
		tmeta = tr.Metadata
	} else {
		e.log.Debug("no main text", "url", in.URL, "encoding", enc, "err", terr)
	}

	a := &article.Article{URL: in.URL, Fetched: in.Fetched}
	a.Site = article.SiteOf(in.URL)
	a.Canonical = meta.Canonical
	idURL := in.URL
	if a.Canonical != "" && article.SiteOf(a.Canonical) == a.Site {
		idURL = a.Canonical
	}
	if idURL != "" {
		a.ID = article.IDFor(idURL)
	}
	meta.Lead = leadOf(blocks)
	meta.Opening = openingOf(blocks, 2)
	a.Title = chooseTitle(meta, tmeta, a.Site)
	// A title that other pages of the site carry too names the site or a
	// section (a template's constant <title> or og:title), not the story.
	if a.Title != "" && idURL != "" && e.sites.observe(a.Site, idURL, []string{siteTitleKey + a.Title})[0] {
		if lh := leadHeading(meta.Headings, leadSet(meta.Lead)); lh != "" {
			a.Title = lh
		}
	}
	if p, ok := profileFor(e.opt.SiteProfiles, a.Site); ok {
		if t := profileTitle(meta, p.Title, firstNonEmpty(meta.SiteName, tmeta.Sitename)); t != "" {
			a.Title = t
		}
	}
	a.Author = meta.Author
	if a.Author == "" {
		// No person named in markup: the publication credited as author,
		// then the main-text extractor's own guess, cleaned like a byline.
		a.Author = firstNonEmpty(meta.AuthorWeak, cleanMetaAuthor(tmeta.Author))
	}
	a.SiteName = firstNonEmpty(meta.SiteName, tmeta.Sitename)
	a.NoIndex = meta.NoIndex
	var changed time.Time
	a.Published, changed = publishedDate(doc, meta, in.URL)
	a.Modified = meta.Modified
	if a.Modified.IsZero() {
		a.Modified = changed
	}

	blocks = expandSiblings(doc, blocks)

	if !e.opt.KeepHeadings {
		blocks = dropLeadingHeadings(blocks)
	}
	shares := &linkShareTable{doc: doc}
	blocks = dropTrailingHeadings(dropLinkParagraphs(shares, blocks))

	// Attribution: explicit markup first, then credit lines in the text.
	if meta.Source != "" {
		a.Source = selfFilter(meta.Source, a.Site)
	}
	if a.Source == "" && a.Canonical != "" {
		if cs := article.SiteOf(a.Canonical); cs != "" && a.Site != "" && cs != a.Site {
			a.Source = a.Canonical
		}
	}
	links := pageLinks(doc, base)
	if at := findAttribution(blocks, links, a.Site); at != nil {
		a.Boilerplate = append(a.Boilerplate, at.Line)
		if a.Source == "" {
			a.Source = at.Source
		}
		if at.Rest == "" {
			blocks = append(blocks[:at.Block:at.Block], blocks[at.Block+1:]...)
		} else {
			blocks[at.Block].Text = at.Rest
		}
	} else if at := scanAttribution(blocksOf(doc), links, a.Site, true); at != nil && at.Source != "" {
		// Republishers often put the credit line outside the article body
		// (a box after it), where the main-text extractor drops it.
		a.Boilerplate = append(a.Boilerplate, at.Line)
		if a.Source == "" {
			a.Source = at.Source
		}
	}

	// Wire copies: an agency dateline or copyright line.
	if src, idx := wireCredit(blocks, a.Site); src != "" || idx >= 0 {
		if a.Source == "" {
			a.Source = src
		}
		if idx >= 0 && len(blocks) > 1 {
			a.Boilerplate = append(a.Boilerplate, blocks[idx].Text)
			blocks = append(blocks[:idx:idx], blocks[idx+1:]...)
		}
	}

	// Promo lines inside the text: "Read more: …", "Lesen Sie auch",
	// newsletter and follow-us prompts. After attribution, which may read
	// a credit out of such a line.
	blocks, promo := dropPromoLines(shares, blocks)
	a.Boilerplate = append(a.Boilerplate, promo...)
	// Social-media cards, teaser cards, the author's bio, the byline.
	blocks, furniture := dropFurniture(doc, shares, blocks, a.Author)
	a.Boilerplate = append(a.Boilerplate, furniture...)

	// Site boilerplate learned across pages.
	paras := make([]string, len(blocks))
	total := 0
	for i, b := range blocks {
		paras[i] = b.Text
		total += len(b.Text)
	}
	flags := e.sites.observe(a.Site, firstNonEmpty(idURL, a.Title), paras)
	removed := 0
	for i, f := range flags {
		if f {
			removed += len(paras[i])
		}
	}
	// A page made only of repeated blocks is a template page, not one whose
	// text is all boilerplate: keep it whole.
	if removed > 0 && removed < total*4/5 {
		kept := paras[:0:0]
		for i, p := range paras {
			if flags[i] {
				a.Boilerplate = append(a.Boilerplate, p)
			} else {
				kept = append(kept, p)
			}
		}
		paras = kept
	}
	a.Text = strings.Join(paras, "\n\n")
	if e.capFields(a) {
		truncated = true
	}
	a.Lang = chooseLang(tmeta.Language, meta.Lang, a.Text)

	ok, reason := classify(in.URL, meta, doc, a.Text)
	if ok && truncated && !meta.LDArticle && meta.OGType != "article" {
		ok, reason = false, "page truncated and its markup declares no article ("+reason+")"
	}
	return &Result{Article: a, IsArticle: ok, Reason: reason, Truncated: truncated}, nil
}

// capFields bounds what an article keeps: Text and Boilerplate to
// MaxText bytes each, the one-line fields to maxFieldBytes. It reports
// whether Text or Boilerplate was cut.
func (e *Extractor) capFields(a *article.Article) bool {
	var cutText, cutBP bool
	a.Text, cutText = capText(a.Text, e.opt.MaxText)
	a.Boilerplate, cutBP = capBlocks(a.Boilerplate, e.opt.MaxText)
	for _, f := range []*string{&a.Title, &a.Author, &a.SiteName} {
		*f = truncateUTF8(*f, maxFieldBytes)
	}
	// A URL cut short would point elsewhere: one that long is dropped.
	for _, f := range []*string{&a.Source, &a.Canonical} {
		if len(*f) > maxFieldBytes {
			*f = ""
		}
	}
	return cutText || cutBP
}

// dropLeadingHeadings removes the headings (at most three) that precede
// the first paragraph: the headline, kicker and standfirst. The title has
// its own field, and measured on the ScrapingHub set this raised F1 from
// 0.967 to 0.970 (0.969 when only headings repeating the title or
// description go), leaving the Fundus set's F1 unchanged.
func dropLeadingHeadings(blocks []Block) []Block {
	i := 0
	for i < len(blocks) && i < 3 && isHeading(blocks[i].Tag) {
		i++
	}
	if i == len(blocks) {
		return blocks
	}
	return blocks[i:]
}

// dropTrailingHeadings removes the headings that end the text: with no
// paragraph after them they head nothing of the article, and are the
// titles of the related-links, newsletter or comment boxes that follow
// it ("More on this topic", "Latest articles").
func dropTrailingHeadings(blocks []Block) []Block {
	n := len(blocks)
	for n > 1 && isHeading(blocks[n-1].Tag) {
		n--
	}
	return blocks[:n]
}

func isHeading(tag string) bool {
	return len(tag) == 2 && tag[0] == 'h' && tag[1] >= '1' && tag[1] <= '6'
}

// chooseLang trusts detection on enough text, else the page's declaration.
func chooseLang(detected, declared, text string) string {
	declared = strings.ToLower(strings.TrimSpace(declared))
	if i := strings.IndexAny(declared, "-_"); i > 0 {
		declared = declared[:i]
	}
	if detected != "" && len(text) >= 200 {
		return detected
	}
	if len(declared) == 2 || len(declared) == 3 {
		return declared
	}
	return detected
}

// flattenDeep replaces the children of elements nested deeper than limit
// with their text, so later recursive passes stay bounded.
func flattenDeep(root *html.Node, limit int) {
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		if depth >= limit {
			if n.FirstChild != nil {
				t := nodeText(n)
				for c := n.FirstChild; c != nil; {
					next := c.NextSibling
					n.RemoveChild(c)
					c = next
				}
				if t != "" {
					n.AppendChild(&html.Node{Type: html.TextNode, Data: t})
				}
			}
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
	}
	walk(root, 0)
}
