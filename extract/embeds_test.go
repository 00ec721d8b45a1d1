package extract

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/syndex/syndex/extract/internal/dom"
)

// furniturePage wraps body paragraphs in an article page whose meta
// author is author ("" for none).
func furniturePage(author, body string) string {
	meta := ""
	if author != "" {
		meta = fmt.Sprintf(`<meta name="author" content="%s">`, author)
	}
	return fmt.Sprintf(`<html><head><title>Council approves the new bridge</title>%s</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article><h1>Council approves the new bridge</h1>
%s
</article>
<footer>© Example News</footer></body></html>`, meta, body)
}

// storyParas returns n distinct paragraphs of an ordinary story.
func storyParas(from, to int) string {
	var sb strings.Builder
	for i := from; i <= to; i++ {
		fmt.Fprintf(&sb, "<p>Paragraph %d of the story: the council met on Tuesday evening and, after a long debate about costs, "+
			"traffic and the river banks, voted to build the bridge that residents have asked for since the old one closed.</p>\n", i)
	}
	return sb.String()
}

func extractHTML(t *testing.T, page string) (text string, boilerplate []string) {
	t.Helper()
	res, err := New(Options{}).Extract(context.Background(), Input{URL: "https://news.example.com/2024/03/bridge", HTML: []byte(page)})
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	return res.Article.Text, res.Article.Boilerplate
}

func containsAny(list []string, s string) bool {
	for _, x := range list {
		if strings.Contains(x, s) {
			return true
		}
	}
	return false
}

func TestDropFurniture(t *testing.T) {
	tests := []struct {
		name     string
		author   string
		body     string
		gone     []string // in Boilerplate, not in Text
		kept     []string // still in Text
		wantText string   // a paragraph of the story that must stay
	}{
		{
			name:   "closing bio of the byline's author",
			author: "Jane Doe",
			body: storyParas(1, 6) +
				`<p>Jane Doe is a reporter who covers city hall and transport. Send tips to the newsroom.</p>` + "\n",
			gone: []string{"Jane Doe is a reporter who covers city hall"},
		},
		{
			name:   "closing sentence about someone else stays",
			author: "Jane Doe",
			body: storyParas(1, 6) +
				`<p>John Smith is a retired engineer who first proposed the crossing in 1998 and says he will be at the opening.</p>` + "\n",
			kept: []string{"John Smith is a retired engineer"},
		},
		{
			name:   "byline repeated as a paragraph",
			author: "Jane Doe",
			body:   `<p><em>by</em> <a href="/author/jane-doe">Jane Doe</a></p>` + "\n" + storyParas(1, 6),
			gone:   []string{"Jane Doe"},
		},
		{
			name:   "all-caps teaser link inside the text",
			author: "",
			body: storyParas(1, 3) +
				`<p><a href="https://news.example.com/other-story"><strong>SENATE PASSES STATE BUDGET AFTER ALL-NIGHT SESSION</strong></a></p>` + "\n" +
				storyParas(4, 6),
			gone: []string{"SENATE PASSES STATE BUDGET"},
		},
		{
			name:   "all-caps line that is not a link stays",
			author: "",
			body: storyParas(1, 3) +
				`<p>THE BRIDGE WILL BE NAMED AFTER THE FIRST FERRY CAPTAIN</p>` + "\n" +
				storyParas(4, 6),
			kept: []string{"THE BRIDGE WILL BE NAMED"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			text, bp := extractHTML(t, furniturePage(tc.author, tc.body))
			if !strings.Contains(text, "Paragraph 3 of the story") {
				t.Fatalf("story text missing:\n%s", text)
			}
			for _, g := range tc.gone {
				if strings.Contains(text, g) {
					t.Errorf("Text keeps %q:\n%s", g, text)
				}
				if !containsAny(bp, g) {
					t.Errorf("Boilerplate lacks %q: %q", g, bp)
				}
			}
			for _, k := range tc.kept {
				if !strings.Contains(text, k) {
					t.Errorf("Text lost %q:\n%s", k, text)
				}
			}
		})
	}
}

// boxPage is a story whose container holds an Instagram card, a TikTok
// card, an embedded tweet, a teaser card for another story and the
// author's bio box, as the main-text
// extractor's fallbacks return such containers whole.
const boxPage = `<html><body><div class="post-content">
<p>The council met on Tuesday evening and voted to build the bridge that residents have asked for since the old one closed.</p>
<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/x/"><div><a href="https://www.instagram.com/p/x/">View this post on Instagram</a></div>
<p><a href="https://www.instagram.com/p/x/">A post shared by River Town Council (@rivertowncouncil)</a></p></blockquote>
<p>Work starts in May and should take two years, the council said in a statement after the vote.</p>
<blockquote class="tiktok-embed" cite="https://www.tiktok.com/@x/video/1"><section><a href="https://www.tiktok.com/@x">@bridgefan</a>
<p>The first look at the planned crossing over the river at dawn</p></section></blockquote>
<blockquote class="twitter-tweet"><p lang="en">The new bridge will open in spring, and we will hold a public ceremony for every resident of the valley.</p>
&mdash; River Town Council (@rivertown) <a href="https://twitter.com/rivertown/status/1">March 2, 2024</a></blockquote>
<p>Residents welcomed the decision.</p>
<div class="promo promo-small"><a href="/ferry"><h3 class="promo-title">Ferry fares rise again</h3></a>
<p class="promo-description">The ferry operator raised fares for the third time this year, blaming fuel costs.</p></div>
<p>The old bridge will be torn down once the new one opens.</p>
<div class="about-the-author"><div class="name">Sam Rivera</div>
<p>Sam Rivera has written about local government for the paper since 2009 and lives by the river with two cats.</p></div>
</div></body></html>`

func TestDropFurnitureBoxes(t *testing.T) {
	doc, err := html.Parse(strings.NewReader(boxPage))
	if err != nil {
		t.Fatal(err)
	}
	blocks := dom.Blocks(doc)
	kept, removed := dropFurniture(doc, &linkShareTable{doc: doc}, blocks, "")
	var text []string
	for _, b := range kept {
		text = append(text, b.Text)
	}
	all := strings.Join(text, "\n")
	for _, g := range []string{"View this post on Instagram", "A post shared by River Town Council", "@bridgefan",
		"The first look at the planned crossing", "Sam Rivera has written about local government",
		"Ferry fares rise again", "The ferry operator raised fares"} {
		if strings.Contains(all, g) {
			t.Errorf("text keeps %q", g)
		}
		if !containsAny(removed, g) {
			t.Errorf("removed lacks %q: %q", g, removed)
		}
	}
	// The story stays, and so does the embedded tweet: its text is the
	// quoted post.
	for _, k := range []string{"The council met on Tuesday", "Work starts in May", "Residents welcomed the decision.", "The old bridge will be torn down",
		"The new bridge will open in spring", "River Town Council (@rivertown) March 2, 2024"} {
		if !strings.Contains(all, k) {
			t.Errorf("text lost %q:\n%s", k, all)
		}
	}
}

func TestFurnitureBoxesBounded(t *testing.T) {
	// A mislabelled container that holds the whole story is not a box.
	long := strings.Repeat("The council met on Tuesday evening and voted to build the bridge. ", 40)
	doc, err := html.Parse(strings.NewReader(`<div class="author-bio-wrapper"><p>` + long + `</p></div>`))
	if err != nil {
		t.Fatal(err)
	}
	if boxes := furnitureBoxes(doc); len(boxes) != 0 {
		t.Errorf("furnitureBoxes took a %d-character container as a bio box", len(long))
	}
}

func TestIsAuthorBio(t *testing.T) {
	names := authorNames("Jane Doe, Max Roe and Ann Lee")
	tests := []struct {
		text string
		want bool
	}{
		{"Jane Doe is a reporter who covers city hall.", true},
		{"Max Roe is an editor based in Berlin.", true},
		{"Ann Lee covers science and health.", true},
		{"The Post's Jane Doe is the author of a book about bridges.", true},
		{"Jane Doe said the bridge would open in spring.", false},                     // a quote, not a bio
		{"Residents told Jane Doe is a phrase nobody uses.", false},                   // the name is not the subject
		{"John Smith is a reporter who covers city hall.", false},                     // not the article's author
		{"Jane Doe is a reporter. " + strings.Repeat("More words here. ", 40), false}, // too long for a bio
	}
	for _, tc := range tests {
		if got := isAuthorBio(tc.text, names); got != tc.want {
			t.Errorf("isAuthorBio(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
	if isAuthorBio("Jane Doe is a reporter.", nil) {
		t.Error("isAuthorBio with no author names = true")
	}
}

func TestAuthorNames(t *testing.T) {
	got := authorNames("Jane Doe, Max Roe and Ann Lee, Reuters")
	want := []string{"Jane Doe", "Max Roe", "Ann Lee"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("authorNames = %q, want %q", got, want)
	}
}

func TestIsBylineLine(t *testing.T) {
	names := []string{"Jane Doe"}
	tests := []struct {
		text string
		want bool
	}{
		{"By Jane Doe", true},
		{"byJane Doe", true},
		{"BY JANE DOE", true},
		{"By Jane Doe and the bridge committee", false},
		{"Jane Doe", false},
		{"By John Smith", false},
	}
	for _, tc := range tests {
		if got := isBylineLine(tc.text, names); got != tc.want {
			t.Errorf("isBylineLine(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

func TestCapsLinkLine(t *testing.T) {
	doc, err := html.Parse(strings.NewReader(`<body>
<p><a href="/a">SENATE PASSES STATE BUDGET AFTER ALL-NIGHT SESSION</a></p>
<p>SENATE PASSES STATE BUDGET AFTER A LONG NIGHT</p>
<p><a href="/b">Senate passes state budget after all-night session</a></p>
<p><a href="/c">NATO AND EU</a></p>
<h2><a href="/d">MORE HEADLINES FROM THE STATE CAPITOL</a></h2>
</body>`))
	if err != nil {
		t.Fatal(err)
	}
	shares := &linkShareTable{doc: doc}
	tests := []struct {
		b    dom.Block
		want bool
	}{
		{dom.Block{Text: "SENATE PASSES STATE BUDGET AFTER ALL-NIGHT SESSION", Tag: "p"}, true},
		{dom.Block{Text: "SENATE PASSES STATE BUDGET AFTER A LONG NIGHT", Tag: "p"}, false},      // not a link
		{dom.Block{Text: "Senate passes state budget after all-night session", Tag: "p"}, false}, // not capitals
		{dom.Block{Text: "NATO AND EU", Tag: "p"}, false},                                        // too short: an acronym line
		{dom.Block{Text: "MORE HEADLINES FROM THE STATE CAPITOL", Tag: "h2"}, false},             // headings are left to the heading rules
	}
	for _, tc := range tests {
		if got := capsLinkLine(shares, tc.b); got != tc.want {
			t.Errorf("capsLinkLine(%q) = %v, want %v", tc.b.Text, got, tc.want)
		}
	}
}

func TestInFurniture(t *testing.T) {
	boxes := []string{squeeze("View this post on Instagram. A post shared by River Town Council (@rivertowncouncil) on the opening day of the bridge")}
	tests := []struct {
		text string
		want int
	}{
		{"A post shared by River Town Council (@rivertowncouncil)", furnitureStrong},
		{"View this post on Instagram", furnitureWeak},
		{"Share", furnitureNone},
		{"The council met on Tuesday.", furnitureNone},
	}
	for _, tc := range tests {
		if got := inFurniture(tc.text, boxes); got != tc.want {
			t.Errorf("inFurniture(%q) = %d, want %d", tc.text, got, tc.want)
		}
	}
}

func TestPromoLabelsFurniture(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"SEE ALSO: Council delays the vote on the new bridge", true},
		{"Related video: The old bridge closes after 80 years", true},
		{"See also how the council voted in 2019 on the ferry.", false}, // no colon: a sentence
	}
	for _, tc := range tests {
		if got, _ := promoLine(tc.text, "p"); got != tc.want {
			t.Errorf("promoLine(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}
