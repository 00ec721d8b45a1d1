package extract

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"

	"github.com/syndex/syndex/extract/internal/dom"
	"github.com/syndex/syndex/extract/meta"
)

var (
	// datedPathRE matches article URLs carrying a date (/2019/11/19/…).
	datedPathRE = regexp.MustCompile(`/(19|20)\d\d[/-](0?[1-9]|1[0-2])([/-]|$)`)
	// sectionPathRE matches listing URLs: tags, categories, authors, pages.
	sectionPathRE = regexp.MustCompile(`(?i)^/((tag|tags|category|categories|section|sections|topic|topics|author|authors|page|search|archive|archives|feed|rubrique|thema|themen|kategorie|tema|temas|rubrik)(/|$))|/page/\d+/?$`)
)

// articleLeafRE matches the last path segment of an article URL: a
// document with an extension, a slug of several words or a long number.
var articleLeafRE = regexp.MustCompile(`(?i)(\.[a-z]{2,5}$|-[^-/]+-|\d{4,})`)

// substantial reports whether text reads like an article body: at least
// three paragraphs of 120+ bytes and 800 bytes in all.
func substantial(text string) bool {
	if len(text) < 800 {
		return false
	}
	n := 0
	for _, p := range strings.Split(text, "\n\n") {
		if len(p) >= 120 {
			n++
		}
	}
	return n >= 3
}

// minArticleText is the least main text, in bytes, an article has.
const minArticleText = 250

// classify decides whether a page is an article, from the strongest signal
// available: its declared type, then its URL shape, then how much of its
// text is links.
func classify(rawURL string, m meta.Page, doc *html.Node, text string) (bool, string) {
	if len(text) < 80 {
		return false, fmt.Sprintf("main text too short (%d bytes)", len(text))
	}
	path, query := urlParts(rawURL)
	if furniturePath(path) {
		// Before the declared type: site builders mark every page
		// og:type article, the privacy policy too.
		return false, "site furniture page " + path
	}
	ld := densityOf(doc)
	if reason := declaredArticle(m, path, text); reason != "" {
		return true, reason
	}
	slug := path[strings.LastIndex(strings.TrimSuffix(path, "/"), "/")+1:]
	leafLike := articleLeafRE.MatchString(slug)
	if reason := listingPage(m, path, query, leafLike, ld); reason != "" {
		return false, reason
	}
	return byText(path, text, leafLike, ld)
}

// urlParts returns the path ("/" when there is none) and query of a URL.
func urlParts(rawURL string) (path, query string) {
	path = "/"
	u, err := url.Parse(rawURL)
	if err != nil {
		return path, ""
	}
	if u.Path != "" {
		path = u.Path
	}
	return path, u.RawQuery
}

// declaredArticle says why the markup declares the page an article: a
// JSON-LD Article, or og:type article (on a home page only with enough
// text); "" when it does not.
func declaredArticle(m meta.Page, path, text string) string {
	switch {
	case m.LDArticle:
		return "JSON-LD declares an Article"
	case m.OGType == "article" && (path != "/" || len(text) >= minArticleText):
		return "og:type is article"
	}
	return ""
}

// listingPage says why the URL or the declared type make the page a
// listing: the home page, a section path that is not an article's leaf, a
// website page that is mostly links; "" when neither does.
func listingPage(m meta.Page, path, query string, leafLike bool, ld float64) string {
	if (path == "/" || path == "") && query == "" {
		return "site home page"
	}
	if sectionPathRE.MatchString(path) && !leafLike {
		return "listing URL " + path
	}
	if m.OGType == "website" && !datedPathRE.MatchString(path) && ld > 0.3 {
		return fmt.Sprintf("og:type website with link density %.2f", ld)
	}
	return ""
}

// byText decides by the main text (its length, the share of links ld)
// and, for a text of middling length, the URL's shape.
func byText(path, text string, leafLike bool, ld float64) (bool, string) {
	if substantial(text) {
		return true, fmt.Sprintf("substantial main text (%d bytes)", len(text))
	}
	if ld > 0.5 {
		return false, fmt.Sprintf("page is mostly links (density %.2f)", ld)
	}
	if len(text) < minArticleText {
		return false, fmt.Sprintf("main text too short (%d bytes)", len(text))
	}
	if datedPathRE.MatchString(path) {
		return true, "dated article URL"
	}
	if leafLike {
		return true, "article slug URL with main text"
	}
	return true, fmt.Sprintf("main text of %d bytes, link density %.2f", len(text), ld)
}

// densityOf returns the share of the body's visible text that sits inside
// links: high on home and section pages, low on articles.
func densityOf(doc *html.Node) float64 {
	var all, linked int
	var walk func(n *html.Node, inLink bool, depth int)
	walk = func(n *html.Node, inLink bool, depth int) {
		if depth > dom.MaxDepth {
			return
		}
		switch n.Type {
		case html.TextNode:
			l := len(strings.TrimSpace(n.Data))
			all += l
			if inLink {
				linked += l
			}
			return
		case html.ElementNode:
			if dom.SkipTags[n.Data] {
				return
			}
			if n.Data == "a" {
				inLink = true
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inLink, depth+1)
		}
	}
	walk(doc, false, 0)
	if all == 0 {
		return 0
	}
	return float64(linked) / float64(all)
}
