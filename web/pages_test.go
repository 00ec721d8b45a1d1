package web

import (
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/syndex/syndex/web/diff"
)

func TestSnippetSpans(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"plain &amp; simple", "plain & simple"},
		{"a <mark>hit</mark> here", "a [hit] here"},
		{"<mark>&lt;script&gt;</mark>", "[<script>]"},
		{"open <mark>never closed", "open [never closed]"},
	}
	for _, tt := range tests {
		var b strings.Builder
		for _, s := range snippetSpans(tt.in) {
			if s.Op == diff.OpSame {
				b.WriteString(s.Text)
			} else {
				b.WriteString("[" + s.Text + "]")
			}
		}
		if b.String() != tt.want {
			t.Errorf("snippetSpans(%q) = %q, want %q", tt.in, b.String(), tt.want)
		}
	}
}

func TestParseLocation(t *testing.T) {
	tests := []struct {
		in   string
		file string
		off  int64
		ok   bool
	}{
		{"a.warc.gz#12", "a.warc.gz", 12, true},
		{"../../etc/passwd#0", "passwd", 0, true},
		{"/abs/dir/b.warc.gz#7", "b.warc.gz", 7, true},
		{"nooffset", "", 0, false},
		{"a.warc.gz#-1", "", 0, false},
		{"#5", "", 0, false},
	}
	for _, tt := range tests {
		f, off, err := parseLocation(tt.in)
		if (err == nil) != tt.ok || f != tt.file || off != tt.off {
			t.Errorf("parseLocation(%q) = %q %d %v", tt.in, f, off, err)
		}
	}
}

// TestReportFilterSite checks that the network page reads its site field
// by the CLI's --site rule: a site (any case, with or without www.) is
// one site, a collection (NAME or @NAME, even of one site) its sites.
func TestReportFilterSite(t *testing.T) {
	s := &server{opt: Options{Collections: map[string][]string{"wires": {"wire.example", "feed.example"}, "solo": {"solo.example"}}}}
	for _, tc := range []struct {
		site, want string
		sites      []string
	}{
		{site: "", want: ""},
		{site: "copier.example", want: "copier.example"},
		{site: "Copier.EXAMPLE", want: "copier.example"},
		{site: "www.Copier.example", want: "copier.example"},
		{site: "wires", sites: []string{"wire.example", "feed.example"}},
		{site: "@solo", sites: []string{"solo.example"}},
		{site: "solo", sites: []string{"solo.example"}},
	} {
		r := httptest.NewRequest("GET", "/network?site="+url.QueryEscape(tc.site), nil)
		f, err := s.reportFilter(r)
		if err != nil || f.Site != tc.want || !slices.Equal(f.Sites, tc.sites) {
			t.Errorf("site=%q: Site %q, Sites %q, %v; want %q, %q", tc.site, f.Site, f.Sites, err, tc.want, tc.sites)
		}
	}
	if _, err := s.reportFilter(httptest.NewRequest("GET", "/network?site=@nope", nil)); err == nil || !strings.HasPrefix(err.Error(), `site: "@nope" is neither a site`) {
		t.Errorf("site=@nope: %v", err)
	}
}
