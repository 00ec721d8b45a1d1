package meta

import (
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestMetaDates(t *testing.T) {
	tests := []struct {
		name, head, want string
	}{
		{"json-ld wins over og", `<meta property="article:published_time" content="2020-01-01T00:00:00Z"><script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2021-05-06T07:08:09+02:00"}</script>`, "2021-05-06T07:08:09+02:00"},
		{"graph", `<script type="application/ld+json">{"@graph":[{"@type":"WebPage"},{"@type":["BlogPosting"],"datePublished":"2022-02-03"}]}</script>`, "2022-02-03T00:00:00Z"},
		{"article meta", `<meta property="article:published_time" content="2019-11-19T10:00:00-05:00">`, "2019-11-19T10:00:00-05:00"},
		{"time element", `</head><body><time datetime="2018-07-01T12:30:00+01:00">1 July</time>`, "2018-07-01T12:30:00+01:00"},
		{"implausible year refused", `<meta name="date" content="1066-10-14">`, ""},
	}
	base, _ := url.Parse("https://x.example/a")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, _ := html.Parse(strings.NewReader("<html><head>" + tc.head + "</html>"))
			m := Read(doc, base)
			got := ""
			if !m.Published.IsZero() {
				got = m.Published.Format("2006-01-02T15:04:05Z07:00")
			}
			if got != tc.want {
				t.Errorf("Published = %q, want %q", got, tc.want)
			}
		})
	}
}
