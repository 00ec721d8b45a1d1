package picture

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"testing"
)

// star is a network of n sites copying one source, the first half in
// collection "a", the rest in none.
func star(n int) Graph {
	g := Graph{Collections: []string{"a"}}
	g.Nodes = append(g.Nodes, Node{Site: "source.example", Out: n, Collection: "a"})
	for i := 1; i <= n; i++ {
		coll := ""
		if i <= n/2 {
			coll = "a"
		}
		site := fmt.Sprintf("copier-%02d.example", i)
		g.Nodes = append(g.Nodes, Node{Site: site, In: 1, Collection: coll})
		g.Links = append(g.Links, Link{Source: "source.example", Republisher: site, Count: 1})
	}
	return g
}

func TestWriteCollapses(t *testing.T) {
	tests := []struct {
		name      string
		sites     int
		maxNodes  int
		circles   int
		collapsed string
	}{
		{"under the limit", 9, 60, 10, ""},
		{"one circle per collection", 40, 10, 10, "smaller sites collapsed into 2 circles"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, star(tt.sites), Options{MaxNodes: tt.maxNodes}); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			// Legend swatches are circles too; count the sites' circles.
			if got := strings.Count(out, "<g><title>") - strings.Count(out, "<path"); got != tt.circles {
				t.Errorf("%d circles, want %d", got, tt.circles)
			}
			if tt.collapsed != "" && !strings.Contains(out, tt.collapsed) {
				t.Errorf("legend lacks %q", tt.collapsed)
			}
			if tt.collapsed == "" && strings.Contains(out, "collapsed") {
				t.Error("a circle collapsed under the limit")
			}
		})
	}
}

func TestWriteEscapesAndRepeats(t *testing.T) {
	g := star(3)
	g.Nodes[1].Name = `<script>alert(1)</script>` + "\x00\x1b"
	var first bytes.Buffer
	for i := range 2 {
		var b bytes.Buffer
		if err := Write(&b, g, Options{Href: func(s string) string { return "/site/" + s + `?"` }}); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(b.String(), "<script") {
			t.Fatal("a site's name reached the SVG unescaped")
		}
		dec := xml.NewDecoder(bytes.NewReader(b.Bytes()))
		for {
			_, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("not well-formed: %v", err)
			}
		}
		if i == 0 {
			first = b
		} else if !bytes.Equal(first.Bytes(), b.Bytes()) {
			t.Error("two drawings of one graph differ")
		}
	}
}

func TestWriteEmpty(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, Graph{}, Options{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "No syndication found") {
		t.Errorf("empty picture says %q", b.String())
	}
}
