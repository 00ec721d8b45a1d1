package extract

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/net/html"
)

// TestTitleMisses is a diagnostic: for each page of the corpus named by
// SYNDEX_TITLES whose title we get wrong (every page with
// SYNDEX_TITLES_ALL=1) it prints the truth, our title and every candidate
// (og:title, JSON-LD headline, <title>, site name, headings). Run with -v.
func TestTitleMisses(t *testing.T) {
	name := os.Getenv("SYNDEX_TITLES")
	if name == "" {
		t.Skip("diagnostic: set SYNDEX_TITLES=<corpus name>")
	}
	dir := filepath.Join(corpusDir, name)
	pages, err := loadCorpus(dir)
	if err != nil {
		t.Fatal(err)
	}
	ex := New(Options{})
	miss := 0
	for _, p := range pages {
		if p.title == "" {
			continue
		}
		raw, err := readMaybeGzip(p.file)
		if err != nil {
			t.Fatal(err)
		}
		res, err := ex.Extract(context.Background(), Input{URL: p.url, HTML: raw})
		if err != nil {
			t.Log(err)
			continue
		}
		ok := sameTitle(p.title, res.Article.Title)
		if ok && os.Getenv("SYNDEX_TITLES_ALL") == "" {
			continue
		}
		if !ok {
			miss++
		}
		utf, _, _ := Decode(raw, "")
		doc, _ := html.Parse(bytes.NewReader(utf))
		base, _ := url.Parse(p.url)
		var m pageMeta
		for _, s := range ldScripts(doc) {
			if v, ok := parseLD(s); ok {
				m.readLD(v, base)
			}
		}
		og, tt := "", ""
		walkElements(doc, func(n *html.Node) bool {
			if n.Data == "meta" && (attr(n, "property") == "og:title" || attr(n, "name") == "og:title") && og == "" {
				og = attr(n, "content")
			}
			if n.Data == "title" && tt == "" {
				tt = nodeText(n)
			}
			return true
		})
		full := metaDoc(doc, base)
		h := full.Headings
		if len(h) > 4 && os.Getenv("SYNDEX_TITLES_ALL") == "" {
			h = h[:4]
		}
		fmt.Printf("== %v %s\n truth: %q\n head:  %q\n ours:  %q\n og:    %q\n ld:    %q\n title: %q\n site:  %q\n heads: %s\n", ok, p.file, p.title, p.head, res.Article.Title, og, m.Title, tt, full.SiteName, mustJSON(h))
	}
	fmt.Printf("misses: %d\n", miss)
}

func ldScripts(doc *html.Node) []string {
	var out []string
	walkElements(doc, func(n *html.Node) bool {
		if n.Data == "script" && n.FirstChild != nil && bytes.Contains([]byte(attr(n, "type")), []byte("ld+json")) {
			out = append(out, n.FirstChild.Data)
		}
		return true
	})
	return out
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
