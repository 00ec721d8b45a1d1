package report_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/internal/printable"
	"github.com/syndex/syndex/report"
	"github.com/syndex/syndex/report/picture"
	"github.com/syndex/syndex/report/render"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/report")

const (
	hostileTitle = "<script>alert(1)</script>\" onmouseover=\"alert(2)\x1b[31m"
	hostileSite  = "x\"><script>alert(3)</script>"
)

var base = time.Date(2024, 3, 4, 8, 0, 0, 0, time.UTC) // a Monday

func art(id, site string, role article.Role, cluster, orig string, pub time.Time, sim float64) *article.Article {
	return &article.Article{ID: id, URL: "https://" + site + "/" + id, Site: site, Title: "Story " + id,
		Text: "text of " + id, Published: pub, Fetched: pub.Add(time.Minute), Cluster: cluster, Role: role,
		Original: orig, Similarity: sim}
}

// fixture is a small archive: origin.example is a wire service copied by
// copier.example and aggregator.example, copier.example once originates a
// story origin.example copies, and a hostile pair tries to inject markup.
func fixture() []*article.Article {
	h := time.Hour
	d := 24 * h
	o := article.RoleOriginal
	c := article.RoleCopy
	u := article.RoleUnique
	arts := []*article.Article{
		art("o1", "origin.example", o, "c1", "o1", base, 1),
		art("c1a", "copier.example", c, "c1", "o1", base.Add(2*h), 0.95),
		art("c1b", "aggregator.example", c, "c1", "o1", base.Add(d), 0.9),
		art("o2", "origin.example", o, "c2", "o2", base.Add(7*d), 1),
		art("c2a", "copier.example", c, "c2", "o2", time.Time{}, 0.97),
		art("c2b", "aggregator.example", c, "c2", "o2", base.Add(10*d), 0.88),
		art("o3", "copier.example", o, "c3", "o3", base.Add(8*d), 1),
		art("c3a", "origin.example", c, "c3", "o3", base.Add(8*d+h), 0.99),
		art("o4", "origin.example", o, "c4", "o4", base.Add(14*d), 1),
		art("c4a", "copier.example", c, "c4", "o4", base.Add(14*d+6*h), 0.92),
		art("u1", "indie.example", u, "u1", "u1", base.Add(3*d), 1),
		art("u2", "origin.example", u, "u2", "u2", base.Add(4*d), 1),
		art("h1", "evil.example", o, "c5", "h1", base.Add(15*d-30*time.Minute), 1),
		art("h2", hostileSite, c, "c5", "h1", base.Add(15*d), 0.8),
	}
	// c2a has no publication date: its lag compares fetch times.
	arts[3].Fetched = base.Add(7 * d)
	arts[4].Fetched = base.Add(7*d + 4*h)
	arts[0].Evidence = []string{article.EvidenceEarliest, article.EvidenceContainment}
	for _, a := range arts {
		if a.Site == "origin.example" {
			a.SiteName = "Origin Daily"
		}
	}
	arts[1].SiteName = "Copier Weekly" // once; the other copier pages give none
	// c1a wraps the whole story in its own blocks; c1b runs its first half.
	arts[1].OriginalShare, arts[1].CopyShare = 1, 0.82
	arts[2].OriginalShare, arts[2].CopyShare = 0.56, 1
	arts[12].Title = hostileTitle
	arts[12].URL = "javascript:alert(1)"
	arts[13].URL = "https://evil.example/\"><img src=x onerror=alert(4)>"
	return arts
}

func i64(v int64) *int64 { return &v }

func TestBuild(t *testing.T) {
	r := report.Build(fixture(), report.Filter{})
	wantEdges := []struct {
		src, dst string
		count    int
		median   int64
	}{
		{"origin.example", "copier.example", 3, 14400},
		{"origin.example", "aggregator.example", 2, 172800},
		{"copier.example", "origin.example", 1, 3600},
		{"evil.example", hostileSite, 1, 1800},
	}
	if len(r.Edges) != len(wantEdges) {
		t.Fatalf("got %d edges, want %d: %+v", len(r.Edges), len(wantEdges), r.Edges)
	}
	for i, w := range wantEdges {
		e := r.Edges[i]
		if e.Source != w.src || e.Republisher != w.dst || e.Count != w.count || e.MedianLagSeconds == nil || *e.MedianLagSeconds != w.median {
			t.Errorf("edge %d = %s→%s %d %s, want %s→%s %d %d", i, e.Source, e.Republisher, e.Count, printable.Lag(e.MedianLagSeconds), w.src, w.dst, w.count, w.median)
		}
	}
	if e := r.Edges[0]; !e.First.Equal(base.Add(2*time.Hour)) || !e.Last.Equal(base.Add(14*24*time.Hour+6*time.Hour)) {
		t.Errorf("first/last of %s→%s = %v %v", e.Source, e.Republisher, e.First, e.Last)
	}
	wantSites := map[string]report.Site{
		"origin.example":     {Name: "Origin Daily", Articles: 5, Originals: 3, Copies: 1, Unique: 1, CopyShare: 0.2, Republished: 5},
		"copier.example":     {Name: "Copier Weekly", Articles: 4, Originals: 1, Copies: 3, CopyShare: 0.75, Republished: 1},
		"aggregator.example": {Articles: 2, Copies: 2, CopyShare: 1},
		"indie.example":      {Articles: 1, Unique: 1},
		"evil.example":       {Articles: 1, Originals: 1, Republished: 1},
		hostileSite:          {Articles: 1, Copies: 1, CopyShare: 1},
	}
	if len(r.Sites) != len(wantSites) {
		t.Fatalf("got %d sites, want %d", len(r.Sites), len(wantSites))
	}
	for _, s := range r.Sites {
		w := wantSites[s.Site]
		w.Site = s.Site
		if !reflect.DeepEqual(s, w) {
			t.Errorf("site %+v, want %+v", s, w)
		}
	}
	if r.Sites[0].Site != "origin.example" {
		t.Errorf("sites not sorted by articles: first is %q", r.Sites[0].Site)
	}
	tot := r.Totals
	if tot.Articles != 14 || tot.Sites != 6 || tot.Clusters != 5 || tot.Copies != 7 || tot.MedianLagSeconds == nil || *tot.MedianLagSeconds != 14400 {
		t.Errorf("totals %+v", tot)
	}
	if c := r.Clusters[0]; len(c.Copies) != 2 || c.ID != "c1" || c.Original.Site != "origin.example" || len(c.Evidence) != 2 {
		t.Errorf("largest cluster %+v", c)
	}
	// c2a: lag measured from its fetch time.
	for _, c := range r.Clusters {
		for _, cp := range c.Copies {
			if cp.ID == "c2a" && (cp.LagSeconds == nil || *cp.LagSeconds != 4*3600) {
				t.Errorf("c2a lag = %s, want 4h", printable.Lag(cp.LagSeconds))
			}
		}
	}
	wantWeeks := []int{2, 3, 2}
	if len(r.Timeline) != len(wantWeeks) {
		t.Fatalf("timeline %+v", r.Timeline)
	}
	for i, w := range wantWeeks {
		if r.Timeline[i].Copies != w || !r.Timeline[i].Start.Equal(base.Truncate(24*time.Hour).AddDate(0, 0, 7*i)) {
			t.Errorf("week %d = %+v, want %d copies", i, r.Timeline[i], w)
		}
	}
	if o := r.Originators(); o[0].Site != "origin.example" || o[0].Copies != 5 || o[0].Stories != 3 || o[0].Partners != 2 {
		t.Errorf("top originator %+v", o[0])
	}
	if o := r.Republishers(); o[0].Site != "copier.example" || o[0].Copies != 3 || o[0].Partners != 1 {
		t.Errorf("top republisher %+v", o[0])
	}
}

func TestBuildFilter(t *testing.T) {
	tests := []struct {
		name      string
		f         report.Filter
		edges     int
		clusters  int
		sites     []string
		copies    int
		firstEdge string
	}{
		{"min count", report.Filter{MinCount: 2}, 2, 5, nil, 7, "origin.example→copier.example"},
		{"site", report.Filter{Site: "aggregator.example"}, 1, 2, []string{"origin.example", "aggregator.example"}, 2, "origin.example→aggregator.example"},
		{"from", report.Filter{From: base.Add(7 * 24 * time.Hour)}, 4, 4, nil, 5, "origin.example→copier.example"},
		{"to", report.Filter{To: base.Add(7*24*time.Hour - time.Nanosecond)}, 2, 1, nil, 2, "origin.example→aggregator.example"},
		{"empty range", report.Filter{From: base.AddDate(1, 0, 0)}, 0, 0, []string{}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := report.Build(fixture(), tt.f)
			if len(r.Edges) != tt.edges || len(r.Clusters) != tt.clusters || r.Totals.Copies != tt.copies {
				t.Fatalf("edges %d clusters %d copies %d, want %d %d %d", len(r.Edges), len(r.Clusters), r.Totals.Copies, tt.edges, tt.clusters, tt.copies)
			}
			if tt.firstEdge != "" {
				if got := r.Edges[0].Source + "→" + r.Edges[0].Republisher; got != tt.firstEdge {
					t.Errorf("first edge %s, want %s", got, tt.firstEdge)
				}
			}
			if tt.sites != nil {
				var got []string
				for _, s := range r.Sites {
					got = append(got, s.Site)
				}
				if strings.Join(got, ",") != strings.Join(tt.sites, ",") {
					t.Errorf("sites %v, want %v", got, tt.sites)
				}
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	a := fixture()
	b := fixture()
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	for _, format := range render.Formats {
		var x, y bytes.Buffer
		if err := render.Write(&x, report.Build(a, report.Filter{}), format); err != nil {
			t.Fatal(err)
		}
		if err := render.Write(&y, report.Build(b, report.Filter{}), format); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x.Bytes(), y.Bytes()) {
			t.Errorf("%s output depends on input order", format)
		}
	}
}

func renderGolden(t *testing.T, r *report.Report, format string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := render.Write(&b, r, format); err != nil {
		t.Fatalf("write %s: %v", format, err)
	}
	golden := filepath.Join("..", "testdata", "report", "fixture."+format)
	if *update {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("read golden %s (run with -update): %v", golden, err)
	}
	if !bytes.Equal(want, b.Bytes()) {
		t.Errorf("%s output differs from %s (run with -update after checking)", format, golden)
	}
	return b.Bytes()
}

func TestText(t *testing.T) {
	out := string(renderGolden(t, report.Build(fixture(), report.Filter{}), "text"))
	for _, want := range []string{
		"14 articles on 6 sites, 5 syndicated stories, 7 copies, median lag 4h00m",
		"origin.example  →  copier.example                3       4h00m",
		"Top originating outlets",
		"Top republishers",
		"75.0%",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q:\n%s", want, out)
		}
	}
	if strings.ContainsRune(out, '\x1b') {
		t.Error("text report carries an ANSI escape from a crawled title")
	}
}

func TestJSON(t *testing.T) {
	out := renderGolden(t, report.Build(fixture(), report.Filter{}), "json")
	var doc struct {
		Clusters []struct {
			ID       string `json:"id"`
			Original struct {
				ID, URL, Site, Published string
			} `json:"original"`
			Copies []struct {
				ID         string   `json:"id"`
				Site       string   `json:"site"`
				Similarity float64  `json:"similarity"`
				LagSeconds *float64 `json:"lag_seconds"`
			} `json:"copies"`
			Evidence []string `json:"evidence"`
		} `json:"clusters"`
		Edges []struct {
			Source           string  `json:"source"`
			Republisher      string  `json:"republisher"`
			Count            int     `json:"count"`
			MedianLagSeconds float64 `json:"median_lag_seconds"`
		} `json:"edges"`
		Sites []struct {
			Site                        string
			Articles, Originals, Copies int
		} `json:"sites"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Clusters) != 5 || doc.Clusters[0].Original.Published != "2024-03-04T08:00:00Z" || doc.Clusters[0].Copies[0].LagSeconds == nil ||
		*doc.Clusters[0].Copies[0].LagSeconds != 7200 || doc.Clusters[0].Evidence[0] != "earliest-published" {
		t.Errorf("clusters: %+v", doc.Clusters[0])
	}
	if doc.Edges[0].Count != 3 || doc.Edges[0].MedianLagSeconds != 14400 || doc.Edges[1].MedianLagSeconds != 172800 {
		t.Errorf("edges: %+v", doc.Edges)
	}
	if doc.Sites[0].Site != "origin.example" || doc.Sites[0].Articles != 5 || doc.Sites[0].Originals != 3 {
		t.Errorf("sites: %+v", doc.Sites[0])
	}
	// Evidence is an array even when the original recorded none.
	var raw map[string][]map[string]any
	if err := json.Unmarshal(out, &raw); err == nil {
		for _, c := range raw["clusters"] {
			if _, ok := c["evidence"].([]any); !ok {
				t.Errorf("cluster %v has no evidence array", c["id"])
			}
		}
	}
}

func TestCSV(t *testing.T) {
	r := report.Build(fixture(), report.Filter{})
	renderGolden(t, r, "csv")
	tests := []struct {
		table  string
		rows   int
		header string
		check  func([][]string) bool
	}{
		{"edges", 5, "source", func(rs [][]string) bool { return rs[1][2] == "3" && rs[1][3] == "14400" }},
		{"clusters", 8, "cluster", func(rs [][]string) bool { return rs[1][0] == "c1" && rs[1][10] == "7200" }},
		{"sites", 7, "site", func(rs [][]string) bool { return rs[1][0] == "origin.example" && rs[1][5] == "0.2000" }},
	}
	for _, tt := range tests {
		t.Run(tt.table, func(t *testing.T) {
			var b bytes.Buffer
			if err := render.CSV(&b, r, tt.table); err != nil {
				t.Fatal(err)
			}
			rs, err := csv.NewReader(&b).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) != tt.rows || rs[0][0] != tt.header || !tt.check(rs) {
				t.Errorf("table %s: %v", tt.table, rs)
			}
		})
	}
	if err := render.CSV(&bytes.Buffer{}, r, "nope"); err == nil {
		t.Error("unknown table accepted")
	}
}

func TestGEXF(t *testing.T) {
	out := renderGolden(t, report.Build(fixture(), report.Filter{}), "gexf")
	var doc struct {
		XMLName xml.Name `xml:"http://gexf.net/1.3 gexf"`
		Graph   struct {
			DefaultEdgeType string `xml:"defaultedgetype,attr"`
			Attributes      []struct {
				Class string `xml:"class,attr"`
				Attrs []struct {
					ID string `xml:"id,attr"`
				} `xml:"attribute"`
			} `xml:"attributes"`
			Nodes []struct {
				ID     string `xml:"id,attr"`
				Label  string `xml:"label,attr"`
				Values []struct {
					For   string `xml:"for,attr"`
					Value string `xml:"value,attr"`
				} `xml:"attvalues>attvalue"`
			} `xml:"nodes>node"`
			Edges []struct {
				Source string  `xml:"source,attr"`
				Target string  `xml:"target,attr"`
				Weight float64 `xml:"weight,attr"`
				Values []struct {
					For   string `xml:"for,attr"`
					Value string `xml:"value,attr"`
				} `xml:"attvalues>attvalue"`
			} `xml:"edges>edge"`
		} `xml:"graph"`
	}
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	g := doc.Graph
	label := map[string]string{}
	declared := map[string]bool{}
	for _, a := range g.Attributes {
		for _, at := range a.Attrs {
			declared[a.Class+"/"+at.ID] = true
		}
	}
	for _, n := range g.Nodes {
		label[n.ID] = n.Label
		for _, v := range n.Values {
			if !declared["node/"+v.For] {
				t.Errorf("node value for undeclared attribute %q", v.For)
			}
		}
	}
	if g.DefaultEdgeType != "directed" || len(g.Nodes) != 5 || len(g.Edges) != 4 {
		t.Fatalf("graph: %s, %d nodes, %d edges", g.DefaultEdgeType, len(g.Nodes), len(g.Edges))
	}
	e := g.Edges[0]
	if label[e.Source] != "origin.example" || label[e.Target] != "copier.example" || e.Weight != 3 {
		t.Errorf("edge 0: %s→%s %v", label[e.Source], label[e.Target], e.Weight)
	}
	vals := map[string]string{}
	for _, v := range e.Values {
		if !declared["edge/"+v.For] {
			t.Errorf("edge value for undeclared attribute %q", v.For)
		}
		vals[v.For] = v.Value
	}
	if vals["median_lag_seconds"] != "14400" || vals["first"] != "2024-03-04T10:00:00Z" {
		t.Errorf("edge 0 values %v", vals)
	}
	for _, v := range g.Nodes[0].Values {
		if v.For == "name" && v.Value != "Origin Daily" {
			t.Errorf("node 0 name %q", v.Value)
		}
	}
	if label[g.Edges[3].Target] != hostileSite {
		t.Errorf("hostile label not round-tripped: %q", label[g.Edges[3].Target])
	}
}

// dotEdge matches one edge statement of our DOT output, with quoted ids
// that may contain escaped quotes.
var dotEdge = regexp.MustCompile(`^\s*"((?:[^"\\]|\\.)*)" -> "((?:[^"\\]|\\.)*)" \[label="((?:[^"\\]|\\.)*)", weight=(\d+), penwidth=[0-9.]+\];$`)

func TestDOT(t *testing.T) {
	out := renderGolden(t, report.Build(fixture(), report.Filter{}), "dot")
	unq := strings.NewReplacer(`\"`, `"`, `\\`, `\`)
	var edges []string
	depth := 0
	for _, line := range strings.Split(string(out), "\n") {
		depth += strings.Count(line, "{") - strings.Count(line, "}")
		if m := dotEdge.FindStringSubmatch(line); m != nil {
			edges = append(edges, unq.Replace(m[1])+"→"+unq.Replace(m[2])+" "+m[4])
		} else if strings.Contains(line, "->") {
			t.Errorf("unparsable edge line %q", line)
		}
	}
	if depth != 0 {
		t.Errorf("unbalanced braces")
	}
	want := []string{"origin.example→copier.example 3", "origin.example→aggregator.example 2", "copier.example→origin.example 1", "evil.example→" + hostileSite + " 1"}
	if strings.Join(edges, "|") != strings.Join(want, "|") {
		t.Errorf("edges %q, want %q", edges, want)
	}
	// Graphviz itself is the real validator, when installed and working.
	dot, err := workingDot()
	if err != nil {
		t.Skipf("dot validation skipped: %v", err)
	}
	cmd := exec.Command(dot, "-Tsvg")
	cmd.Stdin = bytes.NewReader(out)
	svg, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("dot rejected our output: %v\n%s", err, svg)
	}
	if n := bytes.Count(svg, []byte(`class="edge"`)); n != 4 {
		t.Errorf("graphviz drew %d edges, want 4", n)
	}
}

// workingDot finds Graphviz's dot and checks that it renders a trivial
// graph, so that a dot that is installed but broken (a missing plugin, a
// library mismatch) skips the validation instead of failing our test.
func workingDot() (string, error) {
	dot, err := exec.LookPath("dot")
	if err != nil {
		return "", fmt.Errorf("graphviz not installed")
	}
	cmd := exec.Command(dot, "-Tsvg")
	cmd.Stdin = strings.NewReader("digraph { a -> b }\n")
	out, err := cmd.CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("<svg")) {
		return "", fmt.Errorf("%s cannot render a trivial graph (%v): %.200s", dot, err, out)
	}
	return dot, nil
}

func TestWorkingDotBroken(t *testing.T) {
	bin := t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "dot"), []byte("#!/bin/sh\necho 'Format: \"svg\" not recognized' >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	if _, err := workingDot(); err == nil || !strings.Contains(err.Error(), "not recognized") {
		t.Errorf("broken dot: err = %v, want it named as broken", err)
	}
	t.Setenv("PATH", t.TempDir())
	if _, err := workingDot(); err == nil || !strings.Contains(err.Error(), "not installed") {
		t.Errorf("no dot: err = %v", err)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func walk(n *html.Node, f func(*html.Node)) {
	f(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

func text(n *html.Node) string {
	var b strings.Builder
	walk(n, func(m *html.Node) {
		if m.Type == html.TextNode {
			b.WriteString(m.Data)
		}
	})
	return b.String()
}

func TestHTML(t *testing.T) {
	out := renderGolden(t, report.Build(fixture(), report.Filter{}), "html")
	doc, err := html.Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*html.Node{}
	var paths, circles, bars int
	var titles []string
	walk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		if id := attr(n, "id"); id != "" {
			byID[id] = n
		}
		switch n.Data {
		case "script", "iframe", "object", "embed", "img":
			t.Errorf("report contains a <%s> element", n.Data)
		case "path":
			paths++
		case "circle":
			circles++
		case "rect":
			if attr(n, "fill") == "#dd6b20" {
				bars++
			}
		case "h3":
			titles = append(titles, text(n))
		case "a":
			if h := attr(n, "href"); strings.HasPrefix(strings.ToLower(h), "javascript:") {
				t.Errorf("javascript: link survived: %q", h)
			}
		}
		for _, a := range n.Attr {
			if strings.HasPrefix(a.Key, "on") {
				t.Errorf("event handler attribute %s=%q on <%s>", a.Key, a.Val, n.Data)
			}
			if (a.Key == "href" || a.Key == "src") && strings.HasPrefix(a.Val, "http") && n.Data != "a" {
				t.Errorf("external resource %s=%q on <%s>", a.Key, a.Val, n.Data)
			}
		}
	})
	for id, want := range map[string]string{"total-articles": "14", "total-copies": "7", "total-lag": "4h00m", "total-clusters": "5"} {
		if n := byID[id]; n == nil || text(n) != want {
			t.Errorf("#%s = %v, want %s", id, n, want)
		}
	}
	if paths != 4 || circles != 5+2 || bars != 3 {
		t.Errorf("svg: %d edge paths, %d circles (5 nodes + 2 legend), %d bars; want 4, 7, 3", paths, circles, bars)
	}
	rows := 0
	walk(byID["edges"], func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "tr" {
			rows++
		}
	})
	if rows != 5 {
		t.Errorf("edges table has %d rows, want header + 4", rows)
	}
	found := false
	for _, tl := range titles {
		if strings.Contains(tl, "<script>alert(1)</script>") {
			found = true
		}
	}
	if !found {
		t.Errorf("hostile title not shown as text: %q", titles)
	}
	if !bytes.Contains(out, []byte("Content-Security-Policy")) {
		t.Error("no CSP meta")
	}
}

func TestSVGStandalone(t *testing.T) {
	var b bytes.Buffer
	r := report.Build(fixture(), report.Filter{})
	if err := render.SVG(&b, r, picture.Options{Href: func(s string) string { return "/site/" + s }}); err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(&b)
	links := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			if err.Error() == "EOF" {
				break
			}
			t.Fatalf("svg is not well-formed XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "a" {
			links++
		}
	}
	if links != 5 {
		t.Errorf("%d node links, want 5", links)
	}
}

func TestLag(t *testing.T) {
	t1 := base.Add(time.Hour)
	tests := []struct {
		name     string
		orig, cp article.Article
		want     *int64
	}{
		{"published", article.Article{Published: base, Fetched: t1}, article.Article{Published: t1, Fetched: base}, i64(3600)},
		{"fetched when a date is missing", article.Article{Published: base, Fetched: base}, article.Article{Fetched: t1.Add(time.Hour)}, i64(7200)},
		{"copy claims earlier", article.Article{Published: t1}, article.Article{Published: base}, i64(-3600)},
		{"no comparable pair", article.Article{Published: base}, article.Article{Fetched: t1}, nil},
	}
	for _, tt := range tests {
		got := report.Lag(&tt.orig, &tt.cp)
		if (got == nil) != (tt.want == nil) || got != nil && *got != *tt.want {
			t.Errorf("%s: Lag = %s, want %s", tt.name, printable.Lag(got), printable.Lag(tt.want))
		}
	}
}

func TestUnknownFormat(t *testing.T) {
	if err := render.Write(&bytes.Buffer{}, report.Build(nil, report.Filter{}), "pdf"); err == nil {
		t.Error("unknown format accepted")
	}
	// An empty archive renders every format.
	for _, f := range render.Formats {
		if err := render.Write(&bytes.Buffer{}, report.Build(nil, report.Filter{}), f); err != nil {
			t.Errorf("empty %s: %v", f, err)
		}
	}
}

func TestBuildOddInput(t *testing.T) {
	tests := []struct {
		name                  string
		arts                  []*article.Article
		clusters, edges, cops int
		articles              int
	}{
		{"copy whose original is not archived", []*article.Article{
			{ID: "k", Site: "b.example", Role: article.RoleCopy, Cluster: "c", Original: "gone", Published: base},
		}, 1, 0, 1, 1},
		{"original found through the cluster", []*article.Article{
			{ID: "o", Site: "a.example", Role: article.RoleOriginal, Cluster: "c", Published: base},
			{ID: "k", Site: "b.example", Role: article.RoleCopy, Cluster: "c", Published: base.Add(time.Hour)},
		}, 1, 1, 1, 2},
		{"not yet deduplicated", []*article.Article{{ID: "x", Site: "a.example"}, nil, {Site: "no-id.example"}}, 0, 0, 0, 1},
		{"duplicate ids counted once", []*article.Article{
			{ID: "o", Site: "a.example", Role: article.RoleOriginal, Cluster: "c", Published: base},
			{ID: "k", Site: "b.example", Role: article.RoleCopy, Cluster: "c", Original: "o", Published: base.Add(time.Hour)},
			{ID: "k", Site: "b.example", Role: article.RoleCopy, Cluster: "c", Original: "o", Published: base.Add(time.Hour), Fetched: base},
		}, 1, 1, 1, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := report.Build(tt.arts, report.Filter{})
			if len(r.Clusters) != tt.clusters || len(r.Edges) != tt.edges || r.Totals.Copies != tt.cops || r.Totals.Articles != tt.articles {
				t.Errorf("clusters %d edges %d copies %d articles %d; want %d %d %d %d", len(r.Clusters), len(r.Edges),
					r.Totals.Copies, r.Totals.Articles, tt.clusters, tt.edges, tt.cops, tt.articles)
			}
			for _, f := range render.Formats {
				if err := render.Write(&bytes.Buffer{}, r, f); err != nil {
					t.Errorf("%s: %v", f, err)
				}
			}
		})
	}
}

// TestTextPlurals: a report of one story with one copy says so in the
// singular ("1 syndicated story, 1 copy"), not "1 stories, 1 copies".
func TestTextPlurals(t *testing.T) {
	arts := fixture()[12:14] // h1 and its one copy h2
	var b bytes.Buffer
	if err := render.Write(&b, report.Build(arts, report.Filter{}), "text"); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"2 articles on 2 sites, 1 syndicated story, 1 copy,", "\n  1 copy  "} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q:\n%s", want, out)
		}
	}
	for _, bad := range []string{"1 copies", "1 stories", "1 syndicated stories", "1 articles"} {
		if strings.Contains(out, bad) {
			t.Errorf("text report says %q", bad)
		}
	}
}

// TestTimesRule: machine-readable output keeps the offset the publisher
// stated; the text a reader sees gives UTC dates.
func TestTimesRule(t *testing.T) {
	arts := fixture()[12:14]
	ny := time.FixedZone("", -5*3600)
	arts[0].Published = time.Date(2024, 3, 4, 22, 30, 0, 0, ny) // 2024-03-05 03:30 UTC
	arts[1].Published = time.Date(2024, 3, 5, 9, 0, 0, 0, time.UTC)
	r := report.Build(arts, report.Filter{})
	var js, csvOut, text bytes.Buffer
	for f, b := range map[string]*bytes.Buffer{"json": &js, "text": &text} {
		if err := render.Write(b, r, f); err != nil {
			t.Fatal(err)
		}
	}
	if err := render.CSV(&csvOut, r, "clusters"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js.String(), `"published":"2024-03-04T22:30:00-05:00"`) && !strings.Contains(js.String(), `"published": "2024-03-04T22:30:00-05:00"`) {
		t.Errorf("report JSON lost the publisher's offset:\n%s", js.String())
	}
	if !strings.Contains(csvOut.String(), "2024-03-04T22:30:00-05:00") {
		t.Errorf("report CSV lost the publisher's offset")
	}
	if !strings.Contains(text.String(), "2024-03-05") || strings.Contains(text.String(), "2024-03-04") {
		t.Errorf("text report does not give the UTC date:\n%s", text.String())
	}
}
