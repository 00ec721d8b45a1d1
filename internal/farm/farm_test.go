package farm

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/temoto/robotstxt"
	"golang.org/x/net/html"

	"github.com/syndex/syndex/article"
)

func startFarm(t *testing.T, opt Options) *Farm {
	t.Helper()
	f, err := Start(context.Background(), opt)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := f.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return f
}

func get(t *testing.T, u string) (int, []byte, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("User-Agent", "farmtest/1.0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", u, err)
	}
	return resp.StatusCode, b, resp.Header
}

// doc holds what the tests need from an HTML page.
type doc struct {
	title      string
	paras      []string
	links      []string
	meta       map[string]string
	jsonLD     []string
	feedHref   string
	canonical  string
	attributed string
}

func parsePage(t *testing.T, b []byte) doc {
	t.Helper()
	root, err := html.Parse(strings.NewReader(string(b)))
	if err != nil {
		t.Fatalf("parse html: %v", err)
	}
	d := doc{meta: map[string]string{}}
	attr := func(n *html.Node, k string) string {
		for _, a := range n.Attr {
			if a.Key == k {
				return a.Val
			}
		}
		return ""
	}
	var text func(n *html.Node) string
	text = func(n *html.Node) string {
		if n.Type == html.TextNode {
			return n.Data
		}
		var s strings.Builder
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			s.WriteString(text(c))
		}
		return s.String()
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "p":
				if attr(n, "class") == "attribution" {
					d.attributed = text(n)
				}
				d.paras = append(d.paras, strings.TrimSpace(text(n)))
			case "h1":
				if d.title == "" {
					d.title = strings.TrimSpace(text(n))
				}
			case "a":
				d.links = append(d.links, attr(n, "href"))
			case "meta":
				if k := attr(n, "property") + attr(n, "name"); k != "" {
					d.meta[k] = attr(n, "content")
				}
			case "script":
				if attr(n, "type") == "application/ld+json" {
					d.jsonLD = append(d.jsonLD, text(n))
				}
			case "link":
				switch attr(n, "rel") {
				case "alternate":
					d.feedHref = attr(n, "href")
				case "canonical":
					d.canonical = attr(n, "href")
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return d
}

func TestOutletsAreDistinctHosts(t *testing.T) {
	f := startFarm(t, Options{})
	outs := f.Outlets()
	if len(outs) < 6 {
		t.Fatalf("got %d outlets, want at least 6", len(outs))
	}
	sites := map[string]bool{}
	roles := map[Role]int{}
	for i, o := range outs {
		if sites[o.Site] {
			t.Errorf("outlet %s shares site %s with another outlet", o.Key, o.Site)
		}
		sites[o.Site] = true
		roles[o.Role]++
		if got := article.SiteOf(o.BaseURL + "/x"); got != o.Site {
			t.Errorf("outlet %s: Site %q, SiteOf gives %q", o.Key, o.Site, got)
		}
		if f.Seeds()[i] != o.BaseURL+"/" {
			t.Errorf("seed %d = %s, want %s/", i, f.Seeds()[i], o.BaseURL)
		}
		code, b, _ := get(t, o.BaseURL+"/")
		if code != http.StatusOK || !strings.Contains(string(b), o.Name) {
			t.Errorf("home of %s: status %d, masthead present %v", o.Key, code, strings.Contains(string(b), o.Name))
		}
	}
	if roles[RoleOrigin] < 2 || roles[RoleRepublisher] < 2 || roles[RoleTruncator] < 1 {
		t.Errorf("roles %v: want >=2 origins, >=2 republishers, >=1 truncator", roles)
	}
}

func TestRobots(t *testing.T) {
	f := startFarm(t, Options{CrawlDelay: 1500 * time.Millisecond})
	delays := 0
	for _, o := range f.Outlets() {
		code, b, hdr := get(t, o.BaseURL+"/robots.txt")
		if code != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), "text/plain") {
			t.Fatalf("%s robots: status %d type %q", o.Key, code, hdr.Get("Content-Type"))
		}
		r, err := robotstxt.FromBytes(b)
		if err != nil {
			t.Fatalf("%s robots.txt: %v", o.Key, err)
		}
		g := r.FindGroup("syndex")
		tests := []struct {
			path  string
			allow bool
		}{
			{"/", true},
			{"/search?q=x", false},
			{"/account/login", false},
			{"/section/city", true},
		}
		for _, tc := range tests {
			if got := g.Test(tc.path); got != tc.allow {
				t.Errorf("%s: robots allows %s = %v, want %v", o.Key, tc.path, got, tc.allow)
			}
		}
		if r.TestAgent("/", "GreedyBot") {
			t.Errorf("%s: GreedyBot should be disallowed everywhere", o.Key)
		}
		if !slices.Contains(r.Sitemaps, o.Sitemap) {
			t.Errorf("%s: sitemaps %v do not list %s", o.Key, r.Sitemaps, o.Sitemap)
		}
		if g.CrawlDelay != o.CrawlDelay {
			t.Errorf("%s: robots Crawl-delay %s, Outlet says %s", o.Key, g.CrawlDelay, o.CrawlDelay)
		}
		if o.CrawlDelay > 0 {
			delays++
			if o.CrawlDelay != 1500*time.Millisecond {
				t.Errorf("%s: crawl delay %s, want the option's 1.5s", o.Key, o.CrawlDelay)
			}
		}
	}
	if delays != 1 {
		t.Errorf("%d outlets declare Crawl-delay, want 1", delays)
	}
}

type urlset struct {
	URLs []struct {
		Loc  string `xml:"loc"`
		News *struct {
			Title string `xml:"title"`
			Date  string `xml:"publication_date"`
		} `xml:"http://www.google.com/schemas/sitemap-news/0.9 news"`
	} `xml:"url"`
	Sitemaps []struct {
		Loc string `xml:"loc"`
	} `xml:"sitemap"`
}

// sitemapURLs returns every page URL reachable from a sitemap, following
// sitemap indexes, and the news titles by URL.
func sitemapURLs(t *testing.T, u string) (locs []string, titles map[string]string) {
	t.Helper()
	titles = map[string]string{}
	queue := []string{u}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		code, b, _ := get(t, cur)
		if code != http.StatusOK {
			t.Fatalf("sitemap %s: status %d", cur, code)
		}
		var s urlset
		if err := xml.Unmarshal(b, &s); err != nil {
			t.Fatalf("sitemap %s: %v", cur, err)
		}
		for _, sm := range s.Sitemaps {
			queue = append(queue, sm.Loc)
		}
		for _, x := range s.URLs {
			locs = append(locs, x.Loc)
			if x.News != nil {
				titles[x.Loc] = x.News.Title
				if _, err := time.Parse(time.RFC3339, x.News.Date); err != nil {
					t.Errorf("sitemap %s: %s: bad publication_date: %v", cur, x.Loc, err)
				}
			}
		}
	}
	return locs, titles
}

// pagesOf returns the truth URLs (originals and copies) hosted by an outlet.
func pagesOf(f *Farm, key string) map[string]string {
	out := map[string]string{}
	for _, s := range f.Truth() {
		if s.Outlet == key {
			out[s.URL] = s.Title
		}
		for _, c := range s.Copies {
			if c.Outlet == key {
				out[c.URL] = c.Title
			}
		}
	}
	return out
}

func TestSitemapsListEveryArticle(t *testing.T) {
	f := startFarm(t, Options{})
	for _, o := range f.Outlets() {
		locs, titles := sitemapURLs(t, o.Sitemap)
		want := pagesOf(f, o.Key)
		if len(want) == 0 {
			t.Fatalf("%s hosts no articles", o.Key)
		}
		for u, title := range want {
			if titles[u] != title {
				t.Errorf("%s sitemap: %s has news title %q, want %q", o.Key, u, titles[u], title)
			}
		}
		for _, l := range locs {
			if !strings.HasPrefix(l, o.BaseURL+"/") {
				t.Errorf("%s sitemap lists foreign URL %s", o.Key, l)
			}
			if code, _, _ := get(t, l); code != http.StatusOK {
				t.Errorf("%s sitemap URL %s: status %d", o.Key, l, code)
			}
		}
	}
}

func TestFeedsAreLinkedAndParse(t *testing.T) {
	f := startFarm(t, Options{})
	formats := map[string]bool{}
	for _, o := range f.Outlets() {
		_, home, _ := get(t, o.BaseURL+"/")
		if d := parsePage(t, home); d.feedHref != o.Feed {
			t.Errorf("%s: home links feed %q, want %q", o.Key, d.feedHref, o.Feed)
		}
		_, b, _ := get(t, o.Feed)
		feed, err := gofeed.NewParser().ParseString(string(b))
		if err != nil {
			t.Fatalf("%s feed %s: %v", o.Key, o.Feed, err)
		}
		formats[feed.FeedType] = true
		want := pagesOf(f, o.Key)
		if len(feed.Items) != len(want) {
			t.Errorf("%s feed has %d items, want %d", o.Key, len(feed.Items), len(want))
		}
		for _, it := range feed.Items {
			if want[it.Link] != it.Title {
				t.Errorf("%s feed item %s titled %q, want %q", o.Key, it.Link, it.Title, want[it.Link])
			}
			if it.PublishedParsed == nil {
				t.Errorf("%s feed item %s has no parsable date", o.Key, it.Link)
			}
		}
	}
	if !formats["rss"] || !formats["atom"] {
		t.Errorf("feed formats %v, want both rss and atom", formats)
	}
}

// articleDate reads the three dates a page states and checks they agree.
func articleDate(t *testing.T, u string, d doc) time.Time {
	t.Helper()
	meta, err := time.Parse(time.RFC3339, d.meta["article:published_time"])
	if err != nil {
		t.Fatalf("%s: article:published_time: %v", u, err)
	}
	if len(d.jsonLD) != 1 {
		t.Fatalf("%s: %d JSON-LD blocks", u, len(d.jsonLD))
	}
	var ld struct {
		Type          string `json:"@type"`
		DatePublished string `json:"datePublished"`
		Headline      string `json:"headline"`
	}
	if err := json.Unmarshal([]byte(d.jsonLD[0]), &ld); err != nil {
		t.Fatalf("%s: JSON-LD: %v", u, err)
	}
	ldDate, err := time.Parse(time.RFC3339, ld.DatePublished)
	if err != nil || !ldDate.Equal(meta) || ld.Type != "NewsArticle" || ld.Headline != d.title {
		t.Errorf("%s: JSON-LD %+v disagrees with meta %s / title %q (%v)", u, ld, meta, d.title, err)
	}
	return meta
}

func TestTruthMatchesPages(t *testing.T) {
	f := startFarm(t, Options{})
	truth := f.Truth()
	byKey := map[string]Outlet{}
	for _, o := range f.Outlets() {
		byKey[o.Key] = o
	}
	kinds := map[CopyKind]int{}
	langs := map[string]bool{}
	for _, s := range truth {
		code, b, _ := get(t, s.URL)
		if code != http.StatusOK {
			t.Fatalf("original %s: status %d", s.URL, code)
		}
		orig := parsePage(t, b)
		if orig.title != s.Title {
			t.Errorf("%s: page title %q, truth %q", s.URL, orig.title, s.Title)
		}
		if got := articleDate(t, s.URL, orig); !got.Equal(s.Published) {
			t.Errorf("%s: page date %s, truth %s", s.URL, got, s.Published)
		}
		if orig.canonical != s.URL {
			t.Errorf("%s: canonical %q", s.URL, orig.canonical)
		}
		body := storyParas(t, s.ID)
		if len(s.Copies) > 0 {
			langs[s.Lang] = true
		}
		for _, c := range s.Copies {
			kinds[c.Kind]++
			lag := c.Published.Sub(s.Published)
			if lag < 2*time.Hour || lag > 72*time.Hour {
				t.Errorf("copy %s: lag %s outside 2h..72h", c.URL, lag)
			}
			if !strings.HasPrefix(c.URL, byKey[c.Outlet].BaseURL+"/") {
				t.Errorf("copy %s is not on outlet %s", c.URL, c.Outlet)
			}
			_, cb, _ := get(t, c.URL)
			cp := parsePage(t, cb)
			if got := articleDate(t, c.URL, cp); !got.Equal(c.Published) {
				t.Errorf("%s: page date %s, truth %s", c.URL, got, c.Published)
			}
			if cp.title != c.Title || (c.Kind == KindRetitled) == (c.Title == s.Title) {
				t.Errorf("copy %s (%s): title %q vs original %q", c.URL, c.Kind, cp.title, s.Title)
			}
			switch c.Kind {
			case KindWrapped, KindRetitled:
				for _, p := range body {
					if !slices.Contains(cp.paras, p) {
						t.Errorf("copy %s lacks paragraph %.40q", c.URL, p)
					}
				}
				a := cp.attributed
				if !strings.Contains(a, byKey[s.Outlet].Name) ||
					!(strings.Contains(a, "original source of this article is") || strings.Contains(a, "Republished with permission")) {
					t.Errorf("copy %s: attribution %q does not credit %s", c.URL, a, byKey[s.Outlet].Name)
				}
			case KindTruncated:
				half := (len(body) + 1) / 2
				for i, p := range body {
					if got := slices.Contains(cp.paras, p); got != (i < half) {
						t.Errorf("truncated %s: paragraph %d present=%v, want %v", c.URL, i, got, i < half)
					}
				}
				if !slices.Contains(cp.paras, "Read more at "+s.URL) || !slices.Contains(cp.links, s.URL) {
					t.Errorf("truncated %s: no 'Read more at %s'", c.URL, s.URL)
				}
			default:
				t.Errorf("copy %s: unknown kind %q", c.URL, c.Kind)
			}
		}
	}
	if kinds[KindWrapped] < 3 || kinds[KindTruncated] < 2 || kinds[KindRetitled] < 1 {
		t.Errorf("copy kinds %v", kinds)
	}
	if !langs["en"] || !langs["fr"] {
		t.Errorf("copied languages %v, want en and fr", langs)
	}
}

func storyParas(t *testing.T, id string) []string {
	t.Helper()
	stories, err := loadStories()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stories {
		if s.ID == id {
			return s.Paras
		}
	}
	t.Fatalf("no story %s", id)
	return nil
}

// TestSameSubjectStoriesDiffer guards the trap: two stories about one event
// share names and one quoted paragraph but are otherwise different text.
func TestSameSubjectStoriesDiffer(t *testing.T) {
	f := startFarm(t, Options{})
	bySubject := map[string][]Story{}
	for _, s := range f.Truth() {
		if s.Subject != "" {
			bySubject[s.Subject] = append(bySubject[s.Subject], s)
		}
	}
	pairs := 0
	for subj, ss := range bySubject {
		if len(ss) != 2 || ss[0].Outlet == ss[1].Outlet {
			t.Errorf("subject %s: %d stories", subj, len(ss))
			continue
		}
		pairs++
		a, b := storyParas(t, ss[0].ID), storyParas(t, ss[1].ID)
		shared := 0
		for _, p := range a {
			if slices.Contains(b, p) {
				shared++
			}
		}
		if shared != 1 {
			t.Errorf("subject %s: %d shared paragraphs, want exactly 1", subj, shared)
		}
		wa, wb := words(a), words(b)
		if j := jaccard(shingles(wa, 5), shingles(wb, 5)); j > 0.2 {
			t.Errorf("subject %s: 5-shingle Jaccard %.2f, want the stories clearly different", subj, j)
		}
	}
	if pairs == 0 {
		t.Error("no same-subject pair in the farm")
	}
}

func words(paras []string) []string { return strings.Fields(strings.ToLower(strings.Join(paras, " "))) }

func shingles(w []string, k int) map[string]bool {
	out := map[string]bool{}
	for i := 0; i+k <= len(w); i++ {
		out[strings.Join(w[i:i+k], " ")] = true
	}
	return out
}

func jaccard(a, b map[string]bool) float64 {
	inter := 0
	for k := range a {
		if b[k] {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

func TestRepublisherBoilerplateRepeats(t *testing.T) {
	f := startFarm(t, Options{})
	for _, o := range f.Outlets() {
		if o.Role != RoleRepublisher {
			continue
		}
		counts := map[string]int{}
		copies := 0
		for _, s := range f.Truth() {
			for _, c := range s.Copies {
				if c.Outlet != o.Key {
					continue
				}
				copies++
				_, b, _ := get(t, c.URL)
				for _, p := range parsePage(t, b).paras {
					counts[p]++
				}
			}
		}
		long := 0
		for p, n := range counts {
			if n == copies && len(strings.Fields(p)) > 100 {
				long++
			}
		}
		if copies < 2 || long == 0 {
			t.Errorf("%s: %d copies, %d long blocks repeated on all of them", o.Key, copies, long)
		}
	}
}

func TestConditionalGetAndRequestLog(t *testing.T) {
	f := startFarm(t, Options{Delay: 5 * time.Millisecond})
	u := f.Truth()[0].URL
	code, _, hdr := get(t, u)
	if code != http.StatusOK || hdr.Get("ETag") == "" || hdr.Get("Last-Modified") == "" {
		t.Fatalf("GET %s: %d etag %q last-modified %q", u, code, hdr.Get("ETag"), hdr.Get("Last-Modified"))
	}
	tests := []struct {
		name, header, value string
		want                int
	}{
		{"etag", "If-None-Match", hdr.Get("ETag"), http.StatusNotModified},
		{"last-modified", "If-Modified-Since", hdr.Get("Last-Modified"), http.StatusNotModified},
		{"stale etag", "If-None-Match", `"0"`, http.StatusOK},
	}
	for _, tc := range tests {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.Header.Set(tc.header, tc.value)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, resp.StatusCode, tc.want)
		}
	}
	if code, _, _ := get(t, f.Seeds()[0]+"no/such/page"); code != http.StatusNotFound {
		t.Errorf("missing page: status %d", code)
	}
	reqs := f.Requests()
	if len(reqs) != 5 {
		t.Fatalf("logged %d requests, want 5", len(reqs))
	}
	pu, _ := url.Parse(u)
	first := reqs[0]
	if first.Host != pu.Host || first.Path != pu.Path || first.UserAgent != "farmtest/1.0" || first.Status != 200 || first.Time.IsZero() {
		t.Errorf("first request logged as %+v", first)
	}
	if reqs[1].Status != http.StatusNotModified || reqs[4].Status != http.StatusNotFound {
		t.Errorf("statuses logged: %d, %d", reqs[1].Status, reqs[4].Status)
	}
}

func TestSeedChangesLagsDeterministically(t *testing.T) {
	tests := []struct {
		seed     int64
		designed bool
	}{{0, true}, {7, false}, {42, false}}
	for _, tc := range tests {
		a, b := lagsFor(tc.seed), lagsFor(tc.seed)
		if !slices.Equal(a, b) {
			t.Errorf("seed %d: lags not deterministic", tc.seed)
		}
		same := true
		for i, l := range a {
			if l < 2*time.Hour || l > 72*time.Hour {
				t.Errorf("seed %d: lag %d = %s out of range", tc.seed, i, l)
			}
			same = same && l == copyDefs[i].Lag
		}
		if same != tc.designed {
			t.Errorf("seed %d: designed lags kept = %v, want %v", tc.seed, same, tc.designed)
		}
	}
}

func TestStartRejectsBadOptions(t *testing.T) {
	tests := []struct {
		name string
		opt  Options
		want string
	}{
		{"not an IP", Options{BaseIP: "localhost"}, "not an IPv4"},
		{"no room", Options{BaseIP: "127.0.0.252"}, "no room"},
		{"negative delay", Options{Delay: -time.Second}, "negative delay"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Start(context.Background(), tc.opt)
			if err == nil {
				f.Close()
				t.Fatal("Start succeeded")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not mention %q", err, tc.want)
			}
		})
	}
}

func TestContextCancelClosesFarm(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	f, err := Start(ctx, Options{BaseIP: "127.0.0.20"})
	if err != nil {
		t.Fatal(err)
	}
	if f.Outlets()[0].Site != "127.0.0.20" || f.Outlets()[1].Site != "127.0.0.21" {
		t.Errorf("addresses %s, %s", f.Outlets()[0].Host, f.Outlets()[1].Host)
	}
	seed := f.Seeds()[0]
	cancel()
	const patience = 2 * time.Minute // a hang detector: shutting down takes milliseconds
	deadline := time.Now().Add(patience)
	for {
		resp, err := http.Get(seed)
		if err != nil {
			break
		}
		resp.Body.Close()
		if time.Now().After(deadline) {
			t.Fatalf("hung: the farm still serves %s %v after its context was cancelled", seed, patience)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := f.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestParseStoryErrors(t *testing.T) {
	const good = "id: x\noutlet: o\nsection: s\ntitle: T\npublished: 2026-03-01T00:00:00Z\n---\none\n\ntwo\n"
	tests := []struct {
		name, text, want string
	}{
		{"ok", good, ""},
		{"no colon", "id x\n---\na\n\nb\n", "x.txt:1: header line without ':'"},
		{"bad date", strings.Replace(good, "2026-03-01T00:00:00Z", "March 1", 1), "x.txt:5: published"},
		{"unknown header", "colour: red\n" + good, `x.txt:1: unknown header "colour"`},
		{"missing title", strings.Replace(good, "title: T\n", "", 1), "title are required"},
		{"one paragraph", strings.Replace(good, "\n\ntwo", "", 1), "at least two paragraphs"},
		{"wrong id", strings.Replace(good, "id: x", "id: y", 1), "does not match"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := parseStory("content/stories/x.txt", tc.text)
			if tc.want == "" {
				if err != nil || len(s.Paras) != 2 || s.Paras[1] != "two" {
					t.Fatalf("parse: %v %+v", err, s)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func FuzzParseStory(f *testing.F) {
	f.Add("id: x\noutlet: o\nsection: s\ntitle: T\npublished: 2026-03-01T00:00:00Z\n---\none\n\ntwo\n")
	f.Add("---\n")
	f.Fuzz(func(t *testing.T, text string) {
		s, err := parseStory("x.txt", text)
		if err == nil && (s.ID != "x" || len(s.Paras) < 2 || s.Published.IsZero()) {
			t.Fatalf("accepted incomplete story %+v", s)
		}
	})
}
