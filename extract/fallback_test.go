package extract

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	readability "github.com/go-shiori/go-readability"
	"github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"

	"github.com/syndex/syndex/extract/internal/dom"
)

// sentence returns a distinct sentence long enough to be traced back to
// its place in a page.
func sentence(topic string, i int) string {
	return fmt.Sprintf("%s remark number %d explains at some length how the new ferry timetable changes the morning commute of island residents.", topic, i)
}

func paras(topic string, n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString("<p>" + sentence(topic, i) + "</p>\n")
	}
	return b.String()
}

func TestStrayContent(t *testing.T) {
	tests := []struct {
		name    string
		page    string // the whole page
		content string // what an extractor returned
		want    bool
	}{
		{
			name:    "story text",
			page:    `<body><article>` + paras("Story", 4) + `</article><div id="comments">` + paras("Reader", 6) + `</div></body>`,
			content: `<div>` + paras("Story", 4) + `</div>`,
			want:    false,
		},
		{
			name:    "comment thread",
			page:    `<body><article>` + paras("Story", 2) + `</article><section class="comment-list">` + paras("Reader", 6) + `</section></body>`,
			content: `<div>` + paras("Reader", 6) + `</div>`,
			want:    true,
		},
		{
			name:    "story plus a few comments",
			page:    `<body><article>` + paras("Story", 6) + `</article><ol class="comments">` + paras("Reader", 2) + `</ol></body>`,
			content: `<div>` + paras("Story", 6) + paras("Reader", 2) + `</div>`,
			want:    false,
		},
		{
			name: "several stories",
			page: `<body><div class="river"><article>` + paras("Story", 3) + `</article><article>` + paras("Other", 3) +
				`</article><article>` + paras("Third", 3) + `</article></div></body>`,
			content: `<div>` + paras("Story", 3) + paras("Other", 3) + paras("Third", 3) + `</div>`,
			want:    true,
		},
		{
			name:    "one story among several",
			page:    `<body><article>` + paras("Story", 5) + `</article><article>` + paras("Other", 3) + `</article></body>`,
			content: `<div>` + paras("Story", 5) + `</div>`,
			want:    false,
		},
		{
			name:    "short fragments are not placed",
			page:    `<body><div class="comments"><p>Nice.</p><p>Agreed!</p></div></body>`,
			content: `<div><p>Nice.</p><p>Agreed!</p></div>`,
			want:    false,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := html.Parse(strings.NewReader(tc.page))
			if err != nil {
				t.Fatal(err)
			}
			content, err := html.Parse(strings.NewReader(tc.content))
			if err != nil {
				t.Fatal(err)
			}
			if got := strayContent(doc, content); got != tc.want {
				t.Errorf("strayContent = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestExtractKeepsStoryOverThread checks that a short story followed by a
// long comment thread yields the story: the fallback extractors, which
// prefer the longer text, must not swap it for the comments.
func TestExtractKeepsStoryOverThread(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(`<html><head><title>Ferry timetable</title></head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav>`)
	b.WriteString(`<article><h1>Ferry timetable</h1><div class="entry-content">` + paras("Story", 3) + `</div></article>`)
	b.WriteString(`<div id="comments"><h3>24 comments</h3><ol class="commentlist">`)
	for i := range 24 {
		fmt.Fprintf(&b, `<li class="comment"><div class="comment-body"><p>%s</p><p>%s</p></div></li>`, sentence("Reader", 2*i), sentence("Reader", 2*i+1))
	}
	b.WriteString(`</ol></div><footer>Imprint</footer></body></html>`)
	res, err := New(Options{}).Extract(context.Background(), Input{URL: "https://news.example/ferry-timetable", HTML: b.Bytes()})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Article.Text, "Story remark number 0") || !strings.Contains(res.Article.Text, "Story remark number 2") {
		t.Errorf("story missing from Text:\n%s", res.Article.Text)
	}
	if strings.Contains(res.Article.Text, "Reader remark") {
		t.Errorf("comments in Text:\n%.300s", res.Article.Text)
	}
}

func TestDropTrailingHeadings(t *testing.T) {
	h := func(tag, text string) dom.Block { return dom.Block{Tag: tag, Text: text} }
	tests := []struct {
		name string
		in   []dom.Block
		want []string
	}{
		{"related box title", []dom.Block{h("p", "Body one."), h("p", "Body two."), h("h3", "More on this topic")}, []string{"Body one.", "Body two."}},
		{"two box titles", []dom.Block{h("p", "Body."), h("h2", "Latest"), h("h4", "Newsletter")}, []string{"Body."}},
		{"inner heading kept", []dom.Block{h("p", "Body."), h("h2", "Section"), h("p", "More body.")}, []string{"Body.", "Section", "More body."}},
		{"headings only kept", []dom.Block{h("h2", "Only a heading")}, []string{"Only a heading"}},
		{"list item last kept", []dom.Block{h("p", "Body."), h("li", "Point")}, []string{"Body.", "Point"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, b := range dropTrailingHeadings(tc.in) {
				got = append(got, b.Text)
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDropLinkParagraphs(t *testing.T) {
	story := `<p>The council approved the new ferry timetable on Tuesday after a long debate about the morning commute.</p>` +
		`<p>Residents will get two extra crossings, <a href="/ferries">as announced</a> in spring.</p>`
	tests := []struct {
		name string
		page string
		want []string // texts kept, in order
	}{
		{
			name: "related links after the story",
			page: `<div>` + story + `<p><a href="/a">Harbour fees rise again</a></p><p>Read also: <a href="/b">Bridge closed for repairs</a></p></div>`,
			want: []string{"The council approved", "Residents will get"},
		},
		{
			name: "linked line inside the story stays",
			page: `<div><p><a href="/a">Harbour fees rise again</a></p>` + story + `</div>`,
			want: []string{"Harbour fees rise again", "The council approved", "Residents will get"},
		},
		{
			name: "closing prose with a link stays",
			page: `<div>` + story + `<p>The full timetable is published on the <a href="/t">council website</a> and at every pier, with the winter changes marked.</p></div>`,
			want: []string{"The council approved", "Residents will get", "The full timetable"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := html.Parse(strings.NewReader(tc.page))
			if err != nil {
				t.Fatal(err)
			}
			got := dropLinkParagraphs(&linkShareTable{doc: doc}, dom.Blocks(doc))
			if len(got) != len(tc.want) {
				t.Fatalf("kept %d paragraphs %q, want %d", len(got), got, len(tc.want))
			}
			for i, w := range tc.want {
				if !strings.HasPrefix(got[i].Text, w) {
					t.Errorf("paragraph %d = %q, want prefix %q", i, got[i].Text, w)
				}
			}
		})
	}
}

// TestOldTableLayout: an old table layout whose story is plain text in a
// cell, separated by <br>s, which go-trafilatura's own pass misses (its
// rescue runs the whole page together); the fallback extractors recover
// the story as paragraphs, without the menus.
func TestOldTableLayout(t *testing.T) {
	var story strings.Builder
	for i := range 8 {
		story.WriteString("Paragraph " + string(rune('A'+i)) + " of the report: the county board voted on the new budget after a long debate about roads, schools and the cost of the new water plant.<br><br>\n")
	}
	var nav strings.Builder
	for i := range 40 {
		nav.WriteString(`<a href="/section/` + string(rune('a'+i%26)) + `">Section link number ` + string(rune('A'+i%26)) + `</a> | `)
	}
	page := `<html><head><title>Board passes budget</title></head><body><table><tr><td class="menu">` + nav.String() +
		`</td></tr><tr><td><font face="arial"><b>Board passes budget</b><br>` + story.String() + `</font></td></tr><tr><td>` + nav.String() + `</td></tr></table></body></html>`
	res, err := New(Options{}).Extract(context.Background(), Input{URL: "https://county.example/budget", HTML: []byte(page)})
	if err != nil {
		t.Fatal(err)
	}
	paras := strings.Split(res.Article.Text, "\n\n")
	if len(paras) < 8 || strings.Contains(res.Article.Text, "Section link number") {
		t.Errorf("got %d paragraphs, nav included=%v:\n%.300s", len(paras), strings.Contains(res.Article.Text, "Section link"), res.Article.Text)
	}
}

// TestExtractWithFallback holds the lazy fallback comparison to what
// go-trafilatura's full comparison gives, on pages where its own text
// wins and on one where Readability's does only after the first pass.
func TestExtractWithFallback(t *testing.T) {
	lead := "<p>" + sentence("Lead", 0) + sentence("Lead", 1) + sentence("Lead", 2) + "</p>"
	spans := func(n int) string {
		var b strings.Builder
		for i := range n {
			b.WriteString("<span>" + sentence("Span", i) + "</span>")
		}
		return b.String()
	}
	tests := []struct {
		name string
		page string
		// readabilityWins: the first pass alone (Readability held
		// back) gives less text than the full comparison.
		readabilityWins bool
		// lazyKeeps: LazyFallback keeps the first pass's text, the
		// page's paragraphs and text not being long enough for it to
		// doubt that text.
		lazyKeeps bool
	}{
		{"story with navigation", `<html><body><nav><a href="/">Home</a> <a href="/news">News</a></nav><article>` + paras("Story", 8) + `</article><footer>Contact us</footer></body></html>`, false, false},
		{"story among teasers", `<html><body><div class="teasers">` + paras("Teaser", 12) + `</div><article>` + paras("Story", 6) + `</article></body></html>`, true, false},
		{"short story", `<html><body><article><p>` + sentence("Brief", 0) + `</p></article></body></html>`, false, false},
		{"table layout", `<html><body><table><tr><td>` + paras("Cell", 3) + `</td><td>` + paras("Other", 3) + `</td></tr></table></body></html>`, false, false},
		{"text in spans", `<html><body><article>` + lead + `</article><div class="text">` + spans(14) + `</div></body></html>`, true, false},
		{"some text in spans", `<html><body><article>` + lead + `</article><div class="text">` + spans(7) + `</div></body></html>`, true, true},
	}
	opt := trafilatura.Options{ExcludeComments: true, HtmlDateMode: trafilatura.Disabled, EnableFallback: true}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := html.Parse(strings.NewReader(tt.page))
			if err != nil {
				t.Fatal(err)
			}
			full, fullErr := trafilatura.ExtractDocument(doc, opt)
			got, gotErr := extractWithFallback(doc, opt, false)
			if (fullErr == nil) != (gotErr == nil) {
				t.Fatalf("error %v, full comparison's %v", gotErr, fullErr)
			}
			if fullErr != nil {
				return
			}
			if textOf(got.ContentNode) != textOf(full.ContentNode) {
				t.Errorf("text\n%q\nfull comparison's\n%q", textOf(got.ContentNode), textOf(full.ContentNode))
			}
			first := opt
			first.FallbackCandidates = &trafilatura.FallbackCandidates{Others: []*html.Node{{Type: html.ElementNode, Data: "div"}}}
			held, err := trafilatura.ExtractDocument(doc, first)
			if err != nil {
				t.Fatal(err)
			}
			if wins := len(held.ContentText) < len(full.ContentText); wins != tt.readabilityWins {
				t.Errorf("Readability's text chosen: %v, want %v (first pass %d bytes, full %d)", wins, tt.readabilityWins, len(held.ContentText), len(full.ContentText))
			}
			lazy, err := extractWithFallback(doc, opt, true)
			if err != nil {
				t.Fatal(err)
			}
			want := full
			if tt.lazyKeeps {
				want = held
			}
			if textOf(lazy.ContentNode) != textOf(want.ContentNode) {
				t.Errorf("lazy: text\n%q\nwant\n%q", textOf(lazy.ContentNode), textOf(want.ContentNode))
			}
		})
	}
}

func textOf(n *html.Node) string {
	var b strings.Builder
	for _, bl := range dom.Blocks(n) {
		b.WriteString(bl.Text + "\n")
	}
	return b.String()
}

// TestTextMeasure checks the bound: never less than the text's length
// with every node's text joined by a space and white space folded.
func TestTextMeasure(t *testing.T) {
	for _, page := range []string{
		`<p>One  two<b>three</b> four</p>`,
		"<div>\n  <p>Line one</p>\n<p>Line\u00a0two</p><img src=x><span>x</span>y</div>",
		`<ul><li>a</li><li>b c</li></ul><script>var skipped = 1;</script>`,
		`<p>Ünïcödé  täxt — “quoted”</p>`,
		``,
	} {
		doc, err := html.Parse(strings.NewReader(page))
		if err != nil {
			t.Fatal(err)
		}
		var parts []string
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode && n.Data == "script" {
				return
			}
			if n.Type == html.TextNode {
				parts = append(parts, n.Data)
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
		want := utf8.RuneCountInString(strings.Join(strings.Fields(strings.Join(parts, " ")), " "))
		if got := textMeasure(doc); got != want {
			t.Errorf("textMeasure(%q) = %d, want %d", page, got, want)
		}
	}
}

// TestReadabilityBound checks that Readability's text never exceeds the
// bound, on pages where the bound leaves out what Readability drops: a
// footer, an aside, buttons and forms' fields, hidden elements, a modal
// dialog, and the one case where a hidden element stays (a <p> alone in
// a <div>, which Readability puts in the <div>'s place unchecked).
func TestReadabilityBound(t *testing.T) {
	story := `<article>` + paras("Story", 6) + `</article>`
	tests := []struct {
		name string
		page string
		// dropped is text the bound leaves out: the page's measure
		// less the bound must be at least its length.
		dropped string
	}{
		{"footer and aside", `<body>` + story + `<aside><p>` + sentence("Aside", 1) + `</p></aside><footer><p>` + sentence("Footer", 1) + `</p></footer></body>`, sentence("Aside", 1) + sentence("Footer", 1)},
		{"hidden menus", `<body><div style="DISPLAY: none"><p>` + sentence("Menu", 1) + `</p></div><ul hidden><li>` + sentence("List", 1) + `</li></ul><div aria-hidden="true">` + sentence("Aria", 1) + `</div>` + story + `</body>`, sentence("Menu", 1) + sentence("List", 1) + sentence("Aria", 1)},
		{"dialog and controls", `<body>` + story + `<div role="dialog" aria-modal="true"><p>` + sentence("Consent", 1) + `</p><button>Accept all cookies and go on reading</button></div><select><option>` + sentence("Option", 1) + `</option></select><noscript>` + sentence("Noscript", 1) + `</noscript></body>`, sentence("Consent", 1) + sentence("Option", 1) + sentence("Noscript", 1)},
		{"hidden paragraph alone in a div", `<body>` + story + `<div><p style="display:none">` + sentence("Disclaimer", 1) + sentence("Disclaimer", 2) + `</p></div></body>`, ""},
		{"visible fallback image", `<body>` + story + `<span class="fallback-image" aria-hidden="true">` + sentence("Formula", 1) + `</span></body>`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := html.Parse(strings.NewReader(tt.page))
			if err != nil {
				t.Fatal(err)
			}
			body := bodyOf(doc)
			bound, all := readabilityBound(body), textMeasure(body)
			if all-bound < utf8.RuneCountInString(tt.dropped) {
				t.Errorf("bound %d of a page measuring %d leaves out less than %d characters", bound, all, utf8.RuneCountInString(tt.dropped))
			}
			if tt.dropped == "" && bound != all {
				t.Errorf("bound %d, want the page's measure %d", bound, all)
			}
			art, err := readability.FromDocument(doc, nil)
			if err != nil || art.Node == nil {
				t.Fatalf("readability: %v", err)
			}
			if got := textMeasure(art.Node); got > bound {
				t.Errorf("Readability's text measures %d, over the bound %d", got, bound)
			}
		})
	}
}
