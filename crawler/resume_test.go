package crawler

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
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
	c, err := New(Config{Seeds: []string{os.Getenv("SYNDEX_SEED")}, Delay: 25 * time.Millisecond, AllowPrivate: true,
		DisableSitemaps: true, Logger: quietLogger()}, st, func(ctx context.Context, p *Page) error {
		_, err := fmt.Fprintln(out, p.URL)
		return err
	})
	if err != nil {
		return err
	}
	if _, err := c.Run(context.Background()); err != nil {
		return err
	}
	return c.Close()
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

// TestKillResume kills a crawling subprocess with SIGKILL mid-crawl, runs
// the same crawl again, and checks that it finished with nothing lost and
// nothing fetched twice beyond the one request in flight at the kill.
func TestKillResume(t *testing.T) {
	const n = 40
	h := newFarmHost(t, "127.0.0.9")
	h.setRobots("User-agent: *\nDisallow:\n")
	var home []string
	for i := 0; i < n; i++ {
		home = append(home, fmt.Sprintf("/a/%d", i))
		h.html(fmt.Sprintf("/a/%d", i), articleHTML(fmt.Sprint("Article ", i), fmt.Sprintf("/a/%d", (i+1)%n), "/"))
	}
	h.html("/", articleHTML("Home", home...))
	dir := t.TempDir()
	pagesFile := dir + "/pages.txt"
	child := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "SYNDEX_CRAWL_CHILD=1", "SYNDEX_ARCHIVE="+dir+"/archive",
			"SYNDEX_SEED="+h.base+"/", "SYNDEX_PAGES="+pagesFile)
		cmd.Stderr = os.Stderr
		return cmd
	}
	first := child()
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for len(countLines(pagesFile)) < n/3 {
		if time.Now().After(deadline) {
			first.Process.Kill()
			t.Fatal("first crawl made no progress")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.Wait()
	killedAt := len(countLines(pagesFile))
	if killedAt >= n+1 {
		t.Fatalf("crawl finished before the kill (%d pages)", killedAt)
	}

	second := child()
	done := make(chan error, 1)
	if err := second.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- second.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("second crawl: %v", err)
		}
	case <-time.After(30 * time.Second):
		second.Process.Kill()
		t.Fatal("second crawl did not finish")
	}

	// Nothing lost: every page reached the handler.
	seen := map[string]int{}
	for _, l := range countLines(pagesFile) {
		seen[strings.TrimPrefix(l, h.base)]++
	}
	for _, p := range append(home, "/") {
		if seen[p] == 0 {
			t.Errorf("%s never reached the handler", p)
		}
	}
	// Nothing fetched twice, beyond the one request in flight at the kill
	// (one host, so at most one).
	twice := 0
	for _, p := range append(home, "/") {
		switch c := h.count(p, 0); {
		case c == 2:
			twice++
		case c != 1:
			t.Errorf("%s fetched %d times", p, c)
		}
	}
	if twice > 1 {
		t.Errorf("%d pages fetched twice, want at most 1 (in flight at the kill)", twice)
	}
	t.Logf("killed after %d pages; %d page(s) refetched after resume", killedAt, twice)
	checkRobots(t, h)
	checkPoliteness(t, h, 25*time.Millisecond)
}
