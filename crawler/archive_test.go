package crawler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	gowarc "github.com/nlnwa/gowarc/v2"

	"github.com/syndex/syndex/crawler/fetch"
	"github.com/syndex/syndex/store"
)

// warcRecordAt reads the record a Page.WARC location names with the
// independent nlnwa reader.
func warcRecordAt(t *testing.T, dir, loc string) gowarc.WarcRecord {
	t.Helper()
	file, off, ok := strings.Cut(loc, "#")
	if !ok {
		t.Fatalf("bad warc location %q", loc)
	}
	n, _ := strconv.ParseInt(off, 10, 64)
	r, err := gowarc.NewWarcFileReader(filepath.Join(dir, file), n, gowarc.WithStrictValidation())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	rec, _, val, err := r.Next()
	if err != nil {
		t.Fatalf("read %s: %v", loc, err)
	}
	if err := rec.ValidateDigest(val); err != nil || !val.Valid() {
		t.Fatalf("%s digest: %v %v", loc, err, val)
	}
	return rec
}

// warcTypes counts the record types in every WARC file of dir.
func warcTypes(t *testing.T, dir string) map[gowarc.RecordType]int {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.warc.gz"))
	out := map[gowarc.RecordType]int{}
	for _, f := range files {
		r, err := gowarc.NewWarcFileReader(f, 0, gowarc.WithStrictValidation())
		if err != nil {
			t.Fatal(err)
		}
		for {
			rec, off, _, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s@%d: %v", f, off, err)
			}
			out[rec.Type()]++
		}
		r.Close()
	}
	return out
}

// TestArchiveAndRecrawl checks the WARC records of a crawl (read back with
// nlnwa/gowarc), then a second pass: seeds and feeds are re-fetched with
// conditional GET (304 → revisit record), articles are not fetched again.
func TestArchiveAndRecrawl(t *testing.T) {
	h := newFarmHost(t, "127.0.0.7")
	h.setRobots("User-agent: *\nDisallow: /private\n")
	var homeVersion atomic.Int32
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		etag := fmt.Sprintf(`"v%d"`, homeVersion.Load())
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		links := []string{"/a/1", "/a/2"}
		if homeVersion.Load() > 0 {
			links = append(links, "/a/3")
		}
		io.WriteString(w, articleHTML("Home", links...))
	})
	for _, p := range []string{"/a/1", "/a/2", "/a/3"} {
		h.html(p, articleHTML("Article "+p))
	}
	dir := t.TempDir()
	st, err := store.Open(dir, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cfg := Config{Seeds: []string{h.base + "/"}, Delay: 20 * time.Millisecond, AllowPrivate: true, Logger: quietLogger(), DisableSitemaps: true}
	run := func() (*pageLog, Stats) {
		var pages pageLog
		s := crawlOnce(t, cfg, st, pages.handler)
		return &pages, s
	}
	pages, s1 := run()
	if s1.Pages != 3 {
		t.Fatalf("pass 1 pages = %d, want 3", s1.Pages)
	}
	warcDir := filepath.Join(dir, "warc")
	for u, p := range pages.pages {
		rec := warcRecordAt(t, warcDir, p.WARC)
		if rec.Type() != gowarc.Response || rec.WarcHeader().Get(gowarc.WarcTargetURI) != u {
			t.Errorf("%s: WARC %s is %v for %s", u, p.WARC, rec.Type(), rec.WarcHeader().Get(gowarc.WarcTargetURI))
		}
		blk, ok := rec.Block().(gowarc.HttpResponseBlock)
		if !ok || blk.HttpStatusCode() != 200 {
			t.Errorf("%s: block %T", u, rec.Block())
		}
	}

	// Second pass: the home page answers 304 the first time (unchanged),
	// so only the seed is requested again.
	_, s2 := run()
	if s2.Pass != 2 || s2.Revisits != 1 || s2.Pages != 0 {
		t.Errorf("pass 2: %+v", s2)
	}
	// Third pass: the home page changed and links a new article; only that
	// one is fetched.
	homeVersion.Store(1)
	pages3, s3 := run()
	if s3.Pages != 2 || pages3.get(h.base+"/a/3") == nil {
		t.Errorf("pass 3: pages %d %v", s3.Pages, pages3.order)
	}
	for _, p := range []string{"/a/1", "/a/2", "/a/3"} {
		if n := h.count(p, 0); n != 1 {
			t.Errorf("%s fetched %d times over three passes", p, n)
		}
	}
	if n := h.count("/", 0); n != 3 {
		t.Errorf("seed fetched %d times over three passes, want 3", n)
	}
	// The same Crawler running again (scheduled mode) must not fetch
	// queued or finished pages twice.
	var pages4 pageLog
	c4, err := New(cfg, st, pages4.handler)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if _, err := c4.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	c4.Close()
	for _, p := range []string{"/a/1", "/a/2", "/a/3"} {
		if n := h.count(p, 0); n != 1 {
			t.Errorf("%s fetched %d times after reusing a Crawler", p, n)
		}
	}
	if n := h.count("/", 0); n != 5 {
		t.Errorf("seed fetched %d times over five passes, want 5", n)
	}
	types := warcTypes(t, warcDir)
	if types[gowarc.Revisit] != 3 || types[gowarc.Response] != 6 || types[gowarc.Request] != types[gowarc.Response]+types[gowarc.Revisit] || types[gowarc.Warcinfo] != 5 {
		t.Errorf("warc record types: %v", types)
	}
	var onDisk Stats
	if b, err := os.ReadFile(filepath.Join(dir, "stats.json")); err != nil || json.Unmarshal(b, &onDisk) != nil {
		t.Errorf("stats.json: %v", err)
	} else if onDisk.Pass != 5 || onDisk.Pages != 0 || onDisk.Requests != 1 {
		t.Errorf("stats.json = %+v, want the last pass's stats %+v", onDisk, s3)
	}
	cdx, _ := filepath.Glob(filepath.Join(warcDir, "*.cdxj"))
	if len(cdx) != 5 {
		t.Errorf("cdxj files: %v", cdx)
	}
}

// TestSSRFGuard refuses loopback targets unless AllowPrivate is set: a
// refused seed fails the run at once, naming the seed and the address,
// and a refused dial is recognisable as such (the host is given up, not
// retried).
func TestSSRFGuard(t *testing.T) {
	h := newFarmHost(t, "127.0.0.8")
	h.setRobots("User-agent: *\nDisallow:\n")
	h.html("/", articleHTML("Home"))
	for _, allow := range []bool{false, true} {
		st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		var pages pageLog
		c, err := New(Config{Seeds: []string{h.base + "/"}, Delay: 10 * time.Millisecond, AllowPrivate: allow,
			Logger: quietLogger(), DisableSitemaps: true, WARCDir: "-", BackoffBase: time.Hour, RobotsRetry: time.Hour}, st, pages.handler)
		if err != nil {
			t.Fatal(err)
		}
		before := len(h.hitList())
		// At once: a retry would wait an hour's back-off.
		s, err := runPatiently(t, c, "the refused seed was retried")
		got := len(h.hitList()) - before
		if !allow {
			var rs *RefusedSeedError
			if !errors.As(err, &rs) || !errors.Is(err, ErrForbiddenAddress) || rs.Kind != "loopback" || rs.URL != h.base+"/" {
				t.Errorf("AllowPrivate=false: Run error %v, want a refused seed naming the loopback address", err)
			}
			if got != 0 || s.Pages != 0 {
				t.Errorf("AllowPrivate=false: %d requests reached the server, %d pages", got, s.Pages)
			}
			// The dial itself refuses too, recognisably.
			f := &fetch.Fetch{Ctx: context.Background(), URL: h.base + "/robots.txt"}
			if err := c.do(f); !errors.Is(err, ErrForbiddenAddress) || !strings.Contains(err.Error(), "loopback") {
				t.Errorf("dial to %s: %v, want ErrForbiddenAddress (loopback)", h.ip, err)
			}
		}
		if allow && (err != nil || got != 2 || s.Pages != 1) {
			t.Errorf("AllowPrivate=true: %v, %d requests, %d pages", err, got, s.Pages)
		}
		st.Close()
	}
}

func TestCheckSeeds(t *testing.T) {
	tests := []struct {
		seeds   []string
		resolve map[string]string
		allow   bool
		refused []string // kinds, in order
	}{
		{seeds: []string{"http://8.8.8.8/"}},
		{seeds: []string{"http://127.0.0.1:8080/", "http://8.8.8.8/", "http://[fd00::1]/"}, refused: []string{"loopback", "unique local"}},
		{seeds: []string{"http://127.0.0.1/"}, allow: true},
		{seeds: []string{"http://news.test/"}, resolve: map[string]string{"news.test": "192.0.2.7"}, refused: []string{"documentation (TEST-NET-1)"}},
		{seeds: []string{"http://[2002:a00:1::1]/"}, refused: []string{"private use, embedded 10.0.0.1"}},
		{seeds: []string{"http://no-such-host.invalid/"}}, // unresolvable: the crawl reports it
	}
	for _, tc := range tests {
		err := CheckSeeds(context.Background(), Config{Seeds: tc.seeds, Resolve: tc.resolve, AllowPrivate: tc.allow, ConnectTimeout: time.Second})
		var kinds []string
		for _, e := range unjoin(err) {
			var rs *RefusedSeedError
			if errors.As(e, &rs) {
				kinds = append(kinds, rs.Kind)
			}
		}
		if strings.Join(kinds, "|") != strings.Join(tc.refused, "|") {
			t.Errorf("CheckSeeds(%v) = %v, want refused %q", tc.seeds, err, tc.refused)
		}
	}
}

// unjoin lists the errors errors.Join combined.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	if err == nil {
		return nil
	}
	return []error{err}
}
