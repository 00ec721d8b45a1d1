package farm

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// sectionLinks returns the distinct /section/NAME links of a page, in
// order.
func sectionLinks(d doc) []string {
	var out []string
	for _, l := range d.links {
		if strings.HasPrefix(l, "/section/") && !strings.Contains(l, "/page/") && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// walkSection follows a section's pages from its first through the
// "Older stories" links and returns the article paths listed, in order,
// and the pages visited.
func walkSection(t *testing.T, base, first string) (listed, visited []string) {
	t.Helper()
	for next := first; next != ""; {
		if slices.Contains(visited, next) {
			t.Fatalf("section pages loop back to %s", next)
		}
		visited = append(visited, next)
		code, b, _ := get(t, base+next)
		if code != http.StatusOK {
			t.Fatalf("section page %s%s: status %d", base, next, code)
		}
		d := parsePage(t, b)
		if d.canonical != base+next {
			t.Errorf("section page %s: canonical %s", next, d.canonical)
		}
		next = ""
		root := parseNode(t, b)
		for _, a := range findAll(root, "a") {
			href := attrOf(a, "href")
			switch {
			case attrOf(a, "rel") == "next":
				next = href
			case hasAncestorClass(a, "teaser"):
				listed = append(listed, href)
			}
		}
	}
	return listed, visited
}

func TestSectionPages(t *testing.T) {
	f := startFarm(t, Options{})
	for _, o := range f.Outlets() {
		want := map[string]bool{}
		for u := range pagesOf(f, o.Key) {
			want[strings.TrimPrefix(u, o.BaseURL)] = true
		}
		_, home, _ := get(t, o.BaseURL+"/")
		secs := sectionLinks(parsePage(t, home))
		if len(secs) == 0 {
			t.Fatalf("%s: the front page links no section", o.Key)
		}
		// Every story is listed on exactly one section page, newest
		// first, and each listed section holds at least one.
		got := map[string]int{}
		for _, s := range secs {
			listed, _ := walkSection(t, o.BaseURL, s)
			if len(listed) == 0 {
				t.Errorf("%s: section %s lists no story", o.Key, s)
			}
			var prev time.Time
			for i, p := range listed {
				got[p]++
				_, b, _ := get(t, o.BaseURL+p)
				d := parsePage(t, b)
				when, err := time.Parse(time.RFC3339, d.meta["article:published_time"])
				if err != nil {
					t.Fatalf("%s%s: published %q: %v", o.BaseURL, p, d.meta["article:published_time"], err)
				}
				if i > 0 && when.After(prev) {
					t.Errorf("%s: section %s lists %s (%s) after an older story", o.Key, s, p, when)
				}
				prev = when
				if !slices.Contains(sectionLinks(d), "/section/"+d.meta["article:section"]) || !strings.HasSuffix(s, "/"+d.meta["article:section"]) {
					t.Errorf("%s%s (section %q) is listed in %s or does not link its section", o.BaseURL, p, d.meta["article:section"], s)
				}
			}
		}
		for p := range want {
			if got[p] != 1 {
				t.Errorf("%s: %s is listed %d times on the section pages, want once", o.Key, p, got[p])
			}
		}
		for p := range got {
			if !want[p] {
				t.Errorf("%s: the section pages list %s, which is no story of the outlet", o.Key, p)
			}
		}
		// The section sitemap (outlets with a sitemap index) lists the
		// first page of every section.
		locs, _ := sitemapURLs(t, o.Sitemap)
		for _, s := range secs {
			if strings.Contains(strings.Join(locs, " "), "/sitemaps/") && !slices.Contains(locs, o.BaseURL+s) {
				t.Errorf("%s: the sitemap does not list section %s", o.Key, s)
			}
		}
	}
}

func TestSectionPagination(t *testing.T) {
	f := startFarm(t, Options{})
	var ledger Outlet
	for _, o := range f.Outlets() {
		if o.Key == "ledger" {
			ledger = o
		}
	}
	// 25 new stories in a new section: the section takes three pages
	// (10, 10, 5), the front page the latest 20.
	const n = 2*sectionPageSize + 5
	when := time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)
	var newest []string
	for i := range n {
		u, err := f.Publish(Article{ID: fmt.Sprintf("league-round-%02d", i), Outlet: "ledger", Section: "sport",
			Title: fmt.Sprintf("League round %d ends level", i), Published: when.Add(time.Duration(i) * time.Hour),
			Paras: []string{"First paragraph.", "Second paragraph."}})
		if err != nil {
			t.Fatal(err)
		}
		newest = append([]string{strings.TrimPrefix(u, ledger.BaseURL)}, newest...)
	}
	listed, visited := walkSection(t, ledger.BaseURL, "/section/sport")
	if want := []string{"/section/sport", "/section/sport/page/2", "/section/sport/page/3"}; !slices.Equal(visited, want) {
		t.Errorf("section pages %v, want %v", visited, want)
	}
	if !slices.Equal(listed, newest) {
		t.Errorf("the section lists\n%v\nwant newest first\n%v", listed, newest)
	}
	_, b, _ := get(t, ledger.BaseURL+"/section/sport/page/3")
	if root := parseNode(t, b); len(findAll(root, "li")) == 0 || !slices.ContainsFunc(findAll(root, "a"), func(a *node) bool {
		return attrOf(a, "rel") == "prev" && attrOf(a, "href") == "/section/sport/page/2"
	}) {
		t.Error("the last section page does not link the newer page before it")
	}
	if code, _, _ := get(t, ledger.BaseURL+"/section/sport/page/4"); code != http.StatusNotFound {
		t.Errorf("a page past the last: status %d, want 404", code)
	}
	_, home, _ := get(t, ledger.BaseURL+"/")
	var teasers []string
	for _, a := range findAll(parseNode(t, home), "a") {
		if hasAncestorClass(a, "teaser") {
			teasers = append(teasers, attrOf(a, "href"))
		}
	}
	if !slices.Equal(teasers, newest[:frontPageSize]) {
		t.Errorf("the front page lists %d stories %v, want the latest %d", len(teasers), teasers, frontPageSize)
	}
	if !slices.Contains(sectionLinks(parsePage(t, home)), "/section/sport") {
		t.Error("the front page does not link the new section")
	}
}

// TestSectionPagesDeterministic: two farms serve the same section pages
// but for their addresses.
func TestSectionPagesDeterministic(t *testing.T) {
	a, b := startFarm(t, Options{}), startFarm(t, Options{BaseIP: "127.0.0.20"})
	for i, oa := range a.Outlets() {
		ob := b.Outlets()[i]
		_, home, _ := get(t, oa.BaseURL+"/")
		for _, s := range append([]string{"/"}, sectionLinks(parsePage(t, home))...) {
			_, pa, _ := get(t, oa.BaseURL+s)
			_, pb, _ := get(t, ob.BaseURL+s)
			if strings.ReplaceAll(string(pa), oa.BaseURL, "") != strings.ReplaceAll(string(pb), ob.BaseURL, "") {
				t.Errorf("%s%s differs between two farms", oa.Key, s)
			}
		}
	}
}

type node = html.Node

func parseNode(t *testing.T, b []byte) *node {
	t.Helper()
	root, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("parse html: %v", err)
	}
	return root
}

// findAll returns the elements named tag under n, in document order.
func findAll(n *node, tag string) []*node {
	var out []*node
	if n.Type == html.ElementNode && n.Data == tag {
		out = append(out, n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		out = append(out, findAll(c, tag)...)
	}
	return out
}

func attrOf(n *node, k string) string {
	for _, a := range n.Attr {
		if a.Key == k {
			return a.Val
		}
	}
	return ""
}

// hasAncestorClass reports whether an element above n has class c.
func hasAncestorClass(n *node, c string) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if slices.Contains(strings.Fields(attrOf(p, "class")), c) {
			return true
		}
	}
	return false
}
