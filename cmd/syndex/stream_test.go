package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/syndex/syndex/crawler"
	"github.com/syndex/syndex/internal/farm"
	"github.com/syndex/syndex/internal/redistest"
)

// exportClusters runs `syndex export` on dir and maps each article URL to
// the URL of its cluster's original.
func exportClusters(t *testing.T, work, dir string) map[string]string {
	t.Helper()
	r := syndex(t, work, "export", "--data", dir)
	if r.code != 0 {
		t.Fatalf("export %s: exit %d: %s", dir, r.code, r.stderr)
	}
	type art struct{ ID, URL, Original string }
	var arts []art
	sc := bufio.NewScanner(strings.NewReader(r.stdout))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var a art
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("export line: %v", err)
		}
		arts = append(arts, a)
	}
	byID := map[string]string{}
	for _, a := range arts {
		byID[a.ID] = a.URL
	}
	m := map[string]string{}
	for _, a := range arts {
		m[a.URL] = a.URL
		if o, ok := byID[a.Original]; ok {
			m[a.URL] = o
		}
	}
	return m
}

// TestStreamSubprocesses runs three `syndex worker` processes and one
// `syndex index` against the loopback farm, kills one worker with SIGKILL
// mid-crawl, and checks: no politeness violation, every page fetched (and
// at most the dead worker's in-flight requests twice), and the archive's
// clusters equal those of a single-process `syndex crawl`.
func TestStreamSubprocesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	url := redistest.URL(t)
	ns := redistest.Namespace(t)
	ctx, cancel := context.WithTimeout(context.Background(), patience) // a hang detector
	defer cancel()
	f, err := farm.Start(ctx, farm.Options{BaseIP: "127.0.0.170", CrawlDelay: 300 * time.Millisecond, Delay: 150 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const delay = 300 * time.Millisecond
	work := t.TempDir()
	bin := syndexBin(t)
	var seedArgs []string
	for _, s := range f.Seeds() {
		seedArgs = append(seedArgs, "--seed", s)
	}
	start := func(name string, args ...string) (*exec.Cmd, *bytes.Buffer) {
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Dir = work
		cmd.Env = append(os.Environ(), "SYNDEX_DATA=")
		var errb bytes.Buffer
		cmd.Stderr = &errb
		if err := cmd.Start(); err != nil {
			t.Fatalf("start %s: %v", name, err)
		}
		return cmd, &errb
	}
	common := []string{"--frontier", url, "--namespace", ns}
	indexer, ierr := start("index", append([]string{"index", "--data", filepath.Join(work, "archive"), "--min-idle", "1s"}, common...)...)
	var workers []*exec.Cmd
	var werrs []*bytes.Buffer
	for w := 0; w < 3; w++ {
		args := append([]string{"worker", "--data", filepath.Join(work, fmt.Sprint("w", w)), "--name", fmt.Sprint("w", w),
			"--allow-private", "--delay", delay.String(), "--lease", "2s", "--concurrency", "2"}, common...)
		c, e := start(fmt.Sprint("worker ", w), append(args, seedArgs...)...)
		workers, werrs = append(workers, c), append(werrs, e)
	}
	// Kill worker 1 once the crawl is well under way, while it holds a
	// host lease (a request in flight).
	ropt, err := crawler.ParseRedisURL(url)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(ropt)
	defer rdb.Close()
	for {
		if ctx.Err() != nil {
			t.Fatal("worker 1 never held a lease after the crawl started")
		}
		if len(f.Requests()) >= 15 {
			owners, err := rdb.HGetAll(ctx, crawler.KeyPrefix(ns)+"owner").Result()
			if err != nil {
				t.Fatal(err)
			}
			if slices.Contains(slices.Collect(maps.Values(owners)), "w1") {
				break
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	if err := workers[1].Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killedAt := len(f.Requests())
	workers[1].Wait()
	for i, c := range workers {
		if i == 1 {
			continue
		}
		if err := c.Wait(); err != nil {
			t.Fatalf("worker %d: %v\n%s", i, err, werrs[i])
		}
	}
	if err := indexer.Wait(); err != nil {
		t.Fatalf("index: %v\n%s", err, ierr)
	}
	t.Logf("killed worker 1 after %d requests; %s", killedAt, strings.TrimSpace(ierr.String()))
	if !strings.Contains(werrs[0].String()+werrs[2].String(), "reclaimed expired host leases") {
		t.Errorf("no surviving worker reclaimed the dead worker's lease:\n%s\n%s", werrs[0], werrs[2])
	}
	workersReqs := f.Requests()

	if v := f.Violations("syndex", delay); len(v) > 0 {
		t.Errorf("%d politeness violations across workers: %v", len(v), v)
	}
	time.Sleep(2 * delay)
	if r := syndex(t, work, append([]string{"crawl", "--data", filepath.Join(work, "single"), "--allow-private", "--delay", delay.String()}, seedArgs...)...); r.code != 0 {
		t.Fatalf("single crawl: exit %d: %s", r.code, r.stderr)
	}
	singleReqs := f.Requests()[len(workersReqs):]

	// Every URL the single process fetched was fetched by the workers; a
	// URL twice only when the dead worker had it in flight (≤ 2 hosts).
	count := func(rs []farm.Request) map[string]int {
		m := map[string]int{}
		for _, r := range rs {
			m[r.Host+r.Path]++
		}
		return m
	}
	cl, single := count(workersReqs), count(singleReqs)
	dups := 0
	for u, n := range single {
		if cl[u] == 0 {
			t.Errorf("%s never fetched by the workers (lost)", u)
		}
		if cl[u] > n {
			dups += cl[u] - n
		}
	}
	if dups > 2 {
		t.Errorf("%d URLs fetched twice by the workers; only the killed worker's ≤2 in-flight requests may be", dups)
	}

	want := exportClusters(t, work, filepath.Join(work, "single"))
	got := exportClusters(t, work, filepath.Join(work, "archive"))
	copies := 0
	for u, o := range want {
		if u != o {
			copies++
		}
		if got[u] != o {
			t.Errorf("%s: original %q in the workers' archive, %q in the single-process one", u, got[u], o)
		}
	}
	if len(got) != len(want) || copies == 0 {
		t.Errorf("the workers' archive has %d articles, single %d (with %d copies)", len(got), len(want), copies)
	}
	t.Logf("%d articles, %d copies; %d requests by the workers, %d by the single process, %d repeated", len(want), copies, len(workersReqs), len(singleReqs), dups)
}

// TestStreamUsage checks the worker and index commands refuse bad
// frontier settings with exit code 2 and a message naming the problem.
func TestStreamUsage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	work := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"worker", "--seed", "http://example.org/"}, "--frontier"},
		{[]string{"index"}, "--frontier"},
		{[]string{"worker", "--frontier", "http://127.0.0.1:6379", "--seed", "http://example.org/"}, "bad Redis URL"},
		{[]string{"index", "--frontier", "127.0.0.1:6379"}, "bad Redis URL"},
		{[]string{"worker", "--frontier", "redis://127.0.0.1:1/0", "--seed", "relative/path"}, "not an absolute URL"},
		{[]string{"worker", "--frontier", "redis://127.0.0.1:1/0"}, "no seeds"},
		{[]string{"worker", "--frontier", "redis://127.0.0.1:1/0", "--seed", "http://example.org/", "--lease", "0s"}, "--lease"},
		{[]string{"index", "--frontier", "redis://127.0.0.1:1/0", "--namespace", "a{b}"}, "--namespace"},
	} {
		r := syndex(t, work, tc.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("syndex %v: exit %d, stderr %q; want exit 2 mentioning %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
	// An unreachable Redis is a runtime failure (exit 1) naming the address.
	r := syndex(t, work, "index", "--data", filepath.Join(work, "d"), "--frontier", "redis://127.0.0.1:1/0")
	if r.code != 1 || !strings.Contains(r.stderr, "127.0.0.1:1") {
		t.Errorf("index with Redis down: exit %d, stderr %q; want exit 1 naming 127.0.0.1:1", r.code, r.stderr)
	}
}
