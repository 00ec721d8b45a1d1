package extract

import (
	"context"
	"strings"
	"testing"
	"time"
)

// datePage wraps head and body markup in a minimal article page with
// enough text to be extracted.
func datePage(head, body string) string {
	para := "<p>" + strings.Repeat("The council met on the river bank to discuss the new bridge and its cost to the town. ", 6) + "</p>"
	return "<html><head><title>Bridge vote</title>" + head + "</head><body>" + body + "<article><h1>Bridge vote</h1>" + para + para + "</article></body></html>"
}

// headlinePage is an article page whose headline is followed by byline
// markup, two paragraphs of text and then after (a comment list or a
// sidebar).
func headlinePage(byline, after string) string {
	para := "<p>" + strings.Repeat("The council met on the river bank to discuss the new bridge and its cost to the town. ", 6) + "</p>"
	return "<html><head><title>Bridge vote</title></head><body><article><h1>Bridge vote</h1>" + byline + para + para + "</article>" + after + "</body></html>"
}

func TestPublishedDate(t *testing.T) {
	tests := []struct {
		name, url, html string
		want            string // RFC 3339, or a bare date when only the day is asserted
	}{
		{
			name: "visible dateline when the markup has no date",
			url:  "https://news.example/bridge-vote",
			html: datePage("", `<div>Pressemitteilung vom 14.3.2021</div>`),
			want: "2021-03-14",
		},
		{
			name: "publication label after the last change's label in one block",
			url:  "https://news.example/bridge-vote",
			html: datePage("", `<p class="foot">Letzte Änderung: 31.10.2023 - 14:49:39<br>Erschienen am: 01.11.2023<br>Lesungen: 61<br>© bei der Autorin</p>`),
			want: "2023-11-01",
		},
		{
			name: "date under a publication label beats a later-changed date",
			url:  "https://news.example/bridge-vote",
			html: datePage("", `<div><span class="sub">Erschienen am:</span><h2 class="headline">13.10.2021</h2></div><div><h4>Zuletzt geändert am:</h4><ul><li class="timestamp-item">15.10.2021</li></ul></div>`),
			want: "2021-10-13",
		},
		{
			name: "date under a last-change label is not the publication date",
			url:  "https://news.example/bridge-vote",
			html: datePage("", `<div><h4>Zuletzt geändert am:</h4><ul><li class="timestamp-item">15.10.2021</li></ul></div><p class="date">Stand: 12.10.2021</p>`),
			want: "2021-10-12",
		},
		{
			name: "a comment's date is not the dateline",
			url:  "https://news.example/bridge-vote",
			html: `<html><head><title>Bridge vote</title></head><body><article><h1>Bridge vote</h1><p>The council met on the river bank to discuss the bridge.</p><p>29.11.2022 – ` + strings.Repeat("The council met on the river bank to discuss the new bridge and its cost to the town. ", 6) + `</p></article><div class="comments"><span class="comment-date">02.12.2022, 15:57:32</span> Good.</div></body></html>`,
			want: "2022-11-29",
		},
		{
			name: "JSON-LD wrapped in CDATA beats meta",
			url:  "https://news.example/bridge-vote",
			html: datePage(`<meta property="article:published_time" content="2024-12-07T12:43:39Z"><script type="application/ld+json">
//<![CDATA[
{"@context":{"@vocab":"http://schema.org"},"@type":"NewsArticle","headline":"Bridge vote","datePublished":"2024-12-06T22:00:00-05:00"}
//]]>
</script>`, ""),
			want: "2024-12-06T22:00:00-05:00",
		},
		{
			name: "JSON-LD in an HTML comment",
			url:  "https://news.example/bridge-vote",
			html: datePage(`<script type="application/ld+json"><!-- {"@type":"BlogPosting","datePublished":"2015-10-15T02:19:00Z"} --></script>`, ""),
			want: "2015-10-15T02:19:00Z",
		},
		{
			name: "<time> without datetime read from its text",
			url:  "https://news.example/bridge-vote",
			html: datePage(`<meta property="og:updated_time" content="2020-06-02T11:57:06+02:00">`, `<time class="created">31.03.2020</time>`),
			want: "2020-03-31",
		},
		{
			name: "microdata datePublished outside <meta> beats a bare date meta",
			url:  "https://news.example/bridge-vote",
			html: datePage(`<meta name="date" content="2022-01-21T15:38:44+01:00">`, `<span><time itemprop="datePublished" datetime="2022-01-27">27.01.2022</time></span>`),
			want: "2022-01-27",
		},
		{
			name: "bare date meta days after the <time> is the last change",
			url:  "https://news.example/bridge-vote",
			html: datePage(`<meta name="date" content="2020-02-12">`, `<p><time>05.02.2020, 12:01 Uhr</time></p>`),
			want: "2020-02-05",
		},
		{
			name: "bare date meta beats a <time> months away",
			url:  "https://news.example/bridge-vote",
			html: datePage(`<meta name="date" content="2020-02-12">`, `<aside><time datetime="2019-06-01">1 June 2019</time></aside>`),
			want: "2020-02-12",
		},
		{
			name: "printed dateline by class beats go-htmldate's guess",
			url:  "https://news.example/bridge-vote",
			html: datePage("", `<div class="node-post-date">20.12.2022</div><aside><div class="teaser-date">11.12.2022</div></aside>`),
			want: "2022-12-20",
		},
		{
			name: "printed dateline by label",
			url:  "https://news.example/bridge-vote",
			html: datePage("", `<p>Erschienen am: 13.10.2021</p><aside><span class="date">01.10.2021</span></aside>`),
			want: "2021-10-13",
		},
		{
			name: "a clock widget is no dateline",
			url:  "https://news.example/bridge-vote",
			html: datePage("", `<p class="time">Current time: 14.10.2020, 12:18</p><div class="date">Published 21.01.2009</div>`),
			want: "2009-01-21",
		},
		{
			name: "bare date meta days after the printed dateline is the last change",
			url:  "https://news.example/bridge-vote",
			html: datePage(`<meta name="date" content="2020-02-12">`, `<div class="news-timedata">05.02.2020 - Redaktion</div>`),
			want: "2020-02-05",
		},
		{
			name: "meta over JSON-LD days apart when the printed date sides with meta",
			url:  "https://news.example/bridge-vote",
			html: datePage(`<meta property="article:published_time" content="2023-11-06T14:25:00+00:00"><script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2023-11-03T10:25:56+00:00"}</script>`, `<span class="entry-date"><time datetime="2023-11-06T15:25:00+01:00">6. November 2023</time></span>`),
			want: "2023-11-06T15:25:00+01:00",
		},
		{
			name: "JSON-LD over meta when nothing printed sides with meta",
			url:  "https://news.example/bridge-vote",
			html: datePage(`<meta property="article:published_time" content="2023-11-06T14:25:00+00:00"><script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2023-11-03T10:25:56+00:00"}</script>`, `<span class="entry-date">3. November 2023</span>`),
			want: "2023-11-03T10:25:56Z",
		},
		{
			name: "UTC meta shown in the local zone a <time> gives for the same instant",
			url:  "https://news.example/bridge-vote",
			html: datePage(`<meta property="article:published_time" content="2019-10-18T22:04:00Z">`, `<time datetime="2019-10-19T00:04:00+02:00">19.10.2019</time>`),
			want: "2019-10-19T00:04:00+02:00",
		},
		{
			name: "UTC meta and a zone-less local wall clock give the offset",
			url:  "https://news.example/bridge-vote",
			html: datePage(`<meta property="article:published_time" content="2023-11-09T05:30:59+00:00">`, `<time datetime="2023-11-08 23:30:59">November 8, 2023 at 11:30 p.m.</time>`),
			want: "2023-11-08T23:30:59-06:00",
		},
		{
			name: "zone-less meta takes the zone of its twin",
			url:  "https://news.example/bridge-vote",
			html: datePage(`<meta property="article:published_time" content="2022-01-06T00:29:34">`, `<time datetime="2022-01-06T00:29:34+01:00">6.1.2022</time>`),
			want: "2022-01-06T00:29:34+01:00",
		},
		{
			name: "UTC date hours off the permalink's day is shown on that day",
			url:  "https://blog.example/2019/01/01/new-year/",
			html: datePage(`<meta property="article:published_time" content="2018-12-31T23:11:59+00:00">`, ""),
			want: "2019-01-01T00:11:59+01:00",
		},
		{
			name: "UTC date after the permalink's day (west of Greenwich)",
			url:  "https://news.example/2020/02/24/bridge-vote/",
			html: datePage(`<meta property="article:published_time" content="2020-02-25T02:25:54+00:00">`, ""),
			want: "2020-02-24T23:25:54-03:00",
		},
		{
			name: "permalink day beats a comment's <time>",
			url:  "https://blog.example/2019/10/22/bridge-vote/",
			html: datePage("", `<div class="comments"><time datetime="2009-04-11 18:06:36">11. April 2009</time></div>`),
			want: "2019-10-22",
		},
		{
			name: "meta date days after the permalink's day keeps its word",
			url:  "https://news.example/2022/05/02/bridge-vote/",
			html: datePage(`<meta property="article:published_time" content="2022-05-08T06:00:00-05:00">`, ""),
			want: "2022-05-08T06:00:00-05:00",
		},
		{
			name: "a zoned non-UTC date is left alone",
			url:  "https://news.example/2019/12/09/bridge-vote/",
			html: datePage(`<meta property="article:published_time" content="2019-12-09T19:00:49+01:00">`, `<time datetime="2019-12-09 10:00:00">9.12.2019</time>`),
			want: "2019-12-09T19:00:49+01:00",
		},
		{
			name: "date printed under the headline beats a labelled date in a sidebar",
			url:  "https://news.example/bridge-vote",
			html: headlinePage(`<p>Von Anna Berg, 14. Januar 2022</p>`, `<div class="sidebar"><span class="date">03.01.2022</span> Other story</div>`),
			want: "2022-01-14",
		},
		{
			name: "UTC meta date an hour before the day printed under the headline is shown on that day",
			url:  "https://news.example/bridge-vote",
			html: strings.Replace(headlinePage(`<p>05.11.2021</p>`, ""), "</head>", `<meta property="article:published_time" content="2021-11-04T23:00:00Z"></head>`, 1),
			want: "2021-11-05T00:00:00+01:00",
		},
		{
			name: "UTC stamp with the local date and clock printed day-first under the headline takes the printed zone",
			url:  "https://news.example/bridge-vote",
			html: strings.Replace(headlinePage(`<ul class="info"><li>Capital</li><li>03/05/2022 21:44</li></ul>`, ""), "</head>", `<meta property="article:published_time" content="2022-05-04T00:44:52Z"></head>`, 1),
			want: "2022-05-03T21:44:52-03:00",
		},
		{
			name: "ambiguous printed date far from the stamp is not used",
			url:  "https://news.example/bridge-vote",
			html: strings.Replace(headlinePage(`<p>03/05/2022 21:44</p>`, ""), "</head>", `<meta property="article:published_time" content="2022-06-10T08:00:00Z"></head>`, 1),
			want: "2022-06-10T08:00:00Z",
		},
		{
			name: "a comment's <time> does not date the article",
			url:  "https://news.example/bridge-vote",
			html: strings.Replace(datePage("", `<div class="posted-on">Posted 16. August 2019</div>`), "</article>", `</article><div id="comments"><ol class="comment-list"><li><b>Peter</b> says: <time datetime="2019-08-24T03:36:11+02:00">24. August 2019 um 03:36 Uhr</time> Great.</li></ol></div>`, 1),
			want: "2019-08-16",
		},
		{
			name: "a zone written without a colon after minutes",
			url:  "https://news.example/bridge-vote",
			html: datePage("", `<time class="e-published-date" itemprop="datePublished" datetime="2023-08-30T16:45+0100">30 August 2023 • 4:45pm</time>`),
			want: "2023-08-30T16:45:00+01:00",
		},
		{
			name: "UTC stamp shown on the day of a dateline away from the headline",
			url:  "https://news.example/bridge-vote",
			html: datePage(`<meta property="article:published_time" content="2022-05-04T00:25:56Z">`, `<div class="com-date">3 de mayo de 2022</div>`),
			want: "2022-05-03T23:25:56-01:00",
		},
		{
			name: "a date-only stamp is not moved by a dateline",
			url:  "https://news.example/bridge-vote",
			html: datePage(`<meta property="article:published_time" content="2022-05-04">`, `<div class="com-date">3 de mayo de 2022</div>`),
			want: "2022-05-04T00:00:00Z",
		},
		{
			name: "a date after an empty element under a last-change label is no dateline",
			url:  "https://news.example/bridge-vote",
			html: datePage(`<meta property="article:published_time" content="2024-08-04T13:23:00Z">`, `<ul class="time-info"><li><span>Updated</span><time class="date-updated" datetime="2024-08-05T19:49:50Z"></time><span class="time-container">20:49, 5 Aug 2024</span></li></ul>`),
			want: "2024-08-04T13:23:00Z",
		},
		{
			name: "date printed under the headline beats a comment's <time> days away",
			url:  "https://news.example/bridge-vote",
			html: headlinePage(`<div><span>By Anna Berg</span> | <span>March 14, 2021</span></div>`, `<section id="comments"><time datetime="2021-04-02T10:00:00">2 April 2021</time> Nice piece</section>`),
			want: "2021-03-14",
		},
	}
	ex := New(Options{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := ex.Extract(context.Background(), Input{URL: tc.url, HTML: []byte(tc.html)})
			if err != nil {
				t.Fatal(err)
			}
			got := res.Article.Published
			if len(tc.want) == len("2006-01-02") {
				if got.IsZero() || got.Format(time.DateOnly) != tc.want {
					t.Errorf("Published = %v, want day %s", got, tc.want)
				}
				return
			}
			if got.Format(time.RFC3339) != tc.want {
				t.Errorf("Published = %s, want %s", got.Format(time.RFC3339), tc.want)
			}
		})
	}
}

// TestGuessedDate covers the last resort, go-htmldate's search of a page
// whose markup states no date: what it finds in a copyright notice or an
// asset's version stamp is refused, and a last-change note is reported as
// the modified date, not the publication.
func TestGuessedDate(t *testing.T) {
	tests := []struct {
		name, head, body    string
		published, modified string // bare dates, "" for none
	}{
		{"copyright year", "", `<footer><p>© 2016 Town Post. All rights reserved.</p></footer>`, "", ""},
		{"copyright range", "", `<footer><p>Copyright 1998-2022 Town Post Media</p></footer>`, "", ""},
		{"full date in a copyright line", "", `<footer><p>Copyright © 19.12.2019 - 12:14 h by Town Post GmbH</p></footer>`, "2019-12-19", ""},
		{"stylesheet version stamp", `<link rel="stylesheet" href="/css/site.css?v=2022-06-15">`, "", "", ""},
		{"last-change note", "", `<footer><p>This page was last modified on 4 November 2020, at 19:23.</p></footer>`, "", "2020-11-04"},
		{"creation note beside a last-change note", "", `<footer><p>bridge.html - Created 2004-10-03 2:20pm - Last Modified: 2004-10-03 2:20pm</p></footer>`, "2004-10-03", ""},
	}
	ex := New(Options{})
	day := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(time.DateOnly)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page := strings.Replace(datePage(tc.head, ""), "</article>", "</article>"+tc.body, 1)
			res, err := ex.Extract(context.Background(), Input{URL: "https://news.example/bridge-vote", HTML: []byte(page)})
			if err != nil {
				t.Fatal(err)
			}
			if got := day(res.Article.Published); got != tc.published {
				t.Errorf("Published = %q, want %q", got, tc.published)
			}
			if got := day(res.Article.Modified); got != tc.modified {
				t.Errorf("Modified = %q, want %q", got, tc.modified)
			}
		})
	}
}

// TestUpdateLine checks that an update line under the headline gives the
// modified date when the markup names none, shown in the publication's
// zone, and never instead of the publication date.
func TestUpdateLine(t *testing.T) {
	tests := []struct {
		name, head, byline  string
		published, modified string // RFC 3339, "" for none
	}{
		{"update line and publication line", "", `<div class="time-info"><span>Updated May 6, 2019 10:42</span></div><p>Published March 3, 2019</p>`, "2019-03-03T00:00:00Z", "2019-05-06T10:42:00Z"},
		{"update line in the stamp's zone", `<meta property="article:published_time" content="2024-08-04T13:23:00+01:00">`, `<ul><li><span>Updated</span> <span>5 Aug 2024 20:49</span></li></ul>`, "2024-08-04T13:23:00+01:00", "2024-08-05T20:49:00+01:00"},
		{"markup's modified date wins", `<meta property="article:published_time" content="2024-08-04T13:23:00Z"><meta property="article:modified_time" content="2024-08-06T09:00:00Z">`, `<p>Updated 5 Aug 2024</p>`, "2024-08-04T13:23:00Z", "2024-08-06T09:00:00Z"},
		{"an update before the publication is ignored", `<meta property="article:published_time" content="2024-08-04T13:23:00Z">`, `<p>Updated 1 Aug 2024</p>`, "2024-08-04T13:23:00Z", ""},
	}
	ex := New(Options{})
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(time.RFC3339)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page := strings.Replace(headlinePage(tc.byline, ""), "</head>", tc.head+"</head>", 1)
			res, err := ex.Extract(context.Background(), Input{URL: "https://news.example/bridge-vote", HTML: []byte(page)})
			if err != nil {
				t.Fatal(err)
			}
			if got := stamp(res.Article.Published); got != tc.published {
				t.Errorf("Published = %q, want %q", got, tc.published)
			}
			if got := stamp(res.Article.Modified); got != tc.modified {
				t.Errorf("Modified = %q, want %q", got, tc.modified)
			}
		})
	}
}
