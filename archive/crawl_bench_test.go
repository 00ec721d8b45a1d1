package archive

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unicode"

	"github.com/gocolly/colly/v2"
	"github.com/markusmobius/go-trafilatura"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/crawler"
	"github.com/syndex/syndex/dedup/synth"
	"github.com/syndex/syndex/index"
)

// The crawl benchmark: a whole syndex crawl (fetch, WARC, frontier,
// extraction, dedup, store, index) against Colly fetching the same pages
// with go-trafilatura extracting each (default options), interleaved in
// one run. The pages are served by a child process (this test binary
// again), so the CPU measured is the crawler's alone.
//
//	go test ./archive -run '^$' -bench BenchmarkCrawl -benchtime 1x
//
// SYNDEX_CRAWL_PAGES sets the number of article pages (default 2000, on
// 8 hosts); SYNDEX_CRAWL_CORPUS=DIR serves the *.html (or *.html.gz)
// pages of a directory instead of generated ones (real pages: our
// generator did not shape them), each host a share of them. The hosts
// are laid out as news sites, with section pages (farmPages);
// SYNDEX_CRAWL_SHAPE=flat gives the layout measured before session 7.

const farmEnv = "SYNDEX_CRAWL_FARM"

// crawlFarmSpec is what the child serves: hosts × pages, or the pages of
// a corpus directory.
type crawlFarmSpec struct {
	hosts, pages int
	corpus       string
}

func benchSpec() crawlFarmSpec {
	s := crawlFarmSpec{hosts: 8, pages: 2000, corpus: os.Getenv("SYNDEX_CRAWL_CORPUS")}
	if n, err := strconv.Atoi(os.Getenv("SYNDEX_CRAWL_PAGES")); err == nil && n > 0 {
		s.pages = n
	}
	return s
}

// The benchmark farm's hosts are laid out as news sites are (the
// default), or as before session 7 with SYNDEX_CRAWL_SHAPE=flat: "/"
// and "/list/1", "/list/2", … listing every story 100 to a page, and
// article pages that link only "/".
//
// A news site: each host files its stories round-robin under
// benchSections; every page carries the same navigation (home and each
// section) and footer; the front page lists the latest frontStories; each
// section lists its stories newest first, sectionStories to a page, at
// /section/NAME, /section/NAME/page/2, … with links to the older and the
// newer page; an article page links its section (breadcrumb) and three
// other stories of the host ("Most read"). A story's number is its age
// rank: /news/0 is the newest on host 0, and so on.
var benchSections = []string{"world", "politics", "business", "sport"}

const (
	frontStories   = 20
	sectionStories = 20
)

// benchShape is the farm's layout: "sections" or "flat".
func benchShape() string {
	if os.Getenv("SYNDEX_CRAWL_SHAPE") == "flat" {
		return "flat"
	}
	return "sections"
}

// farmPages returns every host's pages: path → HTML.
func farmPages(s crawlFarmSpec) ([]map[string][]byte, error) {
	var bodies []func(nav, crumb, related string) []byte
	if s.corpus != "" {
		files, _ := filepath.Glob(filepath.Join(s.corpus, "*.html"))
		gz, _ := filepath.Glob(filepath.Join(s.corpus, "*.html.gz"))
		files = append(files, gz...)
		if len(files) == 0 {
			return nil, fmt.Errorf("no *.html or *.html.gz in %s", s.corpus)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				return nil, err
			}
			if strings.HasSuffix(f, ".gz") {
				zr, err := gzip.NewReader(bytes.NewReader(b))
				if err != nil {
					return nil, fmt.Errorf("%s: %w", f, err)
				}
				if b, err = io.ReadAll(zr); err != nil {
					return nil, fmt.Errorf("%s: %w", f, err)
				}
			}
			bodies = append(bodies, func(string, string, string) []byte { return b }) // real pages as they are
		}
		s.pages = len(bodies)
	} else {
		arts := synth.Generate(synth.Options{Stories: s.pages/2 + 1}, 7)
		for i := range s.pages {
			bodies = append(bodies, func(nav, crumb, related string) []byte {
				return benchArticle(arts[i%len(arts)], nav, crumb, related)
			})
		}
	}
	sites := make([]map[string][]byte, s.hosts)
	paths := make([][]string, s.hosts)
	for h := range sites {
		sites[h] = map[string][]byte{}
	}
	for i := range bodies {
		h := i % s.hosts
		paths[h] = append(paths[h], fmt.Sprintf("/news/%d", i))
	}
	for h := range sites {
		if benchShape() == "flat" {
			flatSite(sites[h], paths[h], bodies[h:], s.hosts)
		} else {
			newsSite(sites[h], paths[h], bodies[h:], s.hosts)
		}
	}
	return sites, nil
}

// benchArticle is a generated article page with the site's navigation,
// its section's breadcrumb and the "Most read" links.
func benchArticle(a *article.Article, nav, crumb, related string) []byte {
	var b strings.Builder
	date := ""
	if !a.Published.IsZero() {
		date = `<meta property="article:published_time" content="` + a.Published.Format(time.RFC3339) + `">`
	}
	fmt.Fprintf(&b, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>%s | Site</title>`+
		`<meta property="og:type" content="article">%s</head><body>`+
		`<header><nav>%s</nav></header>`+
		`<main>%s<article><h1>%s</h1><p class="byline">By Staff Writer</p>`,
		html.EscapeString(a.Title), date, nav, crumb, html.EscapeString(a.Title))
	for _, p := range strings.Split(a.Text, "\n\n") {
		fmt.Fprintf(&b, "<p>%s</p>", html.EscapeString(p))
	}
	b.WriteString(`</article><aside><h2>Most read</h2><ul>` + related + `</ul></aside></main>` +
		`<footer><p>© Site. All rights reserved.</p><a href="/">Contact</a></footer></body></html>`)
	return []byte(b.String())
}

// flatSite lays out one host as before session 7: "/" and "/list/N"
// list its stories 100 to a page, each linking the next when there is
// one; article pages link "/" only. body(k) is the host's k-th story
// (bodies[k*step]).
func flatSite(site map[string][]byte, paths []string, bodies []func(string, string, string) []byte, step int) {
	const nav = `<a href="/">Home</a> <a href="/">World</a> <a href="/">Politics</a> <a href="/">Sport</a>`
	for k, p := range paths {
		site[p] = bodies[k*step](nav, "", `<li><a href="/">More news</a></li>`)
	}
	for k := 0; k*100 < len(paths) || k == 0; k++ {
		var b strings.Builder
		b.WriteString("<!doctype html><html><head><title>Latest news</title></head><body><ul>")
		for _, p := range paths[k*100 : min(len(paths), (k+1)*100)] {
			fmt.Fprintf(&b, `<li><a href="%s">%s</a></li>`, p, p)
		}
		b.WriteString("</ul>")
		if (k+1)*100 < len(paths) {
			fmt.Fprintf(&b, `<a href="/list/%d">Older stories</a>`, k+1)
		}
		b.WriteString("</body></html>")
		name := "/"
		if k > 0 {
			name = fmt.Sprintf("/list/%d", k)
		}
		site[name] = []byte(b.String())
	}
}

// newsSite lays out one host as a news site (see benchSections).
func newsSite(site map[string][]byte, paths []string, bodies []func(string, string, string) []byte, step int) {
	var nav strings.Builder
	nav.WriteString(`<ul class="main-nav"><li><a href="/">Home</a></li>`)
	for _, sec := range benchSections {
		fmt.Fprintf(&nav, `<li><a href="/section/%s">%s</a></li>`, sec, strings.ToUpper(sec[:1])+sec[1:])
	}
	nav.WriteString(`</ul>`)
	bySection := map[string][]string{}
	for k, p := range paths {
		sec := benchSections[k%len(benchSections)]
		bySection[sec] = append(bySection[sec], p)
		var rel strings.Builder
		for j := 1; j <= 3 && j < len(paths); j++ {
			q := paths[(k+j*7)%len(paths)]
			fmt.Fprintf(&rel, `<li><a href="%s">Story %s</a></li>`, q, q[len("/news/"):])
		}
		crumb := fmt.Sprintf(`<p class="breadcrumb"><a href="/">Home</a> › <a href="/section/%s">%s</a></p>`, sec, sec)
		site[p] = bodies[k*step](nav.String(), crumb, rel.String())
	}
	list := func(title string, stories []string, newer, older string) []byte {
		var b strings.Builder
		fmt.Fprintf(&b, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>%s | Site</title>`+
			`<meta property="og:type" content="website"></head><body><header><nav>%s</nav></header>`+
			`<main><h1>%s</h1><ul class="story-list">`, title, nav.String(), title)
		for _, p := range stories {
			fmt.Fprintf(&b, `<li class="teaser"><h2><a href="%s">Story %s</a></h2><p>A summary of story %s.</p></li>`,
				p, p[len("/news/"):], p[len("/news/"):])
		}
		b.WriteString(`</ul>`)
		if newer != "" {
			fmt.Fprintf(&b, `<a href="%s" rel="prev">Newer stories</a> `, newer)
		}
		if older != "" {
			fmt.Fprintf(&b, `<a href="%s" rel="next">Older stories</a>`, older)
		}
		b.WriteString(`</main><footer><p>© Site. All rights reserved.</p><a href="/">Contact</a></footer></body></html>`)
		return []byte(b.String())
	}
	site["/"] = list("Latest news", paths[:min(len(paths), frontStories)], "", "")
	page := func(sec string, n int) string {
		if n == 1 {
			return "/section/" + sec
		}
		return fmt.Sprintf("/section/%s/page/%d", sec, n)
	}
	for _, sec := range benchSections {
		ps := bySection[sec]
		last := max(1, (len(ps)+sectionStories-1)/sectionStories)
		for n := 1; n <= last; n++ {
			newer, older := "", ""
			if n > 1 {
				newer = page(sec, n-1)
			}
			if n < last {
				older = page(sec, n+1)
			}
			site[page(sec, n)] = list("Section: "+sec, ps[(n-1)*sectionStories:min(len(ps), n*sectionStories)], newer, older)
		}
	}
}

// serveFarm is the child process: it serves the farm on loopback
// addresses 127.0.0.60… and prints their base URLs, then waits.
func serveFarm(spec string) {
	var s crawlFarmSpec
	fmt.Sscanf(spec, "%d %d", &s.hosts, &s.pages)
	s.corpus = os.Getenv("SYNDEX_CRAWL_CORPUS")
	sites, err := farmPages(s)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	var hits farmHits
	var urls []string
	for h, pages := range sites {
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.%d:0", 60+h))
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		mux := http.NewServeMux()
		mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "User-agent: *\nAllow: /\n")
		})
		mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			b, ok := pages[r.URL.Path]
			if !ok {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(b)
		})
		if h == 0 {
			mux.HandleFunc(farmLogPath, hits.serve)
		}
		go http.Serve(ln, hits.record(h, mux))
		urls = append(urls, "http://"+ln.Addr().String()+"/")
	}
	fmt.Println(strings.Join(urls, " "))
	select {}
}

func TestMain(m *testing.M) {
	if spec := os.Getenv(farmEnv); spec != "" {
		serveFarm(spec)
	}
	os.Exit(m.Run())
}

// startFarm runs the farm child and returns its seeds.
func startFarm(b *testing.B, s crawlFarmSpec) []string {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d %d", farmEnv, s.hosts, s.pages))
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || strings.HasPrefix(line, "error") {
		b.Fatalf("farm: %q %v", line, err)
	}
	return strings.Fields(line)
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// crawlColly fetches every page with Colly, one request in flight per host
// (a LimitRule per host), and extracts each article page with
// go-trafilatura's default options. It returns the pages fetched.
func crawlColly(b *testing.B, seeds []string) int64 {
	c := colly.NewCollector(colly.Async(true), colly.MaxBodySize(10<<20))
	for _, s := range seeds {
		u, _ := url.Parse(s)
		if err := c.Limit(&colly.LimitRule{DomainGlob: u.Host, Parallelism: 1}); err != nil {
			b.Fatal(err)
		}
	}
	var pages, extracted atomic.Int64
	c.OnHTML("a[href]", func(e *colly.HTMLElement) { e.Request.Visit(e.Attr("href")) })
	c.OnResponse(func(r *colly.Response) {
		pages.Add(1)
		if !strings.HasPrefix(r.Request.URL.Path, "/news/") {
			return
		}
		if res, err := trafilatura.Extract(bytes.NewReader(r.Body), trafilatura.Options{OriginalURL: r.Request.URL}); err == nil && res != nil {
			extracted.Add(1)
		}
	})
	for _, s := range seeds {
		c.Visit(s)
	}
	c.Wait()
	return pages.Load()
}

// crawlSyndex runs a whole syndex crawl into a new archive.
func crawlSyndex(b *testing.B, seeds []string) int64 {
	return crawlSyndexInto(b, b.TempDir(), seeds)
}

// crawlSyndexInto runs a whole syndex crawl into the archive in dir.
func crawlSyndexInto(b *testing.B, dir string, seeds []string) int64 {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := Open(context.Background(), dir, Options{Log: log})
	if err != nil {
		b.Fatal(err)
	}
	cfg := crawler.Config{Seeds: seeds, Delay: time.Nanosecond, AllowPrivate: true, Logger: log, MaxDepth: 1000,
		StatsFile: "-", DisableSitemaps: true}
	st, err := a.Crawl(context.Background(), cfg, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	if err := a.Close(); err != nil {
		b.Fatal(err)
	}
	return st.Pages
}

// BenchmarkCrawl reports CPU milliseconds per page and pages per second of
// each crawler, interleaved (baseline, syndex, baseline, syndex).
func BenchmarkCrawl(b *testing.B) {
	s := benchSpec()
	seeds := startFarm(b, s)
	for _, v := range []struct {
		name  string
		crawl func(*testing.B, []string) int64
	}{{"colly+trafilatura", crawlColly}, {"syndex", crawlSyndex}, {"colly+trafilatura-2", crawlColly}, {"syndex-2", crawlSyndex}} {
		b.Run(v.name, func(b *testing.B) {
			var pages int64
			var cpu, wall time.Duration
			for range b.N {
				c0, t0 := cpuTime(), time.Now()
				pages += v.crawl(b, seeds)
				cpu += cpuTime() - c0
				wall += time.Since(t0)
			}
			b.ReportMetric(float64(cpu.Microseconds())/1000/float64(pages), "cpu-ms/page")
			b.ReportMetric(float64(pages)/wall.Seconds(), "pages/s")
			b.ReportMetric(float64(pages)/float64(b.N), "pages")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkCrawlPolite crawls 100 loopback hosts of 10 stories each
// through a whole syndex crawl with a 500 ms gap per host. Each host is a
// news site (front page, 4 section pages, 10 stories: 16 requests with
// robots.txt, 15 pages in 15 gaps); with SYNDEX_CRAWL_SHAPE=flat, as
// before session 7, it has one list page (12 requests, 11 pages in 11
// gaps). Either way politeness allows at most 200 pages/s
// (ideal-pages/s, from the most requests the farm saw on one host). It
// reports the pages/s reached, CPU per page,
// and what the farm's servers saw: the mean and p90 interval between the
// starts of two requests to one host (gap-mean-ms, ideally the delay plus
// a response time), the start-up until the first request and the tail
// after the last response (the end of the pass: handlers finishing, and
// the final index update, flush-ms). It fails when a host was asked again
// sooner than the delay after its previous response.
// SYNDEX_CRAWL_CORPUS=DIR serves the real pages of DIR instead (about 19
// a host for 1,918 pages), crawled to depth 1: each host's front page and
// its four section pages list every story, while the stories' own links
// lead to paths of their real sites, which the farm does not serve.
//
//	go test ./archive -run '^$' -bench BenchmarkCrawlPolite -benchtime 1x
func BenchmarkCrawlPolite(b *testing.B) {
	seeds := startFarm(b, crawlFarmSpec{hosts: 100, pages: 1000})
	for range b.N {
		dir := b.TempDir()
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		a, err := Open(context.Background(), dir, Options{Log: log})
		if err != nil {
			b.Fatal(err)
		}
		cfg := crawler.Config{Seeds: seeds, Delay: 500 * time.Millisecond, AllowPrivate: true, Logger: log,
			StatsFile: "-", DisableSitemaps: true, MaxDepth: 1000}
		if os.Getenv("SYNDEX_CRAWL_CORPUS") != "" {
			// Real pages keep their own links, to paths of their own
			// sites that the farm answers 404: depth 1 (the front page's
			// sections and stories) keeps the crawl on the pages served.
			cfg.MaxDepth = 1
		}
		readFarmHits(b, seeds[0]) // forget earlier runs
		c0, t0 := cpuTime(), time.Now()
		st, err := a.Crawl(context.Background(), cfg, nil, nil)
		wall := time.Since(t0)
		if err != nil {
			b.Fatal(err)
		}
		if err := a.Close(); err != nil {
			b.Fatal(err)
		}
		g := gapsOf(readFarmHits(b, seeds[0]))
		if len(g.idle) == 0 {
			b.Fatal("the farm saw no host asked twice")
		}
		if g.idle[0] < cfg.Delay {
			b.Errorf("politeness broken: a host was asked again %v after its previous response (delay %v)", g.idle[0], cfg.Delay)
		}
		// The wall time is the start-up (until the first request), the
		// chain of requests of the last host to finish, and the tail
		// (after the last response: the end of the pass).
		ideal := float64(st.Pages) / (time.Duration(g.maxRequests-1) * cfg.Delay).Seconds()
		b.Logf("pages %d, most requests to one host %d, gap between two requests to a host: mean %v p50 %v p90 %v max %v; "+
			"least idle time between a response and the next request %v; start-up %v, tail %v, wall %v",
			st.Pages, g.maxRequests, mean(g.gaps), pct(g.gaps, 0.5), pct(g.gaps, 0.9), g.gaps[len(g.gaps)-1],
			g.idle[0], g.first.Sub(t0), t0.Add(wall).Sub(g.last), wall)
		if g.missing > 0 {
			var ex []string
			for _, h := range g.busiest {
				if h.status == http.StatusNotFound && len(ex) < 12 {
					ex = append(ex, h.path)
				}
			}
			b.Logf("%d requests answered 404 (paths the pages link that the farm does not serve); on the busiest host e.g. %v", g.missing, ex)
		}
		b.ReportMetric(float64(st.Pages)/wall.Seconds(), "pages/s")
		b.ReportMetric(ideal, "ideal-pages/s")
		b.ReportMetric(float64(st.Pages), "pages")
		b.ReportMetric(float64((cpuTime()-c0).Microseconds())/1000/float64(st.Pages), "cpu-ms/page")
		b.ReportMetric(ms(mean(g.gaps)), "gap-mean-ms")
		b.ReportMetric(ms(pct(g.gaps, 0.9)), "gap-p90-ms")
		b.ReportMetric(ms(g.first.Sub(t0)), "startup-ms")
		b.ReportMetric(ms(t0.Add(wall).Sub(g.last)), "tail-ms")
		// The crawler's Run ends when the last page is handled; the rest
		// of Crawl is the final index update.
		b.ReportMetric(ms(wall-time.Duration(st.ElapsedSec*float64(time.Second))), "flush-ms")
		b.ReportMetric(0, "ns/op")
	}
}

// BenchmarkCrawlSearch measures searches on the index a crawl leaves, as
// it left it (its segments unmerged): a whole syndex crawl of the farm
// (SYNDEX_CRAWL_PAGES, SYNDEX_CRAWL_CORPUS as for BenchmarkCrawl), then
// p50/p99 latency of one-word, two-word, phrase, and one-word queries with
// facets and snippets, drawn from the crawled articles' own words (1,000
// of each). It also reports the segments per shard the searches visit.
// SYNDEX_CRAWL_ARCHIVE=DIR crawls into DIR and reuses it when it already
// holds articles.
//
//	SYNDEX_CRAWL_PAGES=10000 go test ./archive -run '^$' -bench BenchmarkCrawlSearch -benchtime 1x
func BenchmarkCrawlSearch(b *testing.B) {
	dir := os.Getenv("SYNDEX_CRAWL_ARCHIVE")
	if dir == "" {
		dir = filepath.Join(b.TempDir(), "archive")
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := Open(context.Background(), dir, Options{Log: log})
	if err != nil {
		b.Fatal(err)
	}
	if a.Store.Count() == 0 {
		if err := a.Close(); err != nil {
			b.Fatal(err)
		}
		pages := crawlSyndexInto(b, dir, startFarm(b, benchSpec()))
		b.Logf("crawled %d pages into %s", pages, dir)
		if a, err = Open(context.Background(), dir, Options{Log: log}); err != nil {
			b.Fatal(err)
		}
	}
	defer a.Close()
	segments := func() float64 {
		shards, _ := filepath.Glob(filepath.Join(dir, BleveDir, "shard-*"))
		n := 0
		for _, sd := range shards {
			segs, err := index.LiveSegments(sd)
			if err != nil {
				b.Fatal(err)
			}
			n += len(segs)
		}
		return float64(n) / float64(max(len(shards), 1))
	}
	// The words of the stored articles, in order: queries pick words and
	// neighbouring pairs from them.
	var texts [][]string
	for art, err := range a.Store.Articles(0) {
		if err != nil {
			b.Fatal(err)
		}
		var ws []string
		for _, w := range strings.FieldsFunc(strings.ToLower(art.Text), func(r rune) bool { return !unicode.IsLetter(r) }) {
			if len([]rune(w)) >= 4 {
				ws = append(ws, w)
			}
		}
		if len(ws) >= 2 {
			texts = append(texts, ws)
		}
	}
	if len(texts) == 0 {
		b.Fatal("no article text in the archive")
	}
	const perKind = 1000
	for _, kind := range []string{"1term", "2term", "phrase", "facets"} {
		r := rand.New(rand.NewPCG(uint64(len(kind)), 7))
		word := func() string { ws := texts[r.IntN(len(texts))]; return ws[r.IntN(len(ws))] }
		qs := make([]index.Query, perKind)
		for i := range qs {
			switch kind {
			case "1term":
				qs[i] = index.Query{Text: word()}
			case "2term":
				qs[i] = index.Query{Text: word() + " " + word()}
			case "phrase":
				ws := texts[r.IntN(len(texts))]
				j := r.IntN(len(ws) - 1)
				qs[i] = index.Query{Text: `"` + ws[j] + " " + ws[j+1] + `"`}
			case "facets":
				qs[i] = index.Query{Text: word(), Facets: true, Highlight: true}
			}
		}
		b.Run(kind, func(b *testing.B) {
			segs := segments()
			lat := make([]time.Duration, 0, b.N*len(qs))
			hits := 0
			for range b.N {
				for _, q := range qs {
					start := time.Now()
					res, err := a.Search(context.Background(), q)
					lat = append(lat, time.Since(start))
					if err != nil {
						b.Fatal(err)
					}
					if res.Total > 0 {
						hits++
					}
				}
			}
			slices.Sort(lat)
			pct := func(p float64) float64 {
				return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
			}
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
			b.ReportMetric(float64(hits)/float64(len(lat)), "hit-rate")
			b.ReportMetric(segs, "segments/shard")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// TestBenchFarmLayout: in both shapes every page of the benchmark farm is
// reachable from "/", every link leads to a page the host serves (so the
// polite benchmark's ideal counts only pages), and a news site's sections
// list each story once.
func TestBenchFarmLayout(t *testing.T) {
	href := regexp.MustCompile(`href="([^"]+)"`)
	for _, shape := range []string{"sections", "flat"} {
		t.Run(shape, func(t *testing.T) {
			t.Setenv("SYNDEX_CRAWL_SHAPE", shape)
			for _, spec := range []crawlFarmSpec{{hosts: 8, pages: 1000}, {hosts: 100, pages: 1000}} {
				sites, err := farmPages(spec)
				if err != nil {
					t.Fatal(err)
				}
				stories := 0
				for h, site := range sites {
					seen := map[string]bool{"/": true}
					queue := []string{"/"}
					listed := map[string]int{}
					for len(queue) > 0 {
						p := queue[0]
						queue = queue[1:]
						for _, m := range href.FindAllStringSubmatch(string(site[p]), -1) {
							l := m[1]
							if _, ok := site[l]; !ok {
								t.Fatalf("%d×%d host %d: %s links %s, which the host does not serve", spec.hosts, spec.pages, h, p, l)
							}
							if strings.HasPrefix(p, "/section/") && strings.HasPrefix(l, "/news/") && strings.Contains(string(site[p]), `class="teaser"><h2><a href="`+l+`"`) {
								listed[l]++
							}
							if !seen[l] {
								seen[l] = true
								queue = append(queue, l)
							}
						}
					}
					if len(seen) != len(site) {
						t.Errorf("%d×%d host %d: %d of %d pages reachable from /", spec.hosts, spec.pages, h, len(seen), len(site))
					}
					for p := range site {
						if !strings.HasPrefix(p, "/news/") {
							continue
						}
						stories++
						if shape == "sections" && listed[p] != 1 {
							t.Errorf("%d×%d host %d: %s listed %d times on section pages, want once", spec.hosts, spec.pages, h, p, listed[p])
						}
					}
				}
				if stories != spec.pages {
					t.Errorf("%d×%d: %d stories served", spec.hosts, spec.pages, stories)
				}
			}
		})
	}
}
