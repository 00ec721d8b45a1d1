package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/index"
	"github.com/syndex/syndex/store"
	"github.com/syndex/syndex/warc"
)

// hostileTitle and the hostile text try to mark the page if they ever run;
// the browser test looks for that mark.
const hostileTitle = `<script>document.body.setAttribute("data-pwned","title")</script>" onmouseover="document.body.setAttribute('data-pwned','attr')`

// backend serves the fixture from memory and a real Bleve index.
type backend struct {
	ix   *index.Index
	arts []*article.Article
}

func (b *backend) Search(ctx context.Context, q index.Query) (*index.Result, error) {
	return b.ix.Search(ctx, q)
}

func (b *backend) Article(id string) (*article.Article, error) {
	for _, a := range b.arts {
		if a.ID == id {
			return a, nil
		}
	}
	return nil, fmt.Errorf("article %s: %w", id, store.ErrNotFound)
}

func (b *backend) Cluster(id string) ([]*article.Article, error) {
	var out []*article.Article
	for _, a := range b.arts {
		if a.Cluster == id {
			out = append(out, a)
		}
	}
	return out, nil
}

func (b *backend) Articles() ([]*article.Article, error) { return b.arts, nil }

var t0 = time.Date(2024, 5, 6, 9, 0, 0, 0, time.UTC)

const (
	p1 = "Flood waters rose overnight in the river town of Millbrook, forcing dozens of families from their homes."
	p2 = "Emergency crews worked through the night to reinforce the levee with sandbags, the mayor said on Tuesday."
	p3 = "Forecasters expect the river to crest on Thursday before slowly receding over the weekend."
	p4 = "Residents can find shelter at the community centre on Main Street."
)

func mk(id, site string, role article.Role, cluster, orig, title, text string, pub time.Time, sim float64) *article.Article {
	return &article.Article{ID: id, URL: "https://" + site + "/news/" + id, Site: site, Title: title, Text: text,
		Published: pub, Fetched: pub.Add(time.Minute), Lang: "en", Cluster: cluster, Role: role, Original: orig, Similarity: sim}
}

func fixture() []*article.Article {
	orig := strings.Join([]string{p1, p2, p3, p4}, "\n\n")
	copyText := strings.Join([]string{
		"This story was republished with permission from Origin News.",
		p1,
		strings.Replace(p2, "on Tuesday", "late on Tuesday evening", 1),
		p3,
	}, "\n\n")
	arts := []*article.Article{
		mk("o1", "origin.example", article.RoleOriginal, "c1", "o1", "Flood waters rise in Millbrook", orig, t0, 1),
		mk("c1a", "copier.example", article.RoleCopy, "c1", "o1", "Flood waters rise in Millbrook", copyText, t0.Add(3*time.Hour), 0.91),
		mk("c1b", "aggregator.example", article.RoleCopy, "c1", "o1", "Millbrook flooding", orig, t0.Add(26*time.Hour), 0.99),
		mk("h1", "evil.example", article.RoleOriginal, "c5", "h1", hostileTitle, "Alert text about the harbour festival.\n\n<img src=x onerror=\"document.body.setAttribute('data-pwned','img')\">", t0.Add(48*time.Hour), 1),
		mk("h2", "copier.example", article.RoleCopy, "c5", "h1", hostileTitle, "Alert text about the harbour festival.", t0.Add(50*time.Hour), 0.9),
	}
	arts[0].Evidence = []string{article.EvidenceEarliest}
	arts[1].Boilerplate = []string{"Support our journalism: donate today."}
	arts[3].URL = "javascript:alert(3)"
	for i := range 25 {
		id := fmt.Sprintf("u%02d", i)
		arts = append(arts, mk(id, "indie.example", article.RoleUnique, id, id, fmt.Sprintf("Budget debate part %d", i),
			fmt.Sprintf("The council budget debate continued, session number %d, with no agreement in sight.", i), t0.AddDate(0, 0, -i), 1))
	}
	return arts
}

func newServer(t *testing.T, opt Options) (*httptest.Server, *backend) {
	t.Helper()
	b := newBackend(t)
	opt.PageSize = 10
	srv := httptest.NewServer(New(b, opt))
	t.Cleanup(srv.Close)
	return srv, b
}

// newBackend indexes the fixture in a fresh Bleve index.
func newBackend(t *testing.T) *backend { return newBackendOf(t, fixture()) }

// newBackendOf indexes arts in a fresh Bleve index.
func newBackendOf(t *testing.T, arts []*article.Article) *backend {
	t.Helper()
	ix, err := index.Open(filepath.Join(t.TempDir(), "bleve"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	b := &backend{ix: ix, arts: arts}
	docs := map[string]*index.Doc{}
	var order []string
	for _, a := range b.arts {
		d := docs[a.Cluster]
		if d == nil {
			d = &index.Doc{Cluster: a.Cluster}
			docs[a.Cluster] = d
			order = append(order, a.Cluster)
		}
		if a.Role == article.RoleCopy {
			d.Copies = append(d.Copies, a)
		} else {
			d.Original = a
		}
	}
	var list []index.Doc
	for _, c := range order {
		list = append(list, *docs[c])
	}
	if err := ix.Upsert(context.Background(), list); err != nil {
		t.Fatal(err)
	}
	return b
}

func get(t *testing.T, srv *httptest.Server, path string, wantStatus int) (*http.Response, []byte) {
	t.Helper()
	res, err := srv.Client().Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != wantStatus {
		t.Fatalf("GET %s: status %d, want %d\n%s", path, res.StatusCode, wantStatus, body)
	}
	return res, body
}

// page parses an HTML response and checks the invariants every page must
// keep: security headers, no script, no event-handler attribute, no
// javascript: URL, no external resource.
func page(t *testing.T, srv *httptest.Server, path string, wantStatus int) *html.Node {
	t.Helper()
	res, body := get(t, srv, path, wantStatus)
	if csp := res.Header.Get("Content-Security-Policy"); csp != CSP {
		t.Errorf("%s: CSP %q", path, csp)
	}
	if res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("%s: no nosniff", path)
	}
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	walk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		if n.Data == "script" || n.Data == "iframe" || n.Data == "img" {
			t.Errorf("%s: <%s> element in page", path, n.Data)
		}
		for _, a := range n.Attr {
			if strings.HasPrefix(a.Key, "on") {
				t.Errorf("%s: event attribute %s=%q on <%s>", path, a.Key, a.Val, n.Data)
			}
			if a.Key == "href" && strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:") {
				t.Errorf("%s: javascript: link", path)
			}
			if (a.Key == "src" || (a.Key == "href" && n.Data == "link")) && strings.Contains(a.Val, "//") {
				t.Errorf("%s: external resource %q", path, a.Val)
			}
		}
	})
	return doc
}

func walk(n *html.Node, f func(*html.Node)) {
	f(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

func attr(n *html.Node, k string) string {
	for _, a := range n.Attr {
		if a.Key == k {
			return a.Val
		}
	}
	return ""
}

func text(n *html.Node) string {
	var parts []string
	walk(n, func(m *html.Node) {
		if m.Type == html.TextNode {
			parts = append(parts, m.Data)
		}
	})
	return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}

// find returns the elements named tag (and with class cls, when given).
func find(doc *html.Node, tag, cls string) []*html.Node {
	var out []*html.Node
	walk(doc, func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == tag && (cls == "" || slices.Contains(strings.Fields(attr(n, "class")), cls)) {
			out = append(out, n)
		}
	})
	return out
}

func byID(doc *html.Node, id string) *html.Node {
	var out *html.Node
	walk(doc, func(n *html.Node) {
		if out == nil && n.Type == html.ElementNode && attr(n, "id") == id {
			out = n
		}
	})
	return out
}

func TestSearchPage(t *testing.T) {
	srv, _ := newServer(t, Options{})
	tests := []struct {
		path    string
		summary string
		first   string // first hit's link
		marks   string // a highlighted word
	}{
		{"/?q=flood", "Stories 1–1 of 1", "/cluster/c1", "flood"},
		{"/?q=flood&site=aggregator.example", "Stories 1–1 of 1", "/cluster/c1", ""},
		{"/?q=flood&site=indie.example", "No stories match.", "", ""},
		{"/?q=budget", "Stories 1–10 of 25", "", "budget"},
		{"/?q=budget&page=3", "Stories 21–25 of 25", "", ""},
		{"/?q=harbour", "Stories 1–1 of 1", "/cluster/c5", ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			doc := page(t, srv, tt.path, http.StatusOK)
			if got := text(byID(doc, "summary")); got != tt.summary {
				t.Errorf("summary %q, want %q", got, tt.summary)
			}
			hits := find(doc, "article", "hit")
			if tt.first != "" {
				if len(hits) == 0 || attr(find(hits[0], "a", "")[0], "href") != tt.first {
					t.Errorf("first hit does not link %s", tt.first)
				}
			}
			if tt.marks != "" {
				ok := false
				for _, m := range find(doc, "mark", "") {
					ok = ok || strings.EqualFold(text(m), tt.marks)
				}
				if !ok {
					t.Errorf("no <mark>%s</mark> in snippets", tt.marks)
				}
			}
		})
	}
	// Pagination and facets link onwards.
	doc := page(t, srv, "/?q=budget", http.StatusOK)
	next := byID(doc, "next")
	if next == nil || attr(next, "href") != "/?page=2&q=budget" {
		t.Fatalf("next link %v", next)
	}
	doc = page(t, srv, attr(next, "href"), http.StatusOK)
	if got := text(byID(doc, "summary")); got != "Stories 11–20 of 25" {
		t.Errorf("page 2 summary %q", got)
	}
	doc = page(t, srv, "/?q=flood", http.StatusOK)
	var facet string
	for _, a := range find(doc, "a", "") {
		if text(a) == "copier.example" && strings.HasPrefix(attr(a, "href"), "/?") {
			facet = attr(a, "href")
		}
	}
	if facet != "/?q=flood&site=copier.example" {
		t.Errorf("site facet link %q", facet)
	}
}

func TestBadInput(t *testing.T) {
	srv, _ := newServer(t, Options{})
	tests := []struct {
		path   string
		status int
		msg    string
	}{
		{"/?from=yesterday", 400, "from"},
		{"/?q=/unclosed", 400, "regular expression"},
		{"/?q=flood&page=0", 400, "page"},
		{"/?sort=random", 400, "sort"},
		{"/network?min_count=many", 400, "min_count"},
		{"/?q=flood&from=2024-05-07&to=2024-05-06", 400, "to: 2024-05-06 is before from 2024-05-07"},
		{"/network?from=2024-06&to=2024-05", 400, "to: 2024-05 is before from 2024-06"},
		{"/cluster/nope", 404, "Nothing"},
		{"/site/nowhere.example", 404, "No article"},
		{"/no/such/page", 404, "no page"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			doc := page(t, srv, tt.path, tt.status)
			if e := byID(doc, "error"); e == nil || !strings.Contains(text(e), tt.msg) {
				t.Errorf("error message lacks %q", tt.msg)
			}
		})
	}
}

func TestReadOnly(t *testing.T) {
	srv, _ := newServer(t, Options{})
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
		for _, p := range []string{"/", "/api/search", "/cluster/c1"} {
			req, _ := http.NewRequest(m, srv.URL+p, strings.NewReader("x=1"))
			res, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusMethodNotAllowed {
				t.Errorf("%s %s: %d, want 405", m, p, res.StatusCode)
			}
		}
	}
}

func TestClusterPage(t *testing.T) {
	srv, _ := newServer(t, Options{})
	doc := page(t, srv, "/cluster/c1", http.StatusOK)
	if got := text(byID(doc, "title")); got != "Flood waters rise in Millbrook" {
		t.Errorf("title %q", got)
	}
	copies := find(doc, "details", "copy")
	if len(copies) != 2 {
		t.Fatalf("%d copy sections, want 2", len(copies))
	}
	// First copy: copier.example, 3h later, with an added intro, an edited
	// paragraph, a cut paragraph and its boilerplate.
	c := copies[0]
	sum := text(find(c, "summary", "")[0])
	for _, want := range []string{"copier.example", "after 3h00m", "2 added", "1 cut", "1 edited", "2 unchanged"} {
		if !strings.Contains(sum, want) {
			t.Errorf("copy summary %q lacks %q", sum, want)
		}
	}
	var ins, del []string
	for _, n := range find(c, "ins", "") {
		ins = append(ins, text(n))
	}
	for _, n := range find(c, "del", "") {
		del = append(del, text(n))
	}
	wantIns := []string{"This story was republished with permission from Origin News.", "late", "evening.", "Support our journalism: donate today."}
	if strings.Join(ins, "|") != strings.Join(wantIns, "|") {
		t.Errorf("ins %q, want %q", ins, wantIns)
	}
	wantDel := []string{p4}
	if strings.Join(del, "|") != strings.Join(wantDel, "|") {
		t.Errorf("del %q, want %q", del, wantDel)
	}
	// Second copy is verbatim.
	sum = text(find(copies[1], "summary", "")[0])
	for _, want := range []string{"aggregator.example", "after 1d02h", "0 added", "0 cut", "0 edited", "4 unchanged"} {
		if !strings.Contains(sum, want) {
			t.Errorf("verbatim copy summary %q lacks %q", sum, want)
		}
	}
	// An article id redirects to its cluster.
	res, _ := get(t, srv, "/cluster/c1a", http.StatusOK)
	if res.Request.URL.Path != "/cluster/c1" {
		t.Errorf("article id landed on %s", res.Request.URL.Path)
	}
}

func TestHostileStrings(t *testing.T) {
	srv, _ := newServer(t, Options{})
	for _, p := range []string{"/cluster/c5", "/?q=harbour", "/site/evil.example", "/network", "/?q=script+alert"} {
		doc := page(t, srv, p, http.StatusOK)
		if p == "/cluster/c5" {
			if got := text(byID(doc, "title")); got != hostileTitle {
				t.Errorf("hostile title shown as %q", got)
			}
		}
	}
	// A hostile query is echoed escaped, whatever the index makes of it.
	doc := page(t, srv, "/?q=%3Cscript%3Ealert(1)%3C/script%3E", http.StatusBadRequest)
	if q := byID(doc, "q"); q == nil || attr(q, "value") != "<script>alert(1)</script>" {
		t.Error("query not echoed in the search box")
	}
	_, body := get(t, srv, "/?q=%3Cscript%3Ealert(1)%3C/script%3E", http.StatusBadRequest)
	if bytes.Contains(body, []byte("<script>")) {
		t.Error("query echoed unescaped")
	}
	_, body = get(t, srv, "/cluster/c5", http.StatusOK)
	if bytes.Contains(body, []byte("<script>")) || bytes.Contains(body, []byte("<img")) {
		t.Error("raw markup from a crawled string reached the page")
	}
}

func TestSiteAndNetwork(t *testing.T) {
	srv, _ := newServer(t, Options{})
	doc := page(t, srv, "/site/origin.example", http.StatusOK)
	rows := find(byID(doc, "copiers"), "tr", "")
	if got := text(byID(doc, "copiers")); len(rows) != 3 || !strings.Contains(got, "aggregator.example 1 1d02h") || !strings.Contains(got, "copier.example 1 3h00m") {
		t.Errorf("copiers table: %d rows: %q", len(rows), got)
	}
	// Another spelling of the site leads to the site's page.
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Get(srv.URL + "/site/WWW.Origin.Example")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "/site/origin.example" {
		t.Errorf("/site/WWW.Origin.Example: %d to %q, want 301 to /site/origin.example", res.StatusCode, res.Header.Get("Location"))
	}
	doc = page(t, srv, "/site/copier.example", http.StatusOK)
	if got := text(byID(doc, "sources")); !strings.Contains(got, "origin.example 1 3h00m") || !strings.Contains(got, "evil.example 1 2h00m") {
		t.Errorf("sources table %q", got)
	}
	doc = page(t, srv, "/network", http.StatusOK)
	links := map[string]bool{}
	for _, a := range find(byID(doc, "network"), "a", "") {
		links[attr(a, "href")] = true
	}
	for _, want := range []string{"/site/origin.example", "/site/copier.example", "/site/aggregator.example", "/site/evil.example"} {
		if !links[want] {
			t.Errorf("network picture lacks a link to %s (has %v)", want, links)
		}
	}
	if n := len(find(byID(doc, "edges"), "tr", "")); n != 4 {
		t.Errorf("edges table has %d rows, want header + 3", n)
	}
	doc = page(t, srv, "/network?min_count=2", http.StatusOK)
	if got := text(byID(doc, "edges")); !strings.Contains(got, "No syndication found") {
		t.Errorf("min_count=2 kept links: %q", got)
	}
}

func TestAPI(t *testing.T) {
	srv, _ := newServer(t, Options{})
	tests := []struct {
		path   string
		status int
		check  func(map[string]any) bool
	}{
		{"/api/search?q=flood", 200, func(m map[string]any) bool {
			return m["total"].(float64) == 1 && m["hits"].([]any)[0].(map[string]any)["cluster"] == "c1"
		}},
		{"/api/search?q=budget&limit=5&page=2", 200, func(m map[string]any) bool {
			return m["total"].(float64) == 25 && len(m["hits"].([]any)) == 5 && m["offset"].(float64) == 5
		}},
		{"/api/search?q=/unclosed", 400, func(m map[string]any) bool { return m["error"] != "" }},
		{"/api/clusters/c1", 200, func(m map[string]any) bool {
			return m["original"].(map[string]any)["id"] == "o1" && len(m["copies"].([]any)) == 2
		}},
		{"/api/clusters/none", 404, func(m map[string]any) bool { return m["error"] != nil }},
		{"/api/report", 200, func(m map[string]any) bool {
			e := m["edges"].([]any)
			return len(e) == 3 && e[0].(map[string]any)["source"] == "evil.example" && e[0].(map[string]any)["median_lag_seconds"].(float64) == 7200
		}},
		{"/api/report?min_count=2", 200, func(m map[string]any) bool { return len(m["edges"].([]any)) == 0 }},
		{"/api/report?to=2024-05-06", 200, func(m map[string]any) bool { return m["totals"].(map[string]any)["copies"].(float64) == 1 }},
		{"/api/sites/copier.example", 200, func(m map[string]any) bool { return len(m["edges"].([]any)) == 2 }},
		{"/api/sites/www.Copier.EXAMPLE", 200, func(m map[string]any) bool { return len(m["edges"].([]any)) == 2 }},
		{"/api/sites/none.example", 404, func(m map[string]any) bool { return m["error"] != nil }},
		{"/api/nothing", 404, func(m map[string]any) bool { return m["error"] != nil }},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res, body := get(t, srv, tt.path, tt.status)
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("content type %q", ct)
			}
			var m map[string]any
			if err := json.Unmarshal(body, &m); err != nil {
				t.Fatal(err)
			}
			if !tt.check(m) {
				t.Errorf("unexpected body %s", body)
			}
		})
	}
	_, body := get(t, srv, "/api/sites", 200)
	var sites []map[string]any
	if err := json.Unmarshal(body, &sites); err != nil || len(sites) != 5 || sites[0]["site"] != "indie.example" {
		t.Errorf("sites %s", body)
	}
}

func TestWARCRecord(t *testing.T) {
	dir := t.TempDir()
	var file bytes.Buffer
	rec := func(body string) {
		zw := gzip.NewWriter(&file)
		fmt.Fprintf(zw, "WARC/1.1\r\nWARC-Type: response\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n", len(body), body)
		zw.Close()
	}
	rec("HTTP/1.1 200 OK\r\n\r\n<p>first</p>")
	off := file.Len()
	rec("HTTP/1.1 200 OK\r\n\r\n<script>second</script>")
	if err := os.WriteFile(filepath.Join(dir, "a.warc.gz"), file.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	srv, b := newServer(t, Options{WARCDir: dir})
	b.arts[1].WARC = fmt.Sprintf("a.warc.gz#%d", off)
	b.arts[2].WARC = "../../../../etc/passwd#0"
	res, body := get(t, srv, "/warc/c1a", 200)
	if ct := res.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Errorf("content type %q", ct)
	}
	if !strings.HasPrefix(res.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Error("record not sandboxed")
	}
	if !bytes.HasPrefix(body, []byte("WARC/1.1\r\n")) || !bytes.HasSuffix(body, []byte("<script>second</script>")) || bytes.Contains(body, []byte("first")) {
		t.Errorf("record body %q", body)
	}
	get(t, srv, "/warc/c1b", 500) // traversal reduced to a missing "passwd" in dir
	get(t, srv, "/warc/o1", 404)  // no WARC location
	doc := page(t, srv, "/cluster/c1", 200)
	n := 0
	for _, a := range find(doc, "a", "") {
		if attr(a, "href") == "/warc/c1a" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d links to the archived record", n)
	}
}

func TestHostCheck(t *testing.T) {
	srv, _ := newServer(t, Options{AllowedHosts: []string{"archive.lan"}})
	tests := []struct {
		host string
		want int
	}{
		{"127.0.0.1:8080", 200},
		{"localhost:8080", 200},
		{"[::1]:8080", 200},
		{"archive.lan", 200},
		{"ARCHIVE.LAN.:80", 200},
		{"attacker.example:8080", http.StatusMisdirectedRequest},
		{"127.0.0.1.attacker.example", http.StatusMisdirectedRequest},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/sites", nil)
		req.Host = tt.host
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != tt.want {
			t.Errorf("Host %s: %d, want %d", tt.host, res.StatusCode, tt.want)
		}
	}
}

func TestClusterManyCopies(t *testing.T) {
	b := newBackend(t)
	for i := range 55 {
		b.arts = append(b.arts, mk(fmt.Sprintf("m%02d", i), fmt.Sprintf("mirror%02d.example", i), article.RoleCopy, "c1", "o1",
			"Flood", p1, t0.Add(time.Duration(100+i)*time.Hour), 0.9))
	}
	srv := httptest.NewServer(New(b, Options{}))
	defer srv.Close()
	doc := page(t, srv, "/cluster/c1", http.StatusOK)
	copies := find(doc, "details", "copy")
	skipped := 0
	for _, c := range copies {
		if strings.Contains(text(c), "not compared") {
			skipped++
			if len(find(c, "table", "")) != 0 {
				t.Error("an uncompared copy has a diff table")
			}
		}
	}
	if len(copies) != 57 || skipped != 57-maxDiffedCopies {
		t.Errorf("%d copies, %d not compared; want 57, %d", len(copies), skipped, 57-maxDiffedCopies)
	}
}

// TestImportedWARCRecord serves the record of an article imported from a
// web archive outside the WARC directory, and only from files the archive
// lists as imported.
func TestImportedWARCRecord(t *testing.T) {
	warcDir, elsewhere := t.TempDir(), t.TempDir()
	var file bytes.Buffer
	zw := gzip.NewWriter(&file)
	body := "HTTP/1.1 200 OK\r\n\r\n<p>imported</p>"
	fmt.Fprintf(zw, "WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: http://a.example/\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n", len(body), body)
	zw.Close()
	listed, unlisted := filepath.Join(elsewhere, "old.warc.gz"), filepath.Join(elsewhere, "other.warc.gz")
	os.WriteFile(listed, file.Bytes(), 0o644)
	os.WriteFile(unlisted, file.Bytes(), 0o644)
	if err := warc.AddImported(warcDir, []string{listed}); err != nil {
		t.Fatal(err)
	}
	srv, b := newServer(t, Options{WARCDir: warcDir})
	b.arts[1].WARC = listed + "#0"
	b.arts[2].WARC = unlisted + "#0"
	_, got := get(t, srv, "/warc/c1a", 200)
	if !bytes.HasPrefix(got, []byte("WARC/1.1\r\n")) || !bytes.HasSuffix(got, []byte("<p>imported</p>")) {
		t.Errorf("imported record %q", got)
	}
	get(t, srv, "/warc/c1b", 404)
	// The cluster page names the record's file and offset beside the
	// link, without the importing machine's directories.
	_, html := get(t, srv, "/cluster/c1", 200)
	if !bytes.Contains(html, []byte(`<a href="/warc/c1a">archived record</a> <span class="warcloc">(old.warc.gz at offset 0)</span>`)) || bytes.Contains(html, []byte(elsewhere)) {
		t.Errorf("cluster page does not name the record's place (or shows its directory):\n%s", html)
	}
	for loc, want := range map[string]string{
		"/data/in/x.wacz!archive/data.warc.gz#1234+2": "x.wacz!archive/data.warc.gz at offset 1234+2",
		"crawl-00001.warc.gz#77":                      "crawl-00001.warc.gz at offset 77",
		"no offset":                                   "",
	} {
		if got := warcPlace(loc); got != want {
			t.Errorf("warcPlace(%q) = %q, want %q", loc, got, want)
		}
	}
}

// revisitBackend knows the original of one revisit record.
type revisitBackend struct {
	*backend
	rv, orig string
}

func (b revisitBackend) RevisitOriginal(loc string) string {
	if loc == b.rv {
		return b.orig
	}
	return ""
}

// TestImportedRevisitRecord: the record of an article made from an imported
// revisit is the revisit record, followed by the record it repeats.
func TestImportedRevisitRecord(t *testing.T) {
	warcDir, elsewhere := t.TempDir(), t.TempDir()
	var file bytes.Buffer
	zw := gzip.NewWriter(&file)
	body := "HTTP/1.1 200 OK\r\n\r\n<p>the original page</p>"
	fmt.Fprintf(zw, "WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: http://a.example/\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n", len(body), body)
	zw.Close()
	origLen := file.Len()
	zw = gzip.NewWriter(&file)
	head := "HTTP/1.1 200 OK\r\n\r\n"
	fmt.Fprintf(zw, "WARC/1.1\r\nWARC-Type: revisit\r\nWARC-Target-URI: http://b.example/copy\r\nWARC-Refers-To-Target-URI: http://a.example/\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n", len(head), head)
	zw.Close()
	path := filepath.Join(elsewhere, "old.warc.gz")
	os.WriteFile(path, file.Bytes(), 0o644)
	if err := warc.AddImported(warcDir, []string{path}); err != nil {
		t.Fatal(err)
	}
	b := newBackend(t)
	rv, orig := fmt.Sprintf("%s#%d", path, origLen), path+"#0"
	b.arts[1].WARC = rv
	srv := httptest.NewServer(New(revisitBackend{b, rv, orig}, Options{WARCDir: warcDir, PageSize: 10}))
	t.Cleanup(srv.Close)
	_, got := get(t, srv, "/warc/c1a", 200)
	i := bytes.Index(got, []byte("WARC-Type: revisit"))
	j := bytes.Index(got, []byte("the record at old.warc.gz at offset 0"))
	k := bytes.Index(got, []byte("<p>the original page</p>"))
	if !bytes.HasPrefix(got, []byte("WARC/1.1\r\n")) || i < 0 || j < i || k < j {
		t.Errorf("revisit record and its original:\n%s", got)
	}
}
