package crawler

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/temoto/robotstxt"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"

	"github.com/syndex/syndex/crawler/frontier"
	"github.com/syndex/syndex/store"
)

// hit is one request as the farm server saw it.
type hit struct {
	path       string
	start, end time.Time
	ua         string
	status     int
}

// farmHost is one loopback web server on its own 127.0.0.x address.
type farmHost struct {
	t      testing.TB
	ip     string
	base   string // http://ip:port
	mux    *http.ServeMux
	srv    *http.Server
	robots string // served robots.txt body ("" = 404)
	mu     sync.Mutex
	hits   []hit
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(c int) { w.status = c; w.ResponseWriter.WriteHeader(c) }
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func newFarmHost(t testing.TB, ip string) *farmHost {
	t.Helper()
	ln, err := net.Listen("tcp", ip+":0")
	if err != nil {
		t.Skipf("cannot bind %s: %v", ip, err)
	}
	h := &farmHost{t: t, ip: ip, base: "http://" + ln.Addr().String(), mux: http.NewServeMux()}
	h.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, status: 200}
		start := time.Now()
		h.mux.ServeHTTP(sw, r)
		h.mu.Lock()
		h.hits = append(h.hits, hit{path: r.URL.RequestURI(), start: start, end: time.Now(), ua: r.UserAgent(), status: sw.status})
		h.mu.Unlock()
	})}
	go h.srv.Serve(ln)
	t.Cleanup(func() { h.srv.Close() })
	return h
}

func (h *farmHost) html(path, body string) {
	h.mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != path {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, body)
	})
}

func (h *farmHost) setRobots(body string) {
	h.robots = body
	h.mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, body) })
}

func (h *farmHost) hitList() []hit {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]hit(nil), h.hits...)
}

// count returns how many requests for path the host answered with status
// (0 = any).
func (h *farmHost) count(path string, status int) int {
	n := 0
	for _, x := range h.hitList() {
		if x.path == path && (status == 0 || x.status == status) {
			n++
		}
	}
	return n
}

// checkPoliteness counts requests that overlapped the previous one on the
// host or came sooner than gap after it ended.
func checkPoliteness(t *testing.T, h *farmHost, gap time.Duration) int {
	t.Helper()
	hits := h.hitList()
	bad := 0
	for i := 1; i < len(hits); i++ {
		d := hits[i].start.Sub(hits[i-1].end)
		if d < gap-2*time.Millisecond {
			bad++
			t.Errorf("politeness violation on %s: %s came %v after %s ended (gap %v)", h.ip, hits[i].path, d, hits[i-1].path, gap)
		}
	}
	return bad
}

// checkRobots counts requests robots.txt forbade, and requests made before
// robots.txt was fetched.
func checkRobots(t *testing.T, h *farmHost) int {
	t.Helper()
	hits := h.hitList()
	bad := 0
	var data *robotstxt.RobotsData
	if h.robots != "" {
		var err error
		if data, err = robotstxt.FromString(h.robots); err != nil {
			t.Fatal(err)
		}
	}
	seenRobots := false
	for _, x := range hits {
		if !strings.HasPrefix(x.ua, "syndex/") {
			t.Errorf("%s: User-Agent %q does not name syndex", h.ip, x.ua)
		}
		if x.path == "/robots.txt" {
			seenRobots = true
			continue
		}
		if !seenRobots {
			bad++
			t.Errorf("robots violation on %s: %s fetched before robots.txt", h.ip, x.path)
			continue
		}
		if data != nil && !data.TestAgent(x.path, "syndex") {
			bad++
			t.Errorf("robots violation on %s: %s is disallowed", h.ip, x.path)
		}
	}
	return bad
}

func articleHTML(title string, links ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<html><head><title>%s</title></head><body><h1>%s</h1><p>Body of %s.</p>", title, title, title)
	for _, l := range links {
		fmt.Fprintf(&b, `<a href="%s">link</a>`, l)
	}
	b.WriteString("</body></html>")
	return b.String()
}

type pageLog struct {
	mu    sync.Mutex
	pages map[string]*Page
	order []string
}

func (p *pageLog) handler(ctx context.Context, pg *Page) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pages == nil {
		p.pages = map[string]*Page{}
	}
	cp := *pg
	p.pages[pg.URL] = &cp
	p.order = append(p.order, pg.URL)
	return nil
}

func (p *pageLog) get(u string) *Page {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pages[u]
}

func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func TestFarm(t *testing.T) {
	const delay = 60 * time.Millisecond
	news := newFarmHost(t, "127.0.0.2")
	limited := newFarmHost(t, "127.0.0.3")
	down := newFarmHost(t, "127.0.0.4")
	hostile := newFarmHost(t, "127.0.0.5")

	// news: robots rules with Crawl-delay, a sitemap with Google News
	// fields, a feed, tracking-parameter variants, nofollow, traps and a
	// redirect into a disallowed path.
	news.setRobots("User-agent: *\nDisallow: /private/\nCrawl-delay: 0.1\nSitemap: " + news.base + "/news-sitemap.xml\n")
	news.html("/", `<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body>`+
		`<a href="/a/1">1</a><a href="/a/1?utm_source=x">1 again</a><a href="/a/1#top">1 again</a>`+
		`<a href="/a/2">2</a><a href="/a/3">3</a><a href="/private/secret">no</a><a href="/go-private">redirect</a>`+
		`<a rel="nofollow" href="/nofollow-target">nf</a><a href="/cal/2199/01/">trap</a><a href="/x/x/x/y">trap</a>`+
		`<a href="/moved">moved</a><a href="/loop1">loop</a><a href="mailto:a@b.c">mail</a>`+
		`<a href="http://192.0.2.1/elsewhere">offsite</a></body></html>`)
	news.html("/a/1", articleHTML("One", "/a/2"))
	news.html("/a/2", articleHTML("Two", "/"))
	news.html("/a/3", `<html><head><meta name="robots" content="noindex, nofollow"></head><body><a href="/never">never</a></body></html>`)
	news.html("/a/4", articleHTML("Four"))
	news.html("/a/6", articleHTML("Six"))
	news.html("/a/7", articleHTML("Seven"))
	news.html("/private/secret", articleHTML("Secret"))
	news.html("/private/target", articleHTML("Secret target"))
	news.html("/never", articleHTML("Never"))
	news.html("/nofollow-target", articleHTML("NF"))
	news.mux.HandleFunc("/go-private", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/private/target", http.StatusFound)
	})
	news.mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/a/4?utm_medium=redirect", http.StatusMovedPermanently)
	})
	news.mux.HandleFunc("/loop1", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop2", http.StatusFound) })
	news.mux.HandleFunc("/loop2", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop1", http.StatusFound) })
	news.mux.HandleFunc("/news-sitemap.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">`+
			`<url><loc>%s/a/6</loc><news:news><news:publication_date>2026-03-04T05:06:07Z</news:publication_date><news:title>Six from sitemap</news:title></news:news></url>`+
			`<url><loc>%s/a/1</loc></url></urlset>`, news.base, news.base)
	})
	news.mux.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>`+
			`<item><title>Seven from feed</title><link>%s/a/7</link><pubDate>Mon, 02 Mar 2026 10:00:00 GMT</pubDate></item></channel></rss>`, news.base)
	})

	// limited: 429 with Retry-After, then 503 without, then success.
	limited.setRobots("User-agent: *\nAllow: /\n")
	limited.html("/", articleHTML("Limited home", "/a/1", "/a/2"))
	var lmu sync.Mutex
	tries := map[string]int{}
	limited.mux.HandleFunc("/a/", func(w http.ResponseWriter, r *http.Request) {
		lmu.Lock()
		tries[r.URL.Path]++
		n := tries[r.URL.Path]
		lmu.Unlock()
		switch {
		case r.URL.Path == "/a/1" && n == 1:
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
		case r.URL.Path == "/a/2" && n == 1:
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, articleHTML("Limited "+r.URL.Path))
		}
	})

	// down: robots.txt answers 503, so nothing else may be fetched.
	down.mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
	down.html("/", articleHTML("Down home", "/a/1"))
	down.robots = "User-agent: *\nDisallow: /\n" // what a 503 means

	// hostile: a 40 MB page, a gzip bomb, legacy charsets (a stalled
	// response: TestStalledPage).
	hostile.setRobots("User-agent: *\nDisallow:\n")
	hostile.html("/", articleHTML("Hostile home", "/big", "/bomb", "/win1256", "/koi8", "/sjis", "/report.pdf", "/after"))
	hostile.mux.HandleFunc("/sjis", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		b, _ := japanese.ShiftJIS.NewEncoder().Bytes([]byte(`<html><head><meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS"></head><body><p>東京で記者会見</p></body></html>`))
		w.Write(b)
	})
	hostile.mux.HandleFunc("/report.pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		chunk := bytes.Repeat([]byte("%PDF"), 1<<14)
		for i := 0; i < 400; i++ { // 25 MB, abandoned by the client after the headers
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	hostile.html("/after", articleHTML("After"))
	hostile.mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html><body><h1>Big</h1><p>")
		chunk := bytes.Repeat([]byte("word "), 1<<16)
		for written := 0; written < 40<<20; written += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	chunk := bytes.Repeat([]byte("<p>aaaaaaaaaaaaaaaa</p>"), 1<<14)
	for i := 0; i < (64<<20)/len(chunk); i++ { // 64 MB decoded, ~200 KB on the wire
		zw.Write(chunk)
	}
	zw.Close()
	hostile.mux.HandleFunc("/bomb", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(bomb.Bytes())
	})
	hostile.mux.HandleFunc("/win1256", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=windows-1256")
		b, _ := charmap.Windows1256.NewEncoder().Bytes([]byte("<html><body><p>مرحبا بالعالم</p></body></html>"))
		w.Write(b)
	})
	hostile.mux.HandleFunc("/koi8", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		b, _ := charmap.KOI8R.NewEncoder().Bytes([]byte(`<html><head><meta charset="koi8-r"></head><body><p>Привет, мир</p></body></html>`))
		w.Write(b)
	})

	st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var pages pageLog
	cfg := Config{
		Seeds:        []string{news.base + "/", limited.base + "/", down.base + "/", hostile.base + "/"},
		Delay:        delay,
		AllowPrivate: true,
		MaxBodySize:  1 << 20, MaxDecodedSize: 4 << 20,
		// No page here waits for a timeout: they are hang detectors.
		Timeout: patience, HeaderTimeout: patience, MaxDelay: time.Second,
		BackoffBase: 100 * time.Millisecond, RobotsRetry: 100 * time.Millisecond, RobotsRetries: 2,
		Logger: quietLogger(),
	}
	c, err := New(cfg, st, pages.handler)
	if err != nil {
		t.Fatal(err)
	}
	ctx := patientContext(t, "the crawl of the news, limited, down and hostile hosts")
	peak := make(chan uint64)
	stop := make(chan struct{})
	go func() { // sample the heap while the crawl runs
		var max uint64
		var ms runtime.MemStats
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				peak <- max
				return
			case <-tick.C:
				runtime.ReadMemStats(&ms)
				max = maxU(max, ms.HeapInuse)
			}
		}
	}()
	stats, err := c.Run(ctx)
	close(stop)
	peakHeap := <-peak
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	t.Logf("peak heap in use during the crawl: %.1f MiB", float64(peakHeap)/(1<<20))
	if peakHeap > 64<<20 {
		t.Errorf("peak heap %d MiB: memory not bounded by the body limits", peakHeap>>20)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("stats: %+v", stats)

	violations := 0
	for _, h := range []*farmHost{news, limited, down, hostile} {
		violations += checkRobots(t, h)
	}
	politeness := checkPoliteness(t, news, 100*time.Millisecond) + checkPoliteness(t, limited, delay) +
		checkPoliteness(t, down, delay) + checkPoliteness(t, hostile, delay)
	if violations != 0 || politeness != 0 {
		t.Errorf("robots violations %d, politeness violations %d", violations, politeness)
	}

	// Every allowed article exactly once, whatever variant linked to it.
	for _, p := range []string{"/", "/a/1", "/a/2", "/a/3", "/a/4", "/a/6", "/a/7", "/feed.xml", "/news-sitemap.xml"} {
		if n := news.count(p, 0); n != 1 {
			t.Errorf("news %s fetched %d times, want 1", p, n)
		}
	}
	for _, p := range []string{"/never", "/nofollow-target", "/private/secret", "/private/target", "/cal/2199/01/", "/x/x/x/y", "/a/1?utm_source=x"} {
		if n := news.count(p, 0); n != 0 {
			t.Errorf("news %s fetched %d times, want 0", p, n)
		}
	}
	if news.count("/loop1", 0) != 1 || news.count("/loop2", 0) != 1 {
		t.Errorf("redirect loop: loop1 %d, loop2 %d fetches", news.count("/loop1", 0), news.count("/loop2", 0))
	}
	if n := news.count("/go-private", 0); n != 1 {
		t.Errorf("/go-private fetched %d times", n)
	}
	if p := pages.get(news.base + "/a/6"); p == nil || p.Hints.Title != "Six from sitemap" || p.Hints.Published.IsZero() {
		t.Errorf("sitemap hints missing: %+v", p)
	}
	if p := pages.get(news.base + "/a/7"); p == nil || p.Hints.Title != "Seven from feed" {
		t.Errorf("feed hints missing: %+v", p)
	}
	if p := pages.get(news.base + "/moved"); p == nil || p.FinalURL != news.base+"/a/4" {
		t.Errorf("redirected page: %+v", p)
	}
	if p := pages.get(news.base + "/a/3"); p == nil || !p.NoIndex {
		t.Errorf("noindex not reported: %+v", p)
	}

	// 429 and 503 were retried after waiting, and succeeded.
	if limited.count("/a/1", 429) != 1 || limited.count("/a/1", 200) != 1 || limited.count("/a/2", 503) != 1 || limited.count("/a/2", 200) != 1 {
		t.Errorf("limited hits: %+v", limited.hitList())
	}
	hl := limited.hitList()
	for i, x := range hl {
		if x.status == 429 && i+1 < len(hl) && hl[i+1].start.Sub(x.end) < 990*time.Millisecond {
			t.Errorf("Retry-After ignored: next request %v after the 429", hl[i+1].start.Sub(x.end))
		}
	}
	if stats.Retries < 2 {
		t.Errorf("retries = %d, want ≥ 2", stats.Retries)
	}

	// A 503 robots.txt means nothing else on the host.
	for _, x := range down.hitList() {
		if x.path != "/robots.txt" {
			t.Errorf("down host: %s fetched despite 503 robots.txt", x.path)
		}
	}
	if n := down.count("/robots.txt", 0); n != 2 {
		t.Errorf("down robots.txt fetched %d times, want 2 (RobotsRetries)", n)
	}

	// Hostile: truncation recorded, bomb refused, crawl went on.
	if p := pages.get(hostile.base + "/big"); p == nil || !p.Truncated || len(p.Body) != 1<<20 {
		t.Errorf("big page: %v; log %v", p != nil && p.Truncated, outcomeOf(t, st, "/big"))
	}
	if p := pages.get(hostile.base + "/bomb"); p != nil {
		t.Errorf("gzip bomb handed to the handler (%d bytes)", len(p.Body))
	}
	if pages.get(hostile.base+"/after") == nil {
		t.Errorf("crawl did not go on after the hostile pages")
	}
	for path, want := range map[string]string{"/win1256": "مرحبا بالعالم", "/koi8": "Привет, мир", "/sjis": "東京で記者会見"} {
		p := pages.get(hostile.base + path)
		if p == nil {
			t.Errorf("%s not fetched", path)
			continue
		}
		txt, err := p.UTF8()
		if err != nil || !strings.Contains(string(txt), want) {
			t.Errorf("%s decoded to %q (%v)", path, txt, err)
		}
	}
	if stats.Truncated != 1 {
		t.Errorf("stats.Truncated = %d", stats.Truncated)
	}

	// Fetch log records failures with their reasons.
	logs, err := FetchLog(st.DB())
	if err != nil {
		t.Fatal(err)
	}
	outcomes := map[string]string{}
	for _, l := range logs {
		if u, err := url.Parse(l.URL); err == nil {
			outcomes[u.Host+u.Path] = l.Outcome + " " + l.Error
		}
	}
	if l := outcomeOf(t, st, "/report.pdf"); len(l) != 1 || l[0].Outcome != "not-html" || l[0].Bytes != 0 {
		t.Errorf("pdf link: %+v", l)
	}
	for path, want := range map[string]string{
		"/bomb": "decoded body exceeds limit", "/loop2": "redirect",
		"/private/target": "robots-denied", "/private/secret": "robots-denied",
	} {
		host := hostile.base
		if !strings.HasPrefix(path, "/bomb") {
			host = news.base
		}
		hu, _ := url.Parse(host)
		if got := outcomes[hu.Host+path]; !strings.Contains(got, want) {
			t.Errorf("log for %s = %q, want it to contain %q", path, got, want)
		}
	}
}

// TestStalledPage serves a page that stalls after its first bytes: the
// crawler's Timeout hangs up (the server sees it go), the page is never
// handed on, and the fetch log records the failure. A first crawl with
// no timeout in reach learns the host's robots.txt, so the second, with
// a short Timeout, makes no request but the stalled ones: however slow
// the machine, only the Timeout can end them.
func TestStalledPage(t *testing.T) {
	h := newFarmHost(t, "127.0.0.6")
	h.setRobots("User-agent: *\nDisallow:\n")
	h.html("/", articleHTML("Stall home"))
	var mu sync.Mutex
	stalls, ended, hungUp := 0, 0, 0
	h.mux.HandleFunc("/stall", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		stalls++
		mu.Unlock()
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html><body>partial")
		w.(http.Flusher).Flush()
		select { // only the crawler's Timeout ends this
		case <-r.Context().Done():
			mu.Lock()
			hungUp++
			mu.Unlock()
		case <-time.After(patience):
			t.Errorf("hung: /stall still open after %v: the crawler's Timeout never hung up", patience)
		}
		mu.Lock()
		ended++
		mu.Unlock()
	})
	st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var pages pageLog
	cfg := Config{Seeds: []string{h.base + "/"}, Delay: 10 * time.Millisecond, AllowPrivate: true,
		DisableSitemaps: true, Timeout: patience, HeaderTimeout: patience, Logger: quietLogger()}
	crawlOnce(t, cfg, st, pages.handler)
	if pages.get(h.base+"/") == nil || h.count("/robots.txt", 0) != 1 {
		t.Fatalf("first crawl: home page %v, robots.txt fetched %d times", pages.get(h.base+"/") != nil, h.count("/robots.txt", 0))
	}
	cfg.Seeds = []string{h.base + "/stall"}
	cfg.Timeout, cfg.HeaderTimeout = 100*time.Millisecond, 100*time.Millisecond
	crawlOnce(t, cfg, st, pages.handler)
	for deadline := time.Now().Add(patience); ; time.Sleep(5 * time.Millisecond) { // the handlers see the hang-ups
		mu.Lock()
		running := stalls - ended
		mu.Unlock()
		if running == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d /stall handlers still running %v after the crawl ended", running, patience)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if stalls == 0 || hungUp != stalls {
		t.Errorf("/stall requested %d times, %d ended by the crawler hanging up; want every one", stalls, hungUp)
	}
	if n := len(h.hitList()); n != 1+1+stalls {
		t.Errorf("%d requests, want robots.txt, the home page and the stalls: %+v", n, h.hitList())
	}
	if pages.get(h.base+"/stall") != nil {
		t.Errorf("stalled page handed to the handler")
	}
	if l := outcomeOf(t, st, "/stall"); len(l) == 0 || !strings.Contains(l[len(l)-1].Outcome+" "+l[len(l)-1].Error, "failed") {
		t.Errorf("log for /stall: %+v, want a failure", l)
	}
}

func outcomeOf(t *testing.T, st *store.Store, path string) []frontier.LogRecord {
	logs, err := FetchLog(st.DB())
	if err != nil {
		t.Fatal(err)
	}
	var out []frontier.LogRecord
	for _, l := range logs {
		if strings.HasSuffix(l.URL, path) {
			out = append(out, l)
		}
	}
	return out
}

func maxU(a, b uint64) uint64 {
	if a > b {
		return a
	}
	return b
}
