package authors

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/syndex/syndex/extract/internal/dom"
	"github.com/syndex/syndex/extract/internal/scan"
)

// This file finds where a page names its author in its text: elements
// whose text starts as a byline ("By Jane Doe", "Autor: …"), labelled
// values, and the contexts (comments, teasers of other stories) whose
// bylines are not the article's.

// textBylineTags may hold a byline written as plain text ("von Jane
// Doe") without byline markup.
var textBylineTags = map[string]bool{"dt": true, "th": true, "p": true, "span": true, "div": true, "em": true, "i": true, "b": true, "strong": true, "li": true, "h4": true, "h5": true, "h6": true, "small": true, "address": true, "td": true, "dd": true}

// startsByline reports whether n's own first text begins with a by-word
// or an author label ("By", "Von", "Autor:").
func startsByline(n *html.Node) bool {
	if signatureBlock(n) {
		return true
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.TextNode {
			continue
		}
		if t := strings.TrimSpace(c.Data); t != "" {
			return bylineOpening(t)
		}
	}
	return false
}

// bylineOpening reports whether the text t begins as a byline: a by-word,
// an author label, a copyright line with a year or rights note, a
// "| By" after a separator, a dated name line.
func bylineOpening(t string) bool {
	if copyrightRE.MatchString(t) && copyrightFooterRE.MatchString(t) {
		return true
	}
	// The rules below read at most the first ten words (and whether
	// there are more than nine); a paragraph's first text need not be
	// split whole.
	var buf [10]string
	f := firstFields(buf[:0], t, 10)
	w := strings.ToLower(f[0])
	if byWords[w] || byWords[strings.TrimSuffix(w, ":")] {
		return true
	}
	if authorLabelOpening(f, strings.TrimSuffix(w, ":")) {
		return true
	}
	return labelledBy(f) || strings.ContainsAny(t, "|·•") && sepByRE.MatchString(t) || datedNameLine(t)
}

// firstFields appends to f (empty) strings.Fields(t) cut to its first n
// words.
func firstFields(f []string, t string, n int) []string {
	for len(f) < n {
		t = strings.TrimLeftFunc(t, unicode.IsSpace)
		if t == "" {
			break
		}
		end := strings.IndexFunc(t, unicode.IsSpace)
		if end < 0 {
			end = len(t)
		}
		f = append(f, t[:end])
		t = t[end:]
	}
	return f
}

// authorLabelOpening reports whether the words f open with the author
// label w (f's first word, lower case, without its colon): followed by a
// colon, alone, or, for a person label, followed only by names ("Autoren
// Jane Doe und John Roe").
func authorLabelOpening(f []string, w string) bool {
	if !authorLabels[w] {
		return false
	}
	if strings.HasSuffix(f[0], ":") || len(f) == 1 || f[1] == ":" {
		return true
	}
	return !ambiguousLabels[w] && len(f) >= 3 && len(f) <= 9 && capitalisedNames(strings.Join(f[1:], " "))
}

// colonLabels name the writer only when a colon follows ("Redaktion:
// Jane Doe"); alone they name a desk.
var colonLabels = map[string]bool{"redaktion": true, "redaction": true, "rédaction": true, "redazione": true, "redacción": true, "reporter": true, "reportage": true, "recherche": true, "bericht": true}

// ambiguousLabels are author labels that also open running text or
// headings ("Interview with …", "Text messages …").
var ambiguousLabels = map[string]bool{"text": true, "texte": true, "texto": true, "interview": true}

// sepByRE finds a capitalised by-word after a separator inside a short
// meta line ("Health | By Jane Doe | April 13, 2020").
var sepByRE = regexp.MustCompile(`[|·•]\s*(?:By|BY|Von|VON|Par|PAR|Por|POR|Door|DOOR)\s+\p{Lu}`)

// labelledBy reports whether words f open with byline labels, and
// perhaps a date, that lead to a by-word ("Text von", "Ein Artikel von",
// "Posted on May 2, 2020 by", "Verfasst von:"); the first word must be a
// label, so running text ("Am Montag von …") does not count.
func labelledBy(f []string) bool {
	first := strings.ToLower(strings.Trim(f[0], ":,"))
	if len(f) < 3 || !bylineLabels[first] || nameParticles[first] {
		return false
	}
	for i := 1; i < len(f) && i <= 6; i++ {
		w := strings.ToLower(strings.TrimRight(f[i], ":,"))
		if byWords[w] {
			return true
		}
		if !prefixOnly(f[i : i+1]) {
			return false
		}
	}
	return false
}

// isAuthorLabel reports whether t is only an author label ("Autor:",
// "By"), whose value follows in the next sibling.
func isAuthorLabel(t string) bool {
	f := strings.Fields(strings.TrimSpace(t))
	if len(f) == 2 && f[1] == ":" {
		f = f[:1]
	}
	if len(f) != 1 {
		return false
	}
	w := strings.ToLower(strings.TrimSuffix(f[0], ":"))
	return authorLabels[w] || byWords[w]
}

// labelledValue returns the label and the text that follows label
// element n ("<h5>Autor:</h5>Jane Doe", "<dt>Author</dt><dd>…</dd>"), or
// "" when nothing short follows.
func labelledValue(n *html.Node) string {
	for c := n.NextSibling; c != nil; c = c.NextSibling {
		var t string
		switch c.Type {
		case html.TextNode:
			t = scan.CollapseSpace(c.Data)
		case html.ElementNode:
			t = dom.NodeText(c)
		}
		if t == "" {
			continue
		}
		if len(t) > 80 {
			return ""
		}
		return dom.NodeText(n) + " " + t
	}
	return ""
}

// capitalisedNames reports whether every word of s is capitalised or a
// name particle, as names in running text are.
func capitalisedNames(s string) bool {
	for _, w := range strings.Fields(s) {
		lw := strings.ToLower(strings.Trim(w, ",;&"))
		if lw == "" || nameParticles[lw] {
			continue
		}
		r, _ := utf8.DecodeRuneInString(strings.Trim(w, ",;&"))
		if !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

// nameParticles are the lower-case words names and name lists contain.
var nameParticles = map[string]bool{"von": true, "van": true, "der": true, "den": true, "de": true, "del": true, "la": true, "le": true, "da": true, "di": true, "du": true, "zu": true, "und": true, "and": true, "et": true, "y": true, "e": true, "bin": true, "al": true, "ten": true, "ter": true}

// maxBylineNodes bounds how many byline elements a page contributes.
const maxBylineNodes = 40

// bylineContextRE matches class or id values of regions whose bylines are
// not the article's: comments and their forms, teasers of other articles,
// sidebars.
var bylineContextRE = scan.Guard(regexp.MustCompile(`(?i)comment|respond|reply|disqus|teaser|related|listing|sidebar|widget|recommend`), "comment", "respond", "reply", "disqus", "teaser", "related", "listing", "sidebar", "widget", "recommend")

// inForeignBylineContext reports whether n (a byline candidate) sits in a
// comment thread, a form or a list of other articles, where author markup
// names commenters or other articles' writers.
func inForeignBylineContext(n *html.Node) bool {
	for p, depth := n, 0; p != nil && depth < 40; p, depth = p.Parent, depth+1 {
		if p.Type != html.ElementNode {
			continue
		}
		switch p.Data {
		case "form", "label", "textarea", "input", "select", "option", "button":
			return true
		}
		if p.Data == "body" || p.Data == "html" {
			// Page-wide classes describe the layout ("single-post
			// sidebar-primary"), not a region.
			return false
		}
		if (bylineContextRE.MatchString(dom.Attr(p, "class")) || bylineContextRE.MatchString(dom.Attr(p, "id"))) && !holdsHeadline(p) {
			return true
		}
	}
	return false
}

// maxHeadlineSearch bounds how many elements holdsHeadline visits.
const maxHeadlineSearch = 4000

// holdsHeadline reports whether region n contains an <h1>: a wrapper
// named for the layout it belongs to ("content-sidebar-wrap",
// "layout has-sidebar") that holds the article's headline is the page,
// not a sidebar, comment thread or teaser list.
func holdsHeadline(n *html.Node) bool {
	seen := 0
	var find func(c *html.Node) bool
	find = func(c *html.Node) bool {
		for ; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if seen++; seen > maxHeadlineSearch {
				return false
			}
			if c.Data == "h1" || find(c.FirstChild) {
				return true
			}
		}
		return false
	}
	return find(n.FirstChild)
}

var bylineClassRE = scan.Guard(regexp.MustCompile(`(?i)(^|[\s_-])(byline|author|by-line|article-author|contributor)([\s_-]|$)`), "byline", "author", "by-line", "contributor")

// isByline reports whether n is marked up as an author byline.
func isByline(n *html.Node) bool {
	if dom.Attr(n, "rel") == "author" || strings.EqualFold(dom.Attr(n, "itemprop"), "author") {
		return true
	}
	switch n.Data {
	case "span", "div", "p", "a", "address":
		c := dom.Attr(n, "class")
		return bylineClassRE.MatchString(c) && !authorBioClassRE.MatchString(c)
	}
	return false
}

// authorBioClassRE matches the class of an author box's description
// ("author-description", "author-bio"), which holds sentences about the
// writer, not the name.
var authorBioClassRE = regexp.MustCompile(`(?i)author[_-]?(?:description|desc|bio|biography|about)`)

// Bylines are the byline texts of a page, collected element by element in
// document order (Read).
type Bylines struct {
	Marked []string // elements marked up as bylines (class, rel, itemprop)
	Text   []string // elements whose text starts as a byline ("By …")
}

// Read adds n's text when n is a byline: marked up as one, or starting as
// one ("By …").
func (b *Bylines) Read(n *html.Node) {
	if len(b.Text) < 3 && textBylineTags[n.Data] && startsByline(n) && !inForeignBylineContext(n) {
		b.addText(n)
	}
	if len(b.Marked) < maxBylineNodes && isByline(n) && !inForeignBylineContext(n) {
		b.addMarked(n)
	}
}

// addText adds the text of an element that starts as a byline, when it is
// short (a label's value when it is only "Author:").
func (b *Bylines) addText(n *html.Node) {
	t := dom.NodeText(n)
	if len(t) >= 100 {
		return
	}
	if isAuthorLabel(t) {
		t = labelledValue(n)
	}
	if t != "" {
		b.Text = append(b.Text, t)
	}
}

// addMarked adds the text (or meta content) of an element marked up as a
// byline.
func (b *Bylines) addMarked(n *html.Node) {
	t := dom.Attr(n, "content") // <meta itemprop="author" content=…>
	if t == "" {
		t = dom.NodeText(n)
	}
	if t != "" && len(t) < 400 {
		b.Marked = append(b.Marked, t)
	}
}
