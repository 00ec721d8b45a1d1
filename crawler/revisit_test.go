package crawler

import (
	"bytes"
	"net/http"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/syndex/syndex/crawler/frontier"
	"github.com/syndex/syndex/crawler/frontier/local"
	"github.com/syndex/syndex/store"
)

// versioned serves pages whose bodies a test can change, with ETag and
// Last-Modified so that conditional GETs get 304 while a page is unchanged.
type versioned struct {
	mu    sync.Mutex
	pages map[string]string
	mod   map[string]time.Time
}

func (v *versioned) set(path, body string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.pages == nil {
		v.pages, v.mod = map[string]string{}, map[string]time.Time{}
	}
	v.pages[path] = body
	v.mod[path] = time.Now().Add(time.Duration(len(v.mod)) * time.Second).Truncate(time.Second)
}

func (v *versioned) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	v.mu.Lock()
	body, ok := v.pages[r.URL.Path]
	mod := v.mod[r.URL.Path]
	v.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	ct := "text/html; charset=utf-8"
	if r.URL.Path == "/feed.xml" {
		ct = "application/rss+xml"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("ETag", `"`+store.FileName+mod.Format("150405")+`"`)
	http.ServeContent(w, r, "", mod, bytes.NewReader([]byte(body)))
}

func rss(base string, paths ...string) string {
	s := `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>`
	for _, p := range paths {
		s += `<item><title>` + p + `</title><link>` + base + p + `</link></item>`
	}
	return s + `</channel></rss>`
}

func revisitOf(t *testing.T, db *bolt.DB, u string) frontier.RevisitRec {
	t.Helper()
	cu, err := Canonicalize(u)
	if err != nil {
		t.Fatal(err)
	}
	lf, err := local.New(db, local.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := lf.Revisit(Key(cu))
	return r
}

// TestFeedsAndAdaptiveRevisit checks that configured feeds are read without
// any seed, that known pages are re-checked with conditional GETs when due,
// and that the interval grows for an unchanged page and shrinks for a
// changed one. Re-check dates follow a clock that moves only when the
// test moves it.
func TestFeedsAndAdaptiveRevisit(t *testing.T) {
	h := newFarmHost(t, "127.0.0.21")
	h.setRobots("User-agent: *\nAllow: /\n")
	v := &versioned{}
	v.set("/feed.xml", rss(h.base, "/a", "/b"))
	v.set("/a", articleHTML("A"))
	v.set("/b", articleHTML("B"))
	h.mux.Handle("/", v)
	st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const every = time.Hour
	clock := newTestClock()
	run := func() (*pageLog, Stats) {
		t.Helper()
		pl := &pageLog{}
		s := crawlOnce(t, Config{Feeds: []string{h.base + "/feed.xml"}, Delay: 2 * time.Millisecond, AllowPrivate: true,
			DisableSitemaps: true, Logger: quietLogger(), WARCDir: "-", StatsFile: "-", RevisitMin: every, now: clock.Now}, st, pl.handler)
		return pl, s
	}
	pl, _ := run()
	if pl.get(h.base+"/a") == nil || pl.get(h.base+"/b") == nil {
		t.Fatalf("first run handled %v, want /a and /b from the feed", pl.order)
	}
	if r := revisitOf(t, st.DB(), h.base+"/a"); r.Every != int64(every) {
		t.Fatalf("after first fetch /a re-check every %v, want %v", time.Duration(r.Every), every)
	}
	// Too early, a moment before the re-check date: nothing is due, only
	// the feed is polled (304).
	clock.Advance(every - time.Nanosecond)
	pl, _ = run()
	if len(pl.order) != 0 || h.count("/a", 0) != 1 || h.count("/feed.xml", http.StatusNotModified) != 1 {
		t.Fatalf("early run: handled %v, /a requests %d, feed 304s %d", pl.order, h.count("/a", 0), h.count("/feed.xml", http.StatusNotModified))
	}
	clock.Advance(time.Nanosecond)
	v.set("/b", articleHTML("B, corrected"))
	pl, _ = run()
	tests := []struct {
		path      string
		status    int
		responses int // with that status, first fetch included
		handled   bool
		wantEvery time.Duration
	}{
		{"/a", http.StatusNotModified, 1, false, 2 * every},
		{"/b", http.StatusOK, 2, true, every},
	}
	for _, tc := range tests {
		if n := h.count(tc.path, tc.status); n != tc.responses {
			t.Errorf("%s: %d responses with status %d, want %d", tc.path, n, tc.status, tc.responses)
		}
		if got := pl.get(h.base+tc.path) != nil; got != tc.handled {
			t.Errorf("%s handed to the handler again: %v, want %v", tc.path, got, tc.handled)
		}
		r := revisitOf(t, st.DB(), h.base+tc.path)
		if time.Duration(r.Every) != tc.wantEvery || r.Checks != 1 {
			t.Errorf("%s: re-check every %v after %d checks, want %v after 1", tc.path, time.Duration(r.Every), r.Checks, tc.wantEvery)
		}
	}
}

// TestRecrawlAndQueueDepth checks that a Recrawl pass fetches known pages
// again while an ordinary pass fetches only the seed, and that QueueDepth
// counts what a budget left queued.
func TestRecrawlAndQueueDepth(t *testing.T) {
	h := chainHost(t, "127.0.0.22", 3)
	st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	run := func(recrawl bool, maxPages int) Stats {
		t.Helper()
		return crawlOnce(t, Config{Seeds: []string{h.base + "/"}, Job: "j", Delay: 2 * time.Millisecond, AllowPrivate: true,
			DisableSitemaps: true, Logger: quietLogger(), WARCDir: "-", StatsFile: "-", Recrawl: recrawl, MaxPages: maxPages}, st, nil)
	}
	run(false, 2)
	depth, err := QueueDepth(st.DB(), "j")
	if err != nil {
		t.Fatal(err)
	}
	host := h.base[len("http://"):]
	if depth[host] == 0 || len(depth) != 1 {
		t.Fatalf("queue depth after a budgeted run: %v, want entries for %s only", depth, host)
	}
	if s := run(false, 0); s.Queue != 0 {
		t.Fatalf("resumed run left %d queued", s.Queue)
	}
	if depth, _ := QueueDepth(st.DB(), "j"); len(depth) != 0 {
		t.Fatalf("queue depth after the pass: %v, want empty", depth)
	}
	tests := []struct {
		recrawl bool
		pages   int64
	}{{false, 1}, {true, 4}}
	for _, tc := range tests {
		if s := run(tc.recrawl, 0); s.Pages+s.Revisits < tc.pages || (!tc.recrawl && s.Requests != 1) {
			t.Errorf("recrawl=%v: %d pages, %d revisits, %d requests; want %d pages or revisits", tc.recrawl, s.Pages, s.Revisits, s.Requests, tc.pages)
		}
	}
}
