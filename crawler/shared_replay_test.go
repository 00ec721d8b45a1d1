package crawler

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/syndex/syndex/internal/redistest"
	"github.com/syndex/syndex/store"
)

// TestSharedKillReplay kills a shared-crawl worker process with SIGKILL
// while its handler works on a page whose response is archived, then
// starts another worker on the same frontier once the dead worker's lease
// has expired:
//   - restarted on the same archive, the worker processes that page from
//     its WARC (counted as replayed): no page is requested twice;
//   - a worker with its own archive (another machine) cannot read the
//     dead worker's WARC: it fetches that one page again, and loses
//     nothing.
func TestSharedKillReplay(t *testing.T) {
	redisURL := redistest.URL(t)
	tests := []struct {
		name    string
		ip      string
		sameDir bool // the second worker runs on the first one's archive
	}{
		{name: "same archive", ip: "127.0.0.95", sameDir: true},
		{name: "other archive", ip: "127.0.0.96"},
	}
	const n, blockAt = 12, 5
	const delay = 20 * time.Millisecond
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ns := redistest.Namespace(t)
			h := newFarmHost(t, tc.ip)
			h.setRobots("User-agent: *\nDisallow:\n")
			var home []string
			for i := 0; i < n; i++ {
				p := fmt.Sprintf("/a/%d", i)
				home = append(home, p)
				h.html(p, articleHTML(fmt.Sprint("Article ", i), fmt.Sprintf("/a/%d", (i+1)%n), "/"))
			}
			h.html("/", articleHTML("Home", home...))
			dir := t.TempDir()
			pagesFile := dir + "/pages.txt"
			child := func(archive string, blockAt int) *exec.Cmd {
				cmd := exec.Command(os.Args[0], "-test.run=^$")
				cmd.Env = append(os.Environ(), "SYNDEX_CRAWL_CHILD=1", "SYNDEX_ARCHIVE="+archive,
					"SYNDEX_SEED="+h.base+"/", "SYNDEX_PAGES="+pagesFile, "SYNDEX_STATS="+archive+"/stats.json",
					"SYNDEX_BLOCK_AT="+strconv.Itoa(blockAt), "SYNDEX_DELAY="+delay.String(),
					"SYNDEX_REDIS="+redisURL, "SYNDEX_NS="+ns, "SYNDEX_LEASE=2s")
				cmd.Stderr = os.Stderr
				return cmd
			}
			first := child(dir+"/a", blockAt)
			if err := first.Start(); err != nil {
				t.Fatal(err)
			}
			// The kill point: the handler blocked on its blockAt-th page,
			// whose response is in the WARC.
			deadline := time.After(patience)
			for len(countLines(pagesFile)) < blockAt {
				select {
				case <-deadline:
					first.Process.Kill()
					first.Wait()
					t.Fatalf("hung: the first worker had not reached the kill point (its handler blocked on page %d) after %v", blockAt, patience)
				case <-time.After(5 * time.Millisecond):
				}
			}
			if err := first.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			first.Wait()
			blocked, _, _ := strings.Cut(countLines(pagesFile)[blockAt-1], " ")
			blocked = strings.TrimPrefix(blocked, h.base)

			archive := dir + "/a"
			if !tc.sameDir {
				archive = dir + "/b"
			}
			runChild(t, child(archive, 0), "the second worker (replaying the killed one's page)")
			handled := handledPages(t, pagesFile, h.base)
			for _, p := range append(home, "/") {
				if handled[p] == 0 {
					t.Errorf("%s never reached the handler", p)
				}
				want := 1
				if p == blocked && !tc.sameDir {
					want = 2 // the other worker has no copy of the response
				}
				if c := h.count(p, 0); c != want {
					t.Errorf("%s requested %d times, want %d", p, c, want)
				}
			}
			if got := handled[blocked]; got != 2 {
				t.Errorf("%s, in the handler at the kill, handled %d times, want 2", blocked, got)
			}
			var s Stats
			if b, err := os.ReadFile(archive + "/stats.json"); err != nil {
				t.Fatal(err)
			} else if err := json.Unmarshal(b, &s); err != nil {
				t.Fatal(err)
			}
			wantReplayed := int64(0)
			if tc.sameDir {
				wantReplayed = 1
			}
			if s.Replayed != wantReplayed {
				t.Errorf("second worker replayed %d pages, want %d", s.Replayed, wantReplayed)
			}
			checkRobots(t, h)
			checkPoliteness(t, h, delay)
		})
	}
}

// TestSharedWorkerRobotsDenied: a shared worker that knows a host's
// robots.txt records the links it forbids as refused when it finds them
// (seen set and fetch log), as a local crawl does, instead of queueing
// each for a claim.
func TestSharedWorkerRobotsDenied(t *testing.T) {
	url := redistest.URL(t)
	ns := redistest.Namespace(t)
	h := newFarmHost(t, "127.0.0.97")
	h.setRobots("User-agent: *\nDisallow: /private/\n")
	var links []string
	for i := 0; i < 20; i++ {
		links = append(links, fmt.Sprintf("/private/%d", i))
	}
	h.html("/", articleHTML("Home", append([]string{"/a/1"}, links...)...))
	h.html("/a/1", articleHTML("One", "/a/2"))
	h.html("/a/2", articleHTML("Two"))
	st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	fr := openTestShared(t, url, ns, "w", 5*time.Second)
	var mu sync.Mutex
	var queuedPrivate []string
	handler := func(ctx context.Context, p *Page) error {
		if !strings.HasSuffix(p.URL, "/a/1") {
			return nil
		}
		// The home page's links were released before /a/1 was claimed:
		// nothing forbidden may wait in the host's queue.
		q, err := fr.Client().LRange(ctx, KeyPrefix(fr.Namespace())+"q:"+strings.TrimPrefix(h.base, "http://"), 0, -1).Result()
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		for _, e := range q {
			if strings.Contains(e, "/private/") {
				queuedPrivate = append(queuedPrivate, e)
			}
		}
		return nil
	}
	c, err := New(Config{Seeds: []string{h.base + "/"}, Delay: 10 * time.Millisecond, AllowPrivate: true,
		DisableSitemaps: true, Logger: quietLogger()}, st, handler)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := patientContext(t, "a shared worker over one host with forbidden links")
	s, err := c.RunShared(ctx, fr)
	if err != nil {
		t.Fatal(err)
	}
	if len(queuedPrivate) > 0 {
		t.Errorf("%d forbidden links queued, first %s", len(queuedPrivate), queuedPrivate[0])
	}
	if s.RobotsDenied != int64(len(links)) {
		t.Errorf("robots_denied = %d, want %d", s.RobotsDenied, len(links))
	}
	for _, p := range []string{"/", "/a/1", "/a/2"} {
		if c := h.count(p, 0); c != 1 {
			t.Errorf("%s requested %d times, want 1", p, c)
		}
	}
	for _, p := range links {
		if c := h.count(p, 0); c != 0 {
			t.Errorf("%s requested %d times, want 0", p, c)
		}
	}
	recs, err := FetchLog(st.DB())
	if err != nil {
		t.Fatal(err)
	}
	var denied int
	for _, r := range recs {
		if r.Outcome == "robots-denied" && strings.Contains(r.URL, "/private/") {
			denied++
		}
	}
	if denied != len(links) {
		t.Errorf("fetch log has %d robots-denied records for /private/, want %d", denied, len(links))
	}
}
