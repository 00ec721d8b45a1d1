package report_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/report"
	"github.com/syndex/syndex/report/picture"
	"github.com/syndex/syndex/report/render"
)

// FuzzHostile feeds arbitrary titles, sites and URLs through the HTML,
// SVG and GEXF writers and checks that none of them lets markup through.
func FuzzHostile(f *testing.F) {
	f.Add(hostileTitle, hostileSite, "javascript:alert(1)")
	f.Add("]]><x>", "a\x00b", "https://x/\"><script>")
	f.Add("\xff\xfe", "\u202e", "data:text/html,<script>")
	f.Fuzz(func(t *testing.T, title, site, url string) {
		arts := []*article.Article{
			{ID: "o", Site: site, Title: title, URL: url, Published: base, Cluster: "c", Role: article.RoleOriginal, Original: "o"},
			{ID: "k", Site: "copy-" + site, Title: title, URL: url, Published: base.Add(time.Hour), Cluster: "c", Role: article.RoleCopy, Original: "o"},
		}
		r := report.Build(arts, report.Filter{})
		var b bytes.Buffer
		if err := render.HTML(&b, r); err != nil {
			t.Fatal(err)
		}
		doc, err := html.Parse(&b)
		if err != nil {
			t.Fatal(err)
		}
		walk(doc, func(n *html.Node) {
			if n.Type == html.ElementNode && (n.Data == "script" || n.Data == "img" || n.Data == "iframe") {
				t.Fatalf("<%s> element from hostile input", n.Data)
			}
			for _, a := range n.Attr {
				if strings.HasPrefix(a.Key, "on") {
					t.Fatalf("attribute %s from hostile input", a.Key)
				}
			}
		})
		for name, write := range map[string]func(io.Writer) error{
			"svg": func(w io.Writer) error {
				return render.SVG(w, r, picture.Options{Href: func(s string) string { return "/site/" + s }})
			},
			"gexf": func(w io.Writer) error { return render.GEXF(w, r) },
		} {
			b.Reset()
			if err := write(&b); err != nil {
				t.Fatal(err)
			}
			dec := xml.NewDecoder(&b)
			for {
				_, err := dec.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("%s not well-formed: %v", name, err)
				}
			}
		}
	})
}

func BenchmarkBuild(b *testing.B) {
	var arts []*article.Article
	for i := range 20000 {
		id := "a" + string(rune('a'+i%26)) + time.Duration(i).String()
		site := []string{"w.example", "x.example", "y.example", "z.example"}[i%4]
		a := &article.Article{ID: id, Site: site, Published: base.Add(time.Duration(i) * time.Minute), Cluster: id, Role: article.RoleUnique, Original: id}
		if i%3 != 0 {
			orig := arts[len(arts)-1-(i%3-1)]
			if orig.Role != article.RoleCopy {
				orig.Role = article.RoleOriginal
				a.Cluster, a.Role, a.Original = orig.Cluster, article.RoleCopy, orig.ID
			}
		}
		arts = append(arts, a)
	}
	b.ReportAllocs()
	for b.Loop() {
		report.Build(arts, report.Filter{})
	}
}

func BenchmarkWriteHTML(b *testing.B) {
	r := report.Build(fixture(), report.Filter{})
	b.ReportAllocs()
	for b.Loop() {
		if err := render.HTML(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}
