package archive

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/syndex/syndex/extract"
)

func TestQueryFromInput(t *testing.T) {
	para := "The harbour council voted on Tuesday to rebuild the old ferry terminal after the storm damaged its roof and the pier beside it. "
	page := `<!DOCTYPE html><html><head><title>Council rebuilds ferry terminal</title>
<link rel="canonical" href="https://ledger.example/2024/terminal">
<meta property="article:published_time" content="2024-03-05T09:00:00Z"></head>
<body><article><h1>Council rebuilds ferry terminal</h1><p>` + strings.Repeat(para, 3) + `</p><p>` + strings.Repeat(para, 3) + `</p></article></body></html>`
	opts := func() (extract.Options, error) { return extract.Options{}, nil }
	noOpts := func() (extract.Options, error) { return extract.Options{}, errors.New("options asked for a text") }
	ctx := context.Background()

	t.Run("text", func(t *testing.T) {
		q := LookupQuery{Site: "copier.example"}
		if err := QueryFromInput(ctx, "story.txt", []byte(para), "https://copier.example/s", &q, noOpts); err != nil {
			t.Fatal(err)
		}
		if q.Text != para || q.URL != "https://copier.example/s" || q.Site != "copier.example" || q.Title != "" {
			t.Errorf("query %+v", q)
		}
	})
	t.Run("page by its markup", func(t *testing.T) {
		var q LookupQuery
		if err := QueryFromInput(ctx, "-", []byte("\xef\xbb\xbf"+page), "", &q, opts); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(q.Text, "ferry terminal") || strings.Contains(q.Text, "<p>") || q.Title != "Council rebuilds ferry terminal" {
			t.Errorf("text %q title %q", q.Text, q.Title)
		}
		if q.URL != "https://ledger.example/2024/terminal" || !q.Published.Equal(time.Date(2024, 3, 5, 9, 0, 0, 0, time.UTC)) {
			t.Errorf("url %q published %v: want the page's own", q.URL, q.Published)
		}
	})
	t.Run("what the caller said stays", func(t *testing.T) {
		pub := time.Date(2024, 3, 6, 0, 0, 0, 0, time.UTC)
		q := LookupQuery{Site: "copier.example", Published: pub}
		if err := QueryFromInput(ctx, "saved.HTML", []byte(page), "https://copier.example/x", &q, opts); err != nil {
			t.Fatal(err)
		}
		if q.URL != "https://copier.example/x" || q.Site != "copier.example" || !q.Published.Equal(pub) {
			t.Errorf("url %q site %q published %v", q.URL, q.Site, q.Published)
		}
	})
	t.Run("page without text", func(t *testing.T) {
		var q LookupQuery
		err := QueryFromInput(ctx, "empty.html", []byte("<html><body><nav>Home</nav></body></html>"), "", &q, opts)
		if !errors.Is(err, ErrBadLookup) || !strings.HasPrefix(err.Error(), "lookup: no article text found in empty.html (") {
			t.Errorf("err %v, want a bad lookup naming the file", err)
		}
	})
	t.Run("options error", func(t *testing.T) {
		var q LookupQuery
		if err := QueryFromInput(ctx, "p.htm", []byte(page), "", &q, noOpts); err == nil || err.Error() != "options asked for a text" {
			t.Errorf("err %v, want the options' own", err)
		}
	})
}

func TestLooksLikeHTML(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       bool
	}{
		{"a.html", "plain words", true},
		{"A.XHTML", "", true},
		{"a.txt", "  <!DOCTYPE html><p>x", true},
		{"-", "\xef\xbb\xbf<html>", true},
		{"-", "<!-- saved --><html>", true},
		{"a.txt", "The <b>bank</b> raised rates", false},
		{"-", "", false},
	} {
		if got := LooksLikeHTML(tc.name, []byte(tc.body)); got != tc.want {
			t.Errorf("LooksLikeHTML(%q, %q) = %v, want %v", tc.name, tc.body, got, tc.want)
		}
	}
}
