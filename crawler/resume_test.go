package crawler

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/syndex/syndex/store"
)

// TestMain lets the test binary double as the crawl subprocess that
// TestKillResume kills with SIGKILL.
func TestMain(m *testing.M) {
	if os.Getenv("SYNDEX_CRAWL_CHILD") == "1" {
		if err := crawlChild(); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// crawlChild runs one crawl over $SYNDEX_SEED in archive $SYNDEX_ARCHIVE,
// appending every page handed to the handler to $SYNDEX_PAGES.
func crawlChild() error {
	st, err := store.Open(os.Getenv("SYNDEX_ARCHIVE"), store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	out, err := os.OpenFile(os.Getenv("SYNDEX_PAGES"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	defer out.Close()
	// With $SYNDEX_BLOCK_AT=n the handler never returns from the n-th
	// page: the parent kills the crawl while it processes that page.
	blockAt, _ := strconv.Atoi(os.Getenv("SYNDEX_BLOCK_AT"))
	delay, _ := time.ParseDuration(os.Getenv("SYNDEX_DELAY"))
	handled := 0
	c, err := New(Config{Seeds: []string{os.Getenv("SYNDEX_SEED")}, Delay: delay, AllowPrivate: true,
		DisableSitemaps: true, Logger: quietLogger()}, st, func(ctx context.Context, p *Page) error {
		if _, err := fmt.Fprintf(out, "%s %d\n", p.URL, len(p.Body)); err != nil {
			return err
		}
		if handled++; handled == blockAt {
			select {}
		}
		return nil
	})
	if err != nil {
		return err
	}
	var s Stats
	if u := os.Getenv("SYNDEX_REDIS"); u != "" {
		// One worker of a shared crawl, as `syndex worker` runs it.
		lease, _ := time.ParseDuration(os.Getenv("SYNDEX_LEASE"))
		fr, err := OpenShared(context.Background(), u, SharedOptions{Namespace: os.Getenv("SYNDEX_NS"), LeaseTTL: lease})
		if err != nil {
			return err
		}
		defer fr.Close()
		s, err = c.RunShared(context.Background(), fr)
		if err != nil {
			return err
		}
	} else if s, err = c.Run(context.Background()); err != nil {
		return err
	}
	if p := os.Getenv("SYNDEX_STATS"); p != "" {
		b, err := json.Marshal(s)
		if err != nil {
			return err
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return err
		}
	}
	return c.Close()
}

// runChild runs cmd, a crawl in a subprocess, to a clean exit; after
// patience it kills it and fails, naming what hung.
func runChild(t *testing.T, cmd *exec.Cmd, what string) {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	case <-time.After(patience):
		cmd.Process.Kill()
		t.Fatalf("hung: %s was still running after %v", what, patience)
	}
}

// handledPages counts the pages a subprocess's handler wrote to
// pagesFile ("URL size" lines), by path under base; an empty body is an
// error.
func handledPages(t *testing.T, pagesFile, base string) map[string]int {
	t.Helper()
	handled := map[string]int{}
	for _, l := range countLines(pagesFile) {
		u, size, _ := strings.Cut(l, " ")
		handled[strings.TrimPrefix(u, base)]++
		if size == "0" {
			t.Errorf("%s handed over with an empty body", u)
		}
	}
	return handled
}

func countLines(path string) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}

// TestKillResume kills a crawling subprocess with SIGKILL, runs the same
// crawl again, and checks that it finished with nothing lost and nothing
// fetched twice that had been fetched whole, and that politeness held
// across the kill:
//   - killed while the handler processes a page (where a crawl spends its
//     time: extraction, dedup, indexing), the page is processed again
//     from the WARC on restart, not fetched again;
//   - killed while a request is in flight (no response yet), that one page
//     is fetched again, no sooner than the politeness gap after the
//     interrupted request ended.
func TestKillResume(t *testing.T) {
	tests := []struct {
		name    string
		ip      string
		n       int           // article pages
		delay   time.Duration // politeness gap
		blockAt int           // the child's handler blocks on its n-th page
		stall   string        // the server never answers this path before the kill
	}{
		{name: "in the handler", ip: "127.0.0.9", n: 40, delay: 25 * time.Millisecond, blockAt: 13},
		// A gap longer than a restart takes: the restarted crawl must
		// wait for it.
		{name: "request in flight", ip: "127.0.0.10", n: 8, delay: 400 * time.Millisecond, stall: "/a/3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newFarmHost(t, tc.ip)
			h.setRobots("User-agent: *\nDisallow:\n")
			var home []string
			bodies := map[string]string{}
			for i := 0; i < tc.n; i++ {
				p := fmt.Sprintf("/a/%d", i)
				home = append(home, p)
				bodies[p] = articleHTML(fmt.Sprint("Article ", i), fmt.Sprintf("/a/%d", (i+1)%tc.n), "/")
				if p != tc.stall {
					h.html(p, bodies[p])
				}
			}
			h.html("/", articleHTML("Home", home...))
			stalled, release := make(chan struct{}), make(chan struct{})
			if tc.stall != "" {
				body := bodies[tc.stall]
				var once sync.Once
				h.mux.HandleFunc(tc.stall, func(w http.ResponseWriter, r *http.Request) {
					first := false
					once.Do(func() { first = true })
					if first {
						close(stalled)
						<-release // until the crawl is killed
						return
					}
					w.Header().Set("Content-Type", "text/html; charset=utf-8")
					io.WriteString(w, body)
				})
			}
			dir := t.TempDir()
			pagesFile := dir + "/pages.txt"
			child := func(blockAt int) *exec.Cmd {
				cmd := exec.Command(os.Args[0], "-test.run=^$")
				cmd.Env = append(os.Environ(), "SYNDEX_CRAWL_CHILD=1", "SYNDEX_ARCHIVE="+dir+"/archive",
					"SYNDEX_SEED="+h.base+"/", "SYNDEX_PAGES="+pagesFile,
					"SYNDEX_BLOCK_AT="+strconv.Itoa(blockAt), "SYNDEX_DELAY="+tc.delay.String())
				cmd.Stderr = os.Stderr
				return cmd
			}
			first := child(tc.blockAt)
			if err := first.Start(); err != nil {
				t.Fatal(err)
			}
			// Wait for the kill point: the handler blocked on its page, or
			// the stalled request reached the server.
			deadline := time.After(patience)
			for ready := false; !ready; {
				select {
				case <-stalled:
					ready = true
				case <-deadline:
					first.Process.Kill()
					t.Fatalf("hung: the first crawl had not reached the kill point (blocked handler or stalled request) after %v", patience)
				case <-time.After(5 * time.Millisecond):
					ready = tc.blockAt > 0 && len(countLines(pagesFile)) >= tc.blockAt
				}
			}
			if err := first.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			first.Wait()
			// One request per host is in flight at a time, so only the
			// first run's latest request may have been waiting for its
			// answer at the kill (the host is freed while its pages are
			// handled, so a crawl killed in the handler may be fetching
			// the next page). The stalled request ends after release:
			// it is not in this list.
			var last hit
			for _, x := range h.hitList() {
				if x.start.After(last.start) {
					last = x
				}
			}
			close(release)
			killedAt := len(countLines(pagesFile))

			runChild(t, child(0), "the second crawl (resuming the killed one)")

			// Nothing lost: every page reached the handler, whole.
			handled := handledPages(t, pagesFile, h.base)
			for _, p := range append(home, "/") {
				if handled[p] == 0 {
					t.Errorf("%s never reached the handler", p)
				}
			}
			// Nothing fetched twice but the request in flight at the kill.
			for _, p := range append(home, "/") {
				c := h.count(p, 0)
				switch {
				case p == tc.stall:
					if c != 2 {
						t.Errorf("%s (in flight at the kill) requested %d times, want 2", p, c)
					}
				case tc.stall == "" && p == last.path:
					if c != 1 && c != 2 {
						t.Errorf("%s (the last request before the kill) requested %d times, want 1 or 2", p, c)
					}
				case c != 1:
					t.Errorf("%s requested %d times, want 1", p, c)
				}
			}
			if tc.blockAt > 0 {
				// The page in the handler at the kill was processed again,
				// from the WARC.
				lines := countLines(pagesFile)
				u, _, _ := strings.Cut(lines[tc.blockAt-1], " ")
				if got := handled[strings.TrimPrefix(u, h.base)]; got != 2 {
					t.Errorf("%s, in the handler at the kill, handled %d times, want 2 (once again after the restart)", u, got)
				}
			}
			t.Logf("killed after %d pages handled", killedAt)
			checkRobots(t, h)
			checkPoliteness(t, h, tc.delay)
		})
	}
}
