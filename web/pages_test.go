package web

import (
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
