package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// cleanedTags are the elements go-trafilatura's main-text pass removes,
// with all they hold and their tail, as the first thing it does to its
// copy of the page (its tagsToClean, v1.12.2), less the ones it strips
// first and keeps the children of (ins), and less head, whose metadata it
// reads before.
// Whatever such an element holds never reaches the main text, but
// go-trafilatura clones the whole page three times and runs its metadata
// selectors over all of it first: taken out of the page for the call,
// they cost nothing there.
var cleanedTags = map[string]bool{
	"aside": true, "embed": true, "footer": true, "iframe": true,
	"menu": true, "object": true, "script": true, "applet": true, "audio": true,
	"canvas": true, "figure": true, "map": true, "picture": true, "svg": true,
	"video": true, "area": true, "blink": true, "button": true, "datalist": true,
	"dialog": true, "frame": true, "frameset": true, "fieldset": true, "link": true,
	"input": true, "label": true, "legend": true, "marquee": true, "math": true,
	"menuitem": true, "nav": true, "noscript": true, "optgroup": true, "option": true,
	"output": true, "param": true, "progress": true, "rp": true, "rt": true, "rtc": true,
	"select": true, "source": true, "style": true, "track": true, "textarea": true,
	"time": true, "use": true,
}

// detached is a subtree taken out of the page, and where it was.
type detached struct {
	node, parent, next *html.Node
}

// pruned is the set of subtrees taken out of a page by pruneCleaned.
type pruned []detached

// pruneCleaned takes out of doc's <body> the subtrees go-trafilatura's
// main-text pass removes before it reads the page (cleanedTags), with the
// text that follows each up to the next element (go-trafilatura removes
// that "tail" with it), and the HTML comments, and returns them for
// restore. Kept: JSON-LD scripts (go-trafilatura's metadata and its
// baseline read them), a <figure> that holds a table (go-trafilatura
// turns it into a <div>), all of <head>, and an element whose parent or
// tail runs into an element go-trafilatura strips first (keeping its
// children: <small>, <font>, <img>, …), whose tail would then be longer:
// go-trafilatura removes those itself. What is left for its cleaning is
// the same tree, so its main text is the same.
func pruneCleaned(doc *html.Node) pruned {
	var out pruned
	out.walk(doc, 0)
	return out
}

// walk prunes the children of n.
func (out *pruned) walk(n *html.Node, depth int) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		switch {
		case c.Type == html.CommentNode:
			out.detach(n, c, next)
		case prunable(c) && !strippedTags[n.Data] && !tailIntoStripped(c):
			out.detach(n, c, next)
			next = out.detachTail(n, next)
		case c.Type == html.ElementNode && c.DataAtom != atom.Head && depth < 4096:
			out.walk(c, depth+1)
		}
		c = next
	}
}

// detach removes c from n (next followed it) and keeps it for restore.
func (out *pruned) detach(n, c, next *html.Node) {
	n.RemoveChild(c)
	*out = append(*out, detached{node: c, parent: n, next: next})
}

// detachTail removes the tail that starts at next, the text (and
// comments) up to the next element, and returns that element.
func (out *pruned) detachTail(n, next *html.Node) *html.Node {
	for next != nil && next.Type != html.ElementNode {
		t := next
		next = next.NextSibling
		if t.Type == html.TextNode || t.Type == html.CommentNode {
			out.detach(n, t, next)
		}
	}
	return next
}

// strippedTags are the elements go-trafilatura replaces by their
// children before it removes the cleanedTags (its tagsToStrip, v1.12.2).
var strippedTags = map[string]bool{
	"abbr": true, "acronym": true, "address": true, "bdi": true, "bdo": true,
	"big": true, "cite": true, "data": true, "dfn": true, "font": true,
	"hgroup": true, "img": true, "ins": true, "mark": true, "meta": true,
	"ruby": true, "small": true, "template": true, "tbody": true,
	"tfoot": true, "thead": true,
}

// tailIntoStripped reports whether the first element after n among its
// siblings is one go-trafilatura strips: its text would join n's tail.
func tailIntoStripped(n *html.Node) bool {
	for s := n.NextSibling; s != nil; s = s.NextSibling {
		if s.Type == html.ElementNode {
			return strippedTags[s.Data]
		}
	}
	return false
}

// prunable reports whether n is one of the cleanedTags pruneCleaned may
// take out of the page.
func prunable(n *html.Node) bool {
	if n.Type != html.ElementNode || !cleanedTags[n.Data] {
		return false
	}
	switch n.Data {
	case "script":
		for _, a := range n.Attr {
			if a.Key == "type" && strings.Contains(strings.ToLower(a.Val), "json") {
				return false
			}
		}
	case "figure":
		return !hasTable(n)
	}
	return true
}

// hasTable reports whether a <table> is among n's descendants.
func hasTable(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && (c.DataAtom == atom.Table || hasTable(c)) {
			return true
		}
	}
	return false
}

// restore puts the pruned subtrees back where they were.
func (p pruned) restore() {
	for i := len(p) - 1; i >= 0; i-- {
		d := p[i]
		d.parent.InsertBefore(d.node, d.next)
	}
}
