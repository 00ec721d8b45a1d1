package extract

import (
	"context"
	"testing"
)

func TestAuthorExtraction(t *testing.T) {
	const body = `<article><h1>Council votes on the new bridge</h1>
<p>The city council voted on Tuesday to build a new bridge across the river, ending a debate that lasted for more than ten years and divided the town.</p>
<p>Supporters said the bridge would cut travel times in half. Opponents warned about the cost and the noise for the people living along the river banks.</p>
<p>Construction is expected to begin next spring and take about three years, the mayor said after the vote in the town hall.</p></article>`
	tests := []struct {
		name, head, pre, post, want string
	}{
		{
			name: "JSON-LD author referenced by @id into the @graph",
			head: `<script type="application/ld+json">{"@context":"https://schema.org","@graph":[
{"@type":"NewsArticle","headline":"Council votes","author":{"@id":"https://example.org/#/person/1"}},
{"@type":"Person","@id":"https://example.org/#/person/1","name":"Jane Doe"}]}</script>`,
			want: "Jane Doe",
		},
		{
			name: "JSON-LD author list keeps the agency beside the writers",
			head: `<script type="application/ld+json">{"@type":"NewsArticle","author":[{"@type":"Person","name":"Jane Doe"},{"@type":"Organization","name":"Agency Press"}]}</script>`,
			want: "Jane Doe, Agency Press",
		},
		{
			name: "JSON-LD organisation that is the publisher yields to the byline",
			head: `<meta property="og:site_name" content="Daily Planet"><script type="application/ld+json">{"@type":"NewsArticle","author":{"@type":"Organization","name":"Daily Planet"}}</script>`,
			pre:  `<p class="byline">By Lois Lane</p>`,
			want: "Lois Lane",
		},
		{
			name: "meta author naming the site yields to the byline",
			head: `<meta name="author" content="example.org">`,
			pre:  `<span class="author">Von Max Muster · 18. Oktober 2019</span>`,
			want: "Max Muster",
		},
		{
			name: "site name stays when no person is named",
			head: `<meta name="author" content="Daily Planet"><meta property="og:site_name" content="Daily Planet">`,
			want: "Daily Planet",
		},
		{
			name: "profile URLs are not names",
			head: `<meta property="article:author" content="https://www.facebook.com/janedoe"><meta name="author" content="Jane Doe">`,
			want: "Jane Doe",
		},
		{
			name: "the person's part of an author value that also names the outlet",
			head: `<meta name="author" content="example - Jane Doe">`,
			want: "Jane Doe",
		},
		{
			name: "every author meta value",
			head: `<meta name="dc.creator" content="Jane Doe"><meta name="dc.creator" content="John Roe">`,
			want: "Jane Doe, John Roe",
		},
		{
			name: "comment authors and the comment form are not the byline",
			pre:  `<span class="meta-prep-author">Posted</span> <span class="author vcard">Jane Doe</span>`,
			post: `<div class="comments"><div class="comment-author vcard">Troll sagt:</div></div><form><p class="comment-form-author">Name *</p></form>`,
			want: "Jane Doe",
		},
		{
			name: "comment header alone gives no author",
			post: `<div id="comments"><div class="comment-author vcard">Max Muster sagt:</div></div>`,
			want: "",
		},
		{
			name: "plain-text byline without markup",
			pre:  `<p><i>von Daniela Muster</i></p>`,
			want: "Daniela Muster",
		},
		{
			name: "author label with the name in the next sibling",
			pre:  `<div><h5>Autor:</h5> Max Muster</div>`,
			want: "Max Muster",
		},
		{
			name: "author label element followed by a name element",
			pre:  `<div><h4>Author</h4><p><a href="/p/jd">Jane Doe</a></p></div>`,
			want: "Jane Doe",
		},
		{
			name: "Dublin Core creator before the name=author default",
			head: `<meta name="author" content="Site Admin Team"><meta name="DC.creator" content="Jane Doe">`,
			want: "Jane Doe",
		},
		{
			name: "space-separated meta properties",
			head: `<meta property="dc:creator twitter:site_name" content="Jane Doe">`,
			want: "Jane Doe",
		},
		{
			name: "plain-text sentence starting with a by-word is not a byline",
			pre:  `<p>Von der Brücke aus sieht man den Fluss.</p>`,
			want: "",
		},
		{
			name: "handle shown as the byline spells it",
			head: `<script type="application/ld+json">{"@type":"Article","author":{"@type":"Person","name":"maxmuster"}}</script>`,
			pre:  `<div class="post-author">von Max Muster</div>`,
			want: "Max Muster",
		},
	}
	ex := New(Options{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page := `<html><head><title>Council votes</title>` + tc.head + `</head><body>` + tc.pre + body + tc.post + `</body></html>`
			res, err := ex.Extract(context.Background(), Input{URL: "https://example.org/news/bridge", HTML: []byte(page)})
			if err != nil {
				t.Fatal(err)
			}
			if res.Article.Author != tc.want {
				t.Errorf("Author = %q, want %q", res.Article.Author, tc.want)
			}
		})
	}
}

// TestAuthorRulesOnPages runs the author rules on small whole pages.
func TestAuthorRulesOnPages(t *testing.T) {
	const body = `<h1>Council votes on the new bridge</h1>
<p>The city council voted on Tuesday to build a new bridge across the river, ending a debate that lasted for more than ten years and divided the town.</p>
<p>Supporters said the bridge would cut travel times in half. Opponents warned about the cost and the noise for the people living along the river banks.</p>
<p>Construction is expected to begin next spring and take about three years, the mayor said after the vote in the town hall.</p>`
	tests := []struct{ name, page, want string }{
		{
			name: "byline inside a layout wrapper named for its sidebar",
			page: `<div class="content-sidebar-wrap"><article>` + body + `<p class="byline author vcard">Par Jeanne Dupont</p></article><aside class="sidebar"><span class="author">Other Writer</span></aside></div>`,
			want: "Jeanne Dupont",
		},
		{
			name: "a real sidebar's author stays foreign",
			page: `<article>` + body + `</article><div class="sidebar-wrap"><span class="author">Other Writer</span></div>`,
			want: "",
		},
		{
			name: "author box bio yields to the plain byline",
			page: `<div class="has-sidebar"><article>` + body + `<div class="author-box">Jane Doe, photographer from Hamburg and founder of a studio</div><span class="author vcard">Jane Doe</span></article></div>`,
			want: "Jane Doe",
		},
		{
			name: "label words before the by-word",
			page: `<article>` + body + `<p><em>Text von Max Muster</em></p></article>`,
			want: "Max Muster",
		},
		{
			name: "article label before the by-word, date after",
			page: `<article><div><strong>Ein Artikel von Erika Muster | 27.01.2022 - 12:45</strong></div>` + body + `</article>`,
			want: "Erika Muster",
		},
		{
			name: "posted on a date by",
			page: `<article><div>Posted on September 21, 2020 by Jane Doe</div>` + body + `</article>`,
			want: "Jane Doe",
		},
		{
			name: "by-word with a colon",
			page: `<article>` + body + `<p>Von: Max Muster</p></article>`,
			want: "Max Muster",
		},
		{
			name: "a sentence opening with a connector is no byline",
			page: `<article>` + body + `<p>Und von Berlin aus Weiter Nach Hamburg</p></article>`,
			want: "",
		},
	}
	for _, tc := range tests {
		checkAuthor(t, tc.name, "", tc.page, tc.want)
	}
}

// TestAuthorMarkupCleaning covers author markup whose value needs
// cleaning: a Korean reporter title after the name, a share bar marked
// up as the author.
func TestAuthorMarkupCleaning(t *testing.T) {
	const body = `<h1>Council votes on the new bridge</h1><p>The council met on the river bank on Monday to discuss the new bridge, its cost to the town and the closure of the old ferry.</p><p>Members agreed to put the plan to a public vote in the spring, after a second survey of the river bed and the banks.</p>`
	tests := []struct{ name, head, page, want string }{
		{"Korean reporter title", `<meta name="author" content="신현주 기자">`, `<article>` + body + `</article>`, "신현주"},
		{"a name that is only the title is kept", `<meta name="author" content="기자">`, `<article>` + body + `</article>`, "기자"},
		{"share bar as author", "", `<article><div class="author">Twitter Facebook</div>` + body + `</article>`, ""},
		{"an author box's description is not the name", `<meta property="og:site_name" content="Town Post">`, `<article>` + body + `<div class="author-box"><h5><a href="/author/townpost/" rel="author">Town Post</a></h5><div class="author-description">Town Post's widely read newspaper, published every Thursday.</div></div></article>`, "Town Post"},
	}
	for _, tc := range tests {
		checkAuthor(t, tc.name, tc.head, tc.page, tc.want)
	}
}

// TestAuthorAccountsAndSuffixes covers generic accounts on whole pages
// (authors.TestAccountsAndSuffixes the cleaning of the values).
func TestAuthorAccountsAndSuffixes(t *testing.T) {
	const body = `<h1>Council votes on the new bridge</h1>
<p>The city council voted on Tuesday to build a new bridge across the river, ending a debate that lasted for more than ten years and divided the town.</p>
<p>Supporters said the bridge would cut travel times in half. Opponents warned about the cost and the noise for the people living along the river banks.</p>`
	pages := []struct{ name, head, page, want string }{
		{"a CMS account yields to the byline", `<script type="application/ld+json">{"@type":"Article","author":{"@type":"Person","name":"admin"}}</script>`,
			`<article><p>Von Max Muster</p>` + body + `</article>`, "Max Muster"},
		{"a CMS account alone is kept", `<script type="application/ld+json">{"@type":"Article","author":{"@type":"Person","name":"admin"}}</script>`,
			`<article>` + body + `</article>`, "admin"},
	}
	for _, tc := range pages {
		checkAuthor(t, tc.name, tc.head, tc.page, tc.want)
	}
}

// TestTextBylineForms covers plain-text bylines without byline markup.
func TestTextBylineForms(t *testing.T) {
	const body = `<h1>Council votes on the new bridge</h1>
<p>The city council voted on Tuesday to build a new bridge across the river, ending a debate that lasted for more than ten years and divided the town.</p>
<p>Supporters said the bridge would cut travel times in half. Opponents warned about the cost and the noise for the people living along the river banks.</p>`
	tests := []struct{ name, pre, post, want string }{
		{"picture credit after the writer", "", `<p><em>Text von Max Muster Illustration von Erika Muster</em></p>`, "Max Muster"},
		{"plural label without a colon", "", `<p>Autoren Max Muster und Erika Muster</p>`, "Max Muster und Erika Muster"},
		{"capitalised by-word after a separator", `<div><span>Health | By Jane Doe | April 13, 2020</span></div>`, "", "Jane Doe"},
		{"lower-case by after a separator is running text", `<div><span>Health | by the river we sat</span></div>`, "", ""},
		{"label then a sentence", "", `<p>Autoren Schreiben gern über Brücken und Flüsse</p>`, ""},
	}
	ex := New(Options{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page := `<html><head><title>Council votes</title></head><body><article>` + tc.pre + body + tc.post + `</article></body></html>`
			res, err := ex.Extract(context.Background(), Input{URL: "https://example.org/news/bridge", HTML: []byte(page)})
			if err != nil {
				t.Fatal(err)
			}
			if res.Article.Author != tc.want {
				t.Errorf("Author = %q, want %q", res.Article.Author, tc.want)
			}
		})
	}
}

// TestSignatureLine covers a writer's name closing the story.
func TestSignatureLine(t *testing.T) {
	const text = `<p>The city council voted on Tuesday to build a new bridge across the river, ending a debate that lasted for more than ten years and divided the town into two camps that rarely spoke to each other.</p>
<p>Supporters said the bridge would cut travel times in half. Opponents warned about the cost and the noise for the people living along the river banks, and about the trees that would have to go.</p>`
	tests := []struct{ name, tail, want string }{
		{"bold italic name after the text", `<p><b><i>Max Muster</i></b></p>`, "Max Muster"},
		{"right-aligned name before footnotes", `<p align="right"><em><font>Jeanne Dupont</font></em></p><p>(1) These figures come from the council's own report on traffic in the region over the last ten years, as published in spring.</p>`, "Jeanne Dupont"},
		{"a closing heading is no signature", `<p><strong>Weitere Informationen</strong></p>`, ""},
		{"a subheading followed by more text is no signature", `<p><strong>Max Muster</strong></p>` + text, ""},
		{"a plain paragraph is no signature", `<p>Max Muster</p>`, ""},
	}
	ex := New(Options{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page := `<html><head><title>Council votes</title></head><body><article><h1>Council votes on the new bridge</h1>` + text + tc.tail + `</article></body></html>`
			res, err := ex.Extract(context.Background(), Input{URL: "https://example.org/news/bridge", HTML: []byte(page)})
			if err != nil {
				t.Fatal(err)
			}
			if res.Article.Author != tc.want {
				t.Errorf("Author = %q, want %q", res.Article.Author, tc.want)
			}
		})
	}
}

// TestCopyrightHolderPages checks where the copyright holder stands among
// the author's sources on whole pages.
func TestCopyrightHolderPages(t *testing.T) {
	const body = `<h1>Council votes on the new bridge</h1>
<p>The city council voted on Tuesday to build a new bridge across the river, ending a debate that lasted for more than ten years and divided the town.</p>
<p>Supporters said the bridge would cut travel times in half. Opponents warned about the cost and the noise for the people living along the river banks.</p>`
	pages := []struct{ name, page, want string }{
		{"copyright holder when nobody else is named", `<article>` + body + `</article><footer><p>© 2019 Jane Doe</p></footer>`, "Jane Doe"},
		{"the byline wins over the copyright holder", `<article><p class="byline">By John Roe</p>` + body + `</article><footer><p>© 2019 Jane Doe</p></footer>`, "John Roe"},
	}
	for _, tc := range pages {
		checkAuthor(t, tc.name, "", tc.page, tc.want)
	}
}

// checkAuthor extracts a page made of head markup and body markup and
// checks its author, as subtest name.
func checkAuthor(t *testing.T, name, head, body, want string) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		page := `<html><head><title>Council votes</title>` + head + `</head><body>` + body + `</body></html>`
		res, err := New(Options{}).Extract(context.Background(), Input{URL: "https://example.org/news/bridge", HTML: []byte(page)})
		if err != nil {
			t.Fatal(err)
		}
		if res.Article.Author != want {
			t.Errorf("Author = %q, want %q", res.Article.Author, want)
		}
	})
}
