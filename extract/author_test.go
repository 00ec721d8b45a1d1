package extract

import (
	"context"
	"net/url"
	"testing"
)

func TestCleanByline(t *testing.T) {
	tests := []struct{ in, want string }{
		{"By Jane Doe", "Jane Doe"},
		{"Posted by Jane Doe at 18:52", "Jane Doe"},
		{"Posted on September 21, 2020 by Jane Doe", "Jane Doe"},
		{"29. Juni 2017, 23:39 · von Max Muster", "Max Muster"},
		{"8. Januar 2020 · by Jane · in Allgemein", "Jane"},
		{"VON MAX MUSTER am 21. April 2020", "MAX MUSTER"},
		{"Max Muster, 01.12.2021", "Max Muster"},
		{"Jane Doe 11 February 2020", "Jane Doe"},
		{"Author: jdoe42 am 29.12.2010, 13:36 Uhr", "jdoe42"},
		{"Veröffentlicht vonMax Muster", "Max Muster"},
		{"Text und Interview: Max Muster", "Max Muster"},
		{"Autor Max Muster", "Max Muster"},
		{"Max Muster Stand: 05. Februar 2020", "Max Muster"},
		{"Von Max Muster am Samstag, 19. Oktober 2019 um 11:14 Uhr", "Max Muster"},
		{"Jane Doe @janedoe", "Jane Doe"},
		{"Jane Doe - https://example.org", "Jane Doe"},
		{"By Jane Doe, AP", "Jane Doe"},
		{"Section Von Max Muster", "Max Muster"},
		{"Written by Jane Doe Edited by John Roe", "Jane Doe, John Roe"},
		{"Walter von Aachen", "Walter von Aachen"},
		{"Jane Doe (avec John Roe)", "Jane Doe (avec John Roe)"},
		{"Max Muster Chefredakteur", "Max Muster"},
		{"Online-Experte Max Muster", "Max Muster"},
		{"Staff Writer", "Staff Writer"},
		{"Guardian staff reporter", "Guardian staff reporter"},
		{"Nicole Muster22. Februar 2020", "Nicole Muster"},
		{"jdoe22", "jdoe22"},
		{"Jana Nováková před 2 hodinami", "Jana Nováková"},
		{"Max Muster vor 3 Stunden", "Max Muster"},
		// Not names: comment headers, form labels, bare labels, counters.
		{"Max sagt:", ""},
		{"Jane Doe says:", ""},
		{"Name *", ""},
		{"Name (required)", ""},
		{"Posted", ""},
		{"Publiziert am", ""},
		{"Views(23925)", ""},
	}
	for _, tc := range tests {
		if got := cleanByline(tc.in); got != tc.want {
			t.Errorf("cleanByline(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestIsSiteAuthor(t *testing.T) {
	base, _ := url.Parse("https://www.example-news.de/a/1")
	tests := []struct {
		author string
		sites  []string
		want   bool
	}{
		{"example-news.de", nil, true},
		{"Example News", nil, true},
		{"Daily Planet", []string{"Daily Planet"}, true},
		{"El Planeta", []string{"ElPlaneta.com"}, true},
		{"Lois Lane", []string{"Daily Planet"}, false},
		{"Planet Times Online (www.planet-times.com)", nil, true},
		{"Die Example-News", nil, true},
		{"AFP/Example News", nil, false},
	}
	for _, tc := range tests {
		if got := isSiteAuthor(tc.author, tc.sites, base); got != tc.want {
			t.Errorf("isSiteAuthor(%q, %q) = %v, want %v", tc.author, tc.sites, got, tc.want)
		}
	}
}

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
