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
// generator did not shape them), each host a share of them.

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

// farmPages returns every host's pages: path → HTML, "/" listing the rest.
func farmPages(s crawlFarmSpec) ([]map[string][]byte, error) {
	var bodies [][]byte
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
			bodies = append(bodies, b)
		}
		s.pages = len(bodies)
	} else {
		arts := synth.Generate(synth.Options{Stories: s.pages/2 + 1}, 7)
		for i := range s.pages {
			a := arts[i%len(arts)]
			var b strings.Builder
			date := ""
			if !a.Published.IsZero() {
				date = `<meta property="article:published_time" content="` + a.Published.Format(time.RFC3339) + `">`
			}
			fmt.Fprintf(&b, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>%s | Site</title>`+
				`<meta property="og:type" content="article">%s</head><body>`+
				`<header><nav><a href="/">Home</a> <a href="/">World</a> <a href="/">Politics</a> <a href="/">Sport</a></nav></header>`+
				`<main><article><h1>%s</h1><p class="byline">By Staff Writer</p>`,
				html.EscapeString(a.Title), date, html.EscapeString(a.Title))
			for _, p := range strings.Split(a.Text, "\n\n") {
				fmt.Fprintf(&b, "<p>%s</p>", html.EscapeString(p))
			}
			b.WriteString(`</article><aside><h2>Most read</h2><ul><li><a href="/">More news</a></li></ul></aside></main>` +
				`<footer><p>© Site. All rights reserved.</p><a href="/">Contact</a></footer></body></html>`)
			bodies = append(bodies, []byte(b.String()))
		}
	}
	// Each host lists its stories on section pages of 100 links, each
	// linking the next when there is one: "/", "/list/1", "/list/2"...
	sites := make([]map[string][]byte, s.hosts)
	paths := make([][]string, s.hosts)
	for h := range sites {
		sites[h] = map[string][]byte{}
	}
	for i, body := range bodies {
		h := i % s.hosts
		p := fmt.Sprintf("/news/%d", i)
		sites[h][p] = body
		paths[h] = append(paths[h], p)
	}
	for h := range sites {
		for k := 0; k*100 < len(paths[h]) || k == 0; k++ {
			var b strings.Builder
			b.WriteString("<!doctype html><html><head><title>Latest news</title></head><body><ul>")
			for _, p := range paths[h][k*100 : min(len(paths[h]), (k+1)*100)] {
				fmt.Fprintf(&b, `<li><a href="%s">%s</a></li>`, p, p)
			}
			b.WriteString("</ul>")
			if (k+1)*100 < len(paths[h]) {
				fmt.Fprintf(&b, `<a href="/list/%d">Older stories</a>`, k+1)
			}
			b.WriteString("</body></html>")
			name := "/"
			if k > 0 {
				name = fmt.Sprintf("/list/%d", k)
			}
			sites[h][name] = []byte(b.String())
		}
	}
	return sites, nil
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
// (plus a section page) through a whole syndex crawl with a 500 ms gap
// per host: each host answers 12 requests (robots.txt, the section page,
// 10 stories), so politeness allows at most 11 pages in 11 gaps, 200
// pages/s (ideal-pages/s). It reports the pages/s reached, CPU per page,
// and what the farm's servers saw: the mean and p90 interval between the
// starts of two requests to one host (gap-mean-ms, ideally the delay plus
// a response time), the start-up until the first request and the tail
// after the last response (the end of the pass: handlers finishing, and
// the final index update, flush-ms). It fails when a host was asked again
// sooner than the delay after its previous response.
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
