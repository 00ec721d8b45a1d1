package extract

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/syndex/syndex/extract/meta"
)

func TestClassify(t *testing.T) {
	long := strings.Repeat("This sentence is part of a long article body. ", 20)
	tests := []struct {
		name, url string
		meta      meta.Page
		body      string
		text      string
		want      bool
	}{
		{"json-ld article", "https://x.example/", meta.Page{LDArticle: true}, "<p>t</p>", long, true},
		{"og article", "https://x.example/story", meta.Page{OGType: "article"}, "<p>t</p>", long, true},
		{"home page", "https://x.example/", meta.Page{OGType: "website"}, "<p>t</p>", long, false},
		{"tag listing", "https://x.example/tag/floods/", meta.Page{}, "<p>t</p>", long, false},
		{"paged listing", "https://x.example/news/page/2", meta.Page{}, "<p>t</p>", long, false},
		{"story leaf under a section path", "https://x.example/section/story.cfm", meta.Page{}, "<p>t</p>", long, true},
		{"query-string article at the root", "https://x.example/?NewsID=25318", meta.Page{}, "<p>t</p>", long, true},
		{"substantial text beats nav links", "https://x.example/misc", meta.Page{}, strings.Repeat(`<a href="/a">a headline here</a>`, 200), strings.Repeat(long+"\n\n", 3), true},
		{"dated url", "https://x.example/2024/03/18/river", meta.Page{}, "<p>" + long + "</p>", long, true},
		{"link farm", "https://x.example/misc", meta.Page{}, strings.Repeat(`<a href="/a">a headline here</a>`, 50) + "<p>short</p>", long, false},
		{"too short", "https://x.example/2024/03/18/river", meta.Page{OGType: "article"}, "<p>t</p>", "Short.", false},
		// Site furniture is not a story, whatever its markup claims.
		{"contact page", "https://x.example/contact/", meta.Page{OGType: "article"}, "<p>" + long + "</p>", strings.Repeat(long+"\n\n", 3), false},
		{"donation page", "https://x.example/support-us", meta.Page{LDArticle: true}, "<p>" + long + "</p>", strings.Repeat(long+"\n\n", 3), false},
		{"privacy page with extension", "https://x.example/info/Privacy_Policy.html", meta.Page{}, "<p>" + long + "</p>", strings.Repeat(long+"\n\n", 3), false},
		{"German imprint", "https://x.example/impressum", meta.Page{}, "<p>" + long + "</p>", strings.Repeat(long+"\n\n", 3), false},
		{"story whose slug mentions privacy", "https://x.example/news/privacy-rules-tighten-for-apps", meta.Page{OGType: "article"}, "<p>" + long + "</p>", long, true},
		{"dated story with a furniture word as slug", "https://x.example/2024/03/18/donate", meta.Page{OGType: "article"}, "<p>" + long + "</p>", long, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, _ := html.Parse(strings.NewReader(tc.body))
			got, reason := classify(tc.url, tc.meta, doc, tc.text)
			if got != tc.want || reason == "" {
				t.Errorf("classify = %v (%s), want %v", got, reason, tc.want)
			}
		})
	}
}

func ExampleExtractor_Extract() {
	page := []byte(`<html lang="en"><head><title>Harbor ferries to run later</title>
<meta property="og:type" content="article"></head><body><article>
<h1>Harbor ferries to run later</h1>
<p>The harbor commission voted on Thursday to extend the ferry schedule into the late evening, ending a decade of early last boats.</p>
<p>Island residents had petitioned for the change for years, saying the early departure forced workers to choose between shifts and getting home.</p>
<p>This article first appeared in The Harbor Post.</p>
</article></body></html>`)
	ex := New(Options{})
	res, err := ex.Extract(context.Background(), Input{URL: "https://islands.example/2024/03/20/ferries", HTML: page})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.IsArticle, res.Article.Title)
	fmt.Println(res.Article.Source)
	fmt.Println(res.Article.Boilerplate)
	// Output:
	// true Harbor ferries to run later
	// The Harbor Post
	// [This article first appeared in The Harbor Post.]
}
