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
