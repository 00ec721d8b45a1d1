package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/syndex/syndex/internal/farm"
)

// The fault suite: the binary is killed with SIGKILL at random points of
// crawl and import, run on damaged and truncated files, out of file
// handles, on a full disk and on a read-only archive. After each fault
// either the archive is consistent (`syndex check` passes) with nothing
// that was stored lost, or the command said what is wrong in one line and
// exited 1; no command ever shows a Go panic or stack trace. Set
// SYNDEX_FAULT_SEED to replay a run's random kill points, and
// SYNDEX_FAULTS=1 for the whole suite (more kills, every damage, every
// command, more limits; CI runs it once); without it a quick subset runs.

// fullFaults reports whether the whole fault suite runs.
func fullFaults() bool { return os.Getenv("SYNDEX_FAULTS") != "" }

// pick returns all of xs in the full suite, else the ones at the indexes.
func pick[T any](xs []T, quick ...int) []T {
	if fullFaults() {
		return xs
	}
	var out []T
	for _, i := range quick {
		out = append(out, xs[i])
	}
	return out
}

func faultSeed(t *testing.T) uint64 {
	seed := uint64(time.Now().UnixNano())
	if s, err := strconv.ParseUint(os.Getenv("SYNDEX_FAULT_SEED"), 10, 64); err == nil {
		seed = s
	}
	t.Logf("SYNDEX_FAULT_SEED=%d", seed)
	return seed
}

// clean fails the test when a command's output shows a Go panic or stack
// trace, or when a failure is not said in exactly one "syndex:" line.
func clean(t *testing.T, what string, r result) {
	t.Helper()
	for _, bad := range []string{"panic:", "goroutine ", "runtime error", "SIGSEGV", "SIGBUS", "fatal error", ".go:"} {
		if strings.Contains(r.stderr, bad) || strings.Contains(r.stdout, bad) {
			t.Fatalf("%s: output shows %q (exit %d):\n%s", what, bad, r.code, r.stderr)
		}
	}
	if r.code != 0 {
		n := 0
		for _, l := range strings.Split(r.stderr, "\n") {
			// A warning ("syndex: CMD: warning: …") says what the command
			// went on without; it is not the error that stopped it.
			if strings.HasPrefix(l, "syndex: ") && !strings.Contains(l, ": warning: ") {
				n++
			}
		}
		if n != 1 {
			// One line, so that CI's filtered log shows what was printed.
			t.Fatalf("%s: exit %d with %d error lines, want one: %s", what, r.code, n, strings.ReplaceAll(strings.TrimSpace(r.stderr), "\n", " | "))
		}
	}
}

// exportIDs returns the ids of the archive's articles.
func exportIDs(t *testing.T, work, data string) map[string]bool {
	t.Helper()
	r := syndex(t, work, "export", "--data", data)
	clean(t, "export", r)
	if r.code != 0 {
		t.Fatalf("export: exit %d: %s", r.code, r.stderr)
	}
	ids := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var a struct{ ID string }
		if l != "" && json.Unmarshal([]byte(l), &a) == nil {
			ids[a.ID] = true
		}
	}
	return ids
}

// mustCheck runs `syndex check` and fails unless it passes.
func mustCheck(t *testing.T, work, data, after string) {
	t.Helper()
	r := syndex(t, work, "check", "--data", data)
	clean(t, "check", r)
	if r.code != 0 {
		// One line, so that a log filtered for this file's name keeps it.
		t.Fatalf("after %s, syndex check fails (exit %d): %s", after, r.code,
			strings.ReplaceAll(strings.TrimSpace(r.stdout+r.stderr), "\n", " | "))
	}
}

func lost(before, after map[string]bool) []string {
	var out []string
	for id := range before {
		if !after[id] {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// killAt starts syndex, kills it with SIGKILL after d (unless it ends
// first) and reports whether it was killed.
func killAt(t *testing.T, work string, d time.Duration, args ...string) (bool, result) {
	t.Helper()
	cmd := exec.Command(syndexBin(t), args...)
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "SYNDEX_DATA=")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		return false, result{code, out.String(), errb.String()}
	case <-time.After(d):
		cmd.Process.Signal(syscall.SIGKILL)
		<-done
		return true, result{-1, out.String(), errb.String()}
	}
}

// generated writes n generated articles as JSONL and returns the path.
func generated(t *testing.T, work string, n, seed int) string {
	t.Helper()
	path := filepath.Join(work, fmt.Sprintf("gen-%d-%d.jsonl", n, seed))
	r := syndex(t, work, "eval", "dedup", "--generate", strconv.Itoa(n), "--seed", strconv.Itoa(seed), "--write", path)
	if r.code != 0 {
		t.Fatalf("generate: %s", r.stderr)
	}
	return path
}

func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	if out, err := exec.Command("cp", "-a", src+"/.", dst).CombinedOutput(); err != nil {
		t.Fatalf("copy %s: %v %s", src, err, out)
	}
}

// digestTree hashes every file under dir (names and contents), to show a
// refused command wrote nothing.
func digestTree(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "api.addr" {
			return nil
		}
		b, _ := os.ReadFile(p)
		fmt.Fprintf(h, "%s %x\n", strings.TrimPrefix(p, dir), sha256.Sum256(b))
		return nil
	})
	return fmt.Sprintf("%x", h.Sum(nil))
}

func TestFaultKillImport(t *testing.T) {
	if testing.Short() {
		t.Skip("fault suite: runs the binary")
	}
	rng := rand.New(rand.NewPCG(faultSeed(t), 1))
	work := t.TempDir()
	data := filepath.Join(work, "data")
	in := generated(t, work, 400, 3)
	have := map[string]bool{}
	kills := 0
	rounds := 3
	if fullFaults() {
		rounds = 8
	}
	for round := range rounds {
		d := time.Duration(100+rng.IntN(2500)) * time.Millisecond
		killed, r := killAt(t, work, d, "import", "--in", in, "--data", data)
		if !killed {
			clean(t, "import", r)
			if r.code != 0 {
				t.Fatalf("import ended with exit %d: %s", r.code, r.stderr)
			}
			break
		}
		kills++
		if _, err := os.Stat(filepath.Join(data, "syndex.db")); err != nil {
			continue // killed before the archive existed
		}
		mustCheck(t, work, data, fmt.Sprintf("kill -9 %d at %v", round+1, d))
		now := exportIDs(t, work, data)
		if l := lost(have, now); len(l) > 0 {
			t.Fatalf("kill -9 %d at %v lost %d stored articles: %v", round+1, d, len(l), l[:min(5, len(l))])
		}
		have = now
	}
	r := syndex(t, work, "import", "--in", in, "--data", data)
	clean(t, "import", r)
	if r.code != 0 {
		t.Fatalf("import after %d kills: exit %d: %s", kills, r.code, r.stderr)
	}
	mustCheck(t, work, data, "the last import")
	want := map[string]bool{}
	b, _ := os.ReadFile(in)
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var a struct{ ID string }
		json.Unmarshal([]byte(l), &a)
		want[a.ID] = true
	}
	if l := lost(want, exportIDs(t, work, data)); len(l) > 0 {
		t.Errorf("after %d kills and a last import, %d articles of the input are missing", kills, len(l))
	}
	t.Logf("import killed %d times at random points; the archive passed check each time, nothing stored was lost", kills)
}

func TestFaultKillCrawl(t *testing.T) {
	if testing.Short() {
		t.Skip("fault suite: runs the binary")
	}
	rng := rand.New(rand.NewPCG(faultSeed(t), 2))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f, err := farm.Start(ctx, farm.Options{Delay: 150 * time.Millisecond, CrawlDelay: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	work := t.TempDir()
	data := filepath.Join(work, "data")
	args := []string{"crawl", "--data", data, "--allow-private", "--delay", "20ms"}
	for _, o := range f.Outlets() {
		args = append(args, "--seed", o.BaseURL+"/")
	}
	have := map[string]bool{}
	kills := 0
	rounds := 3
	if fullFaults() {
		rounds = 8
	}
	for round := range rounds {
		d := time.Duration(300+rng.IntN(2500)) * time.Millisecond
		killed, r := killAt(t, work, d, args...)
		if !killed {
			clean(t, "crawl", r)
			break
		}
		kills++
		if _, err := os.Stat(filepath.Join(data, "syndex.db")); err != nil {
			continue
		}
		mustCheck(t, work, data, fmt.Sprintf("kill -9 %d of crawl at %v", round+1, d))
		now := exportIDs(t, work, data)
		if l := lost(have, now); len(l) > 0 {
			t.Fatalf("kill -9 %d at %v lost %d stored articles", round+1, d, len(l))
		}
		have = now
	}
	r := syndex(t, work, args...)
	clean(t, "crawl", r)
	if r.code != 0 {
		t.Fatalf("crawl after %d kills: exit %d: %s", kills, r.code, r.stderr)
	}
	mustCheck(t, work, data, "the last crawl")
	exp := syndex(t, work, "export", "--data", data)
	for _, s := range f.Truth() {
		if !strings.Contains(exp.stdout, s.URL) {
			t.Errorf("after %d kills and a last crawl the archive lacks %s", kills, s.URL)
		}
	}
	t.Logf("crawl killed %d times at random points; the archive passed check each time, nothing stored was lost", kills)
}

var (
	faultOnce    sync.Once
	faultBase    string
	faultAll     map[string]bool // every article of the base archive
	faultCrawled map[string]bool // those that came from the crawl (their pages are in the WARC)
	faultErr     string
)

// faultArchive builds, once per test binary, an archive with articles from
// a crawl of the loopback farm (so it has WARC files) and from an import
// of JSONL, and returns its directory (to copy, never to change) with its
// articles' ids.
func faultArchive(t *testing.T) (string, map[string]bool, map[string]bool) {
	t.Helper()
	faultOnce.Do(func() {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		f, err := farm.Start(ctx, farm.Options{CrawlDelay: 50 * time.Millisecond})
		if err != nil {
			faultErr = err.Error()
			return
		}
		defer f.Close()
		work, err := os.MkdirTemp("", "syndex-faults-")
		if err != nil {
			faultErr = err.Error()
			return
		}
		sharedDirs = append(sharedDirs, work)
		data := filepath.Join(work, "base")
		args := []string{"crawl", "--data", data, "--allow-private", "--delay", "10ms"}
		for _, o := range f.Outlets() {
			args = append(args, "--seed", o.BaseURL+"/")
		}
		if r := syndex(t, work, args...); r.code != 0 {
			faultErr = "crawl: " + r.stderr
			return
		}
		faultCrawled = exportIDs(t, work, data)
		if r := syndex(t, work, "import", "--data", data, "--in", generated(t, work, 60, 5)); r.code != 0 {
			faultErr = "import: " + r.stderr
			return
		}
		mustCheck(t, work, data, "building the archive")
		faultBase, faultAll = data, exportIDs(t, work, data)
	})
	if faultErr != "" || faultBase == "" {
		t.Fatalf("building the fault suite's archive: %s", faultErr)
	}
	return faultBase, faultAll, faultCrawled
}

// archiveCopy copies the fault suite's archive for one test to change.
func archiveCopy(t *testing.T) string {
	t.Helper()
	base, _, _ := faultArchive(t)
	data := filepath.Join(t.TempDir(), "data")
	os.MkdirAll(data, 0o755)
	copyDir(t, base, data)
	return data
}

// every command a user may run on an archive, with its arguments.
func commandsOn(data, extra string) [][]string {
	return [][]string{
		{"search", "--data", data, "harbor"},
		{"search", "--data", data, "--json", "council budget"},
		{"report", "--data", data},
		{"report", "--data", data, "--format", "json"},
		{"export", "--data", data},
		{"import", "--data", data, "--in", extra},
		{"reindex", "--data", data},
		{"crawl", "--data", data, "--seed", "http://127.0.0.1:9/", "--allow-private", "--max-pages", "1", "--timeout", "2s"},
		{"check", "--data", data},
	}
}

// readerOutput normalises a read command's output for comparison (the
// time a search took varies).
var (
	tookRe     = regexp.MustCompile(`\([0-9.]+ ?[mµn]?s\)`)
	tookJSONRe = regexp.MustCompile(`"took_ms": [0-9.e+-]+`)
)

func readerOutput(r result) string {
	return tookJSONRe.ReplaceAllString(tookRe.ReplaceAllString(r.stdout, "(…)"), `"took_ms": 0`)
}

func isReader(cmd string) bool {
	return cmd == "search" || cmd == "report" || cmd == "export"
}

func TestFaultDamagedFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("fault suite: runs the binary")
	}
	work := t.TempDir()
	base, want, crawled := faultArchive(t)
	extra := filepath.Join(work, "extra.jsonl")
	os.WriteFile(extra, []byte(`{"id":"extra-1","text":"A short extra article about the harbour board and its new breakwater plans."}`+"\n"), 0o644)
	// What the read commands print on the undamaged archive.
	cleanOut := map[string]string{}
	for _, args := range commandsOn(base, extra) {
		if isReader(args[0]) {
			cleanOut[strings.Join(args, " ")] = readerOutput(syndex(t, work, args...))
		}
	}
	zap := func(dir string) string {
		m, _ := filepath.Glob(filepath.Join(dir, "bleve", "shard-*", "store", "*.zap"))
		if len(m) == 0 {
			t.Skip("no segment file")
		}
		return m[0]
	}
	damages := []struct {
		name   string
		damage func(t *testing.T, dir string)
		// storeHurt: the store itself is damaged; writers must refuse it
		// and change nothing.
		storeHurt bool
		// lossy: raw data no other file holds is destroyed (articles
		// imported from JSONL, pages of a WARC file).
		lossy bool
	}{
		{"store truncated to half", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "syndex.db")
			fi, _ := os.Stat(p)
			os.Truncate(p, fi.Size()/2)
		}, true, true},
		{"store pages zeroed", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "syndex.db")
			b, _ := os.ReadFile(p)
			clear(b[5*4096 : 9*4096])
			os.WriteFile(p, b, 0o644)
		}, true, true},
		{"200 store bytes flipped", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "syndex.db")
			b, _ := os.ReadFile(p)
			rng := rand.New(rand.NewPCG(1, 1))
			for range 200 {
				b[8192+rng.IntN(len(b)-8192)] ^= 0xff
			}
			os.WriteFile(p, b, 0o644)
		}, true, true},
		{"index segment zeroed", func(t *testing.T, dir string) {
			p := zap(dir)
			b, _ := os.ReadFile(p)
			clear(b[len(b)/4 : len(b)/2])
			os.WriteFile(p, b, 0o644)
		}, false, false},
		{"WARC file truncated", func(t *testing.T, dir string) {
			m, _ := filepath.Glob(filepath.Join(dir, "warc", "*.warc.gz"))
			for _, p := range m {
				fi, _ := os.Stat(p)
				os.Truncate(p, fi.Size()*2/3)
			}
		}, false, true},
		{"CDXJ garbage", func(t *testing.T, dir string) {
			m, _ := filepath.Glob(filepath.Join(dir, "warc", "*.cdxj"))
			for _, p := range m {
				os.WriteFile(p, []byte("garbage\n{not cdxj\n"), 0o644)
			}
		}, false, false},
		{"dedup checkpoint truncated", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "dedup", "index.bin")
			fi, _ := os.Stat(p)
			os.Truncate(p, fi.Size()/2)
		}, false, false},
		{"index segment truncated", func(t *testing.T, dir string) {
			p := zap(dir)
			fi, _ := os.Stat(p)
			os.Truncate(p, fi.Size()/2)
		}, false, false},
		{"index root.bolt truncated", func(t *testing.T, dir string) {
			m, _ := filepath.Glob(filepath.Join(dir, "bleve", "shard-*", "store", "root.bolt"))
			fi, _ := os.Stat(m[0])
			os.Truncate(m[0], fi.Size()/2)
		}, false, false},
		{"index layout file garbage", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "bleve", "syndex-index.json"), []byte("{"), 0o644)
		}, false, false},
	}
	for _, dm := range pick(damages, 0, 1, 2, 3) {
		t.Run(dm.name, func(t *testing.T) {
			data := archiveCopy(t)
			dm.damage(t, data)
			for _, args := range pick(commandsOn(data, extra), 0, 2, 4, 5, 8) {
				before := digestTree(t, data)
				r := syndex(t, work, args...)
				clean(t, args[0], r)
				key := strings.Join(args, " ")
				key = strings.Replace(key, data, base, 1)
				if isReader(args[0]) && r.code == 0 && readerOutput(r) != cleanOut[key] {
					t.Errorf("%s on a damaged archive printed something else than on the sound one, and exit 0", args[0])
				}
				if dm.storeHurt && !isReader(args[0]) {
					if r.code != 1 || !strings.Contains(r.stderr, "syndex.db") {
						t.Errorf("%s on a damaged store: exit %d, want 1 naming syndex.db: %s", args[0], r.code, r.stderr)
					}
					if after := digestTree(t, data); after != before {
						t.Errorf("%s on a damaged store changed the archive", args[0])
					}
				}
			}
			// (A writer above may have healed the damage already: a
			// corrupt search index is rebuilt from the store on open.)
			damaged := syndex(t, work, "check", "--data", data).code != 0
			r := syndex(t, work, "check", "--repair", "--data", data)
			clean(t, "check --repair", r)
			if r.code != 0 && !dm.lossy {
				t.Fatalf("check --repair: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			if damaged && !strings.Contains(r.stdout, "repaired") {
				t.Errorf("check --repair did nothing:\n%s", r.stdout)
			}
			if !strings.Contains(dm.name, "WARC") {
				mustCheck(t, work, data, "check --repair")
			}
			// What the WARC files hold always comes back; articles
			// imported from JSONL whose records were damaged are lost,
			// and --repair said so.
			missing := lost(want, exportIDs(t, work, data))
			for _, id := range missing {
				if crawled[id] || !dm.lossy {
					t.Errorf("after --repair, stored article %s is missing", id)
				}
			}
			if len(missing) > 0 && (r.code != 1 || !strings.Contains(r.stderr, "lost")) {
				t.Errorf("%d articles lost and --repair did not say so (exit %d): %s", len(missing), r.code, r.stderr)
			}
			t.Logf("--repair: exit %d; %d of %d articles back (%d imported from JSONL lost)", r.code, len(want)-len(missing), len(want), len(missing))
		})
	}
}

// sh runs a shell script (for ulimit, prlimit and namespaces) and returns
// its result.
func sh(t *testing.T, work, script string) result {
	t.Helper()
	// A hang detector, not a timing rule: no command here takes a
	// minute; one that hangs fails the test with its name instead of
	// eating the whole run's deadline.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", script)
	// SIGQUIT makes a hung Go process print where each goroutine waits.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGQUIT) }
	cmd.WaitDelay = 10 * time.Second
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "SYNDEX_DATA=", "SYNDEX="+syndexBin(t))
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%s: hung (stopped after 3 minutes); stderr: %s", script,
			strings.ReplaceAll(strings.TrimSpace(errb.String()), "\n", " | "))
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, out.String(), errb.String()}
}

func shellJoin(args []string) string {
	var q []string
	for _, a := range args {
		q = append(q, "'"+strings.ReplaceAll(a, "'", `'\''`)+"'")
	}
	return strings.Join(q, " ")
}

func TestFaultOutOfFileHandles(t *testing.T) {
	if testing.Short() {
		t.Skip("fault suite: runs the binary")
	}
	work := t.TempDir()
	_, want, _ := faultArchive(t)
	extra := generated(t, work, 30, 9)
	for _, n := range pick([]int{8, 10, 12, 13, 14, 16, 20, 24, 32}, 2, 4) {
		data := archiveCopy(t)
		for _, args := range pick(commandsOn(data, extra), 0, 5, 6) {
			r := sh(t, work, fmt.Sprintf(`ulimit -n %d && exec "$SYNDEX" %s`, n, shellJoin(args)))
			clean(t, fmt.Sprintf("ulimit -n %d; %s", n, args[0]), r)
			if r.code != 0 && (strings.Contains(r.stderr, "corrupt") || strings.Contains(r.stderr, "damaged")) {
				t.Errorf("ulimit -n %d; %s: out of file handles taken for corruption: %s", n, args[0], r.stderr)
			}
		}
		if _, err := os.Stat(filepath.Join(data, "bleve", "syndex-index.json")); err != nil {
			t.Errorf("ulimit -n %d: the search index was deleted: %v", n, err)
		}
		mustCheck(t, work, data, fmt.Sprintf("commands under ulimit -n %d", n))
		if l := lost(want, exportIDs(t, work, data)); len(l) > 0 {
			t.Errorf("ulimit -n %d: %d stored articles lost", n, len(l))
		}
	}
}

// canNamespace reports whether unprivileged mount namespaces work here
// (for a small tmpfs and a read-only bind mount).
func canNamespace() bool {
	d, err := os.MkdirTemp("", "ns-probe-")
	if err != nil {
		return false
	}
	defer os.RemoveAll(d)
	return exec.Command("unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs "+d).Run() == nil
}

func TestFaultFullDisk(t *testing.T) {
	if testing.Short() {
		t.Skip("fault suite: runs the binary")
	}
	work := t.TempDir()
	base, want, _ := faultArchive(t)
	big := generated(t, work, 1500, 11)
	size := int64(0)
	filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if fi, err := d.Info(); err == nil && !d.IsDir() {
			size += (fi.Size() + 4095) &^ 4095
		}
		return nil
	})
	ns := canNamespace()
	if !ns {
		if _, err := exec.LookPath("prlimit"); err != nil {
			t.Skip("neither mount namespaces nor prlimit: no way to fill a disk")
		}
	}
	for _, room := range pick([]int64{64 << 10, 512 << 10, 2 << 20, 6 << 20}, 1, 2) {
		data := filepath.Join(t.TempDir(), "data")
		os.MkdirAll(data, 0o755)
		var script string
		if ns {
			// A tmpfs just larger than the archive: the import fills it.
			// Check, export and a second import run on the full disk.
			script = fmt.Sprintf(`unshare -rm sh -c 'mount -t tmpfs -o size=%d tmpfs %s && cp -a %s/. %s && "$SYNDEX" import --data %s --in %s 2>%s/err; echo "exit=$?"; tail -1 %s/err; "$SYNDEX" check --data %s >/dev/null 2>&1; echo "check=$?"; "$SYNDEX" export --data %s > %s/ids.jsonl; echo "export=$?"'`,
				size+room, data, base, data, data, big, work, work, data, data, work)
		} else {
			// No namespaces: a file size limit stands in for the full
			// disk (writes past it fail with EFBIG).
			copyDir(t, base, data)
			script = fmt.Sprintf(`trap "" XFSZ; prlimit --fsize=%d "$SYNDEX" import --data %s --in %s 2>%s/err; echo "exit=$?"; tail -1 %s/err`, size/4+room, data, big, work, work)
		}
		r := sh(t, work, script)
		errOut, _ := os.ReadFile(filepath.Join(work, "err"))
		code := 0
		if !strings.Contains(r.stdout, "exit=0") {
			code = 1
		}
		clean(t, fmt.Sprintf("import with %d KiB free", room>>10), result{code: code, stdout: r.stdout, stderr: string(errOut)})
		t.Logf("%d KiB free (tmpfs %v): %s", room>>10, ns, strings.ReplaceAll(strings.TrimSpace(r.stdout), "\n", " | "))
		if ns {
			if !strings.Contains(r.stdout, "check=0") || !strings.Contains(r.stdout, "export=0") {
				t.Errorf("%d KiB free: check or export fails on the full disk after the import:\n%s", room>>10, r.stdout)
			}
			got := map[string]bool{}
			b, _ := os.ReadFile(filepath.Join(work, "ids.jsonl"))
			for _, l := range strings.Split(string(b), "\n") {
				var a struct{ ID string }
				if json.Unmarshal([]byte(l), &a) == nil {
					got[a.ID] = true
				}
			}
			if l := lost(want, got); len(l) > 0 {
				t.Errorf("%d KiB free: %d stored articles lost", room>>10, len(l))
			}
			continue
		}
		mustCheck(t, work, data, "an import on a full disk")
		if l := lost(want, exportIDs(t, work, data)); len(l) > 0 {
			t.Errorf("%d KiB free: %d stored articles lost", room>>10, len(l))
		}
	}
}

func TestFaultReadOnlyArchive(t *testing.T) {
	if testing.Short() {
		t.Skip("fault suite: runs the binary")
	}
	work := t.TempDir()
	data := archiveCopy(t)
	extra := filepath.Join(work, "extra.jsonl")
	os.WriteFile(extra, []byte(`{"id":"extra-1","text":"A short extra article about the harbour board and its new breakwater plans."}`+"\n"), 0o644)
	ns := canNamespace()
	if !ns {
		if os.Geteuid() == 0 {
			t.Skip("no mount namespace, and file permissions do not stop root")
		}
		filepath.WalkDir(data, func(p string, d fs.DirEntry, err error) error {
			if d.IsDir() {
				os.Chmod(p, 0o555)
			} else {
				os.Chmod(p, 0o444)
			}
			return nil
		})
		t.Cleanup(func() { exec.Command("chmod", "-R", "u+w", data).Run() })
	}
	before := digestTree(t, data)
	for _, args := range commandsOn(data, extra) {
		script := `exec "$SYNDEX" ` + shellJoin(args)
		if ns {
			script = fmt.Sprintf(`unshare -rm sh -c 'mount --bind %s %s && mount -o remount,bind,ro %s && exec "$SYNDEX" %s'`, data, data, data, strings.ReplaceAll(shellJoin(args), "'", `'\''`))
		}
		r := sh(t, work, script)
		clean(t, args[0]+" on a read-only archive", r)
		reader := isReader(args[0]) || args[0] == "check"
		if reader && r.code != 0 {
			t.Errorf("%s on a read-only archive: exit %d: %s", args[0], r.code, r.stderr)
		}
		if !reader && r.code != 1 {
			t.Errorf("%s on a read-only archive: exit %d, want 1: %s", args[0], r.code, r.stderr)
		}
		if strings.Contains(r.stderr, "corrupt") {
			t.Errorf("%s on a read-only archive: read-only taken for corruption: %s", args[0], r.stderr)
		}
	}
	if digestTree(t, data) != before {
		t.Error("the read-only archive changed")
	}
}

// TestFaultRealPages runs the kill and damage faults on an archive of real
// news pages, not shaped by our generator: the HTML files of the corpus
// directories in SYNDEX_FAULT_CORPUS (space-separated; *.html or
// *.html.gz, e.g. ../../../shared/corpora/scrapinghub-aeb/html), served on
// loopback under one index page and crawled.
func TestFaultRealPages(t *testing.T) {
	dirs := strings.Fields(os.Getenv("SYNDEX_FAULT_CORPUS"))
	if len(dirs) == 0 {
		t.Skip("SYNDEX_FAULT_CORPUS names no corpus directory")
	}
	pages := map[string]string{}
	for _, d := range dirs {
		m, _ := filepath.Glob(filepath.Join(d, "*.html*"))
		for _, p := range m {
			pages[strings.SplitN(filepath.Base(p), ".", 2)[0]+".html"] = p
		}
	}
	if len(pages) == 0 {
		t.Fatalf("no HTML files in %v", dirs)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch name := strings.TrimPrefix(r.URL.Path, "/p/"); {
		case r.URL.Path == "/robots.txt":
			io.WriteString(w, "User-agent: *\nAllow: /\n")
		case r.URL.Path == "/":
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, "<html><head><title>pages</title></head><body>")
			for n := range pages {
				fmt.Fprintf(w, "<a href=\"/p/%s\">%s</a><br>", n, n)
			}
			io.WriteString(w, "</body></html>")
		case pages[name] != "":
			b, err := os.ReadFile(pages[name])
			if err == nil && strings.HasSuffix(pages[name], ".gz") {
				var zr *gzip.Reader
				if zr, err = gzip.NewReader(bytes.NewReader(b)); err == nil {
					b, err = io.ReadAll(zr)
				}
			}
			if err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
			w.Header().Set("Content-Type", "text/html")
			w.Write(b)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	rng := rand.New(rand.NewPCG(faultSeed(t), 3))
	work := t.TempDir()
	data := filepath.Join(work, "data")
	args := []string{"crawl", "--data", data, "--seed", srv.URL + "/", "--allow-private", "--delay", "10ms", "--max-depth", "1"}
	have := map[string]bool{}
	kills := 0
	for round := range 6 {
		d := time.Duration(1000+rng.IntN(5000)) * time.Millisecond
		killed, _ := killAt(t, work, d, args...)
		if !killed {
			break
		}
		kills++
		if _, err := os.Stat(filepath.Join(data, "syndex.db")); err != nil {
			continue
		}
		mustCheck(t, work, data, fmt.Sprintf("kill -9 %d of a crawl of real pages at %v", round+1, d))
		now := exportIDs(t, work, data)
		if l := lost(have, now); len(l) > 0 {
			t.Fatalf("kill -9 %d lost %d stored articles", round+1, len(l))
		}
		have = now
	}
	if r := syndex(t, work, args...); r.code != 0 {
		t.Fatalf("crawl: %s", r.stderr)
	}
	mustCheck(t, work, data, "the last crawl")
	want := exportIDs(t, work, data)
	t.Logf("%d real pages: crawl killed %d times, check passed after each, nothing stored lost; %d articles", len(pages), kills, len(want))
	hurts := map[string]func(b []byte) []byte{
		"truncated to half": func(b []byte) []byte { return b[:len(b)/2] },
		"8 pages zeroed":    func(b []byte) []byte { clear(b[20*4096 : 28*4096]); return b },
		"200 bytes flipped": func(b []byte) []byte {
			for range 200 {
				b[8192+rng.IntN(len(b)-8192)] ^= 0xff
			}
			return b
		},
	}
	for name, hurt := range hurts {
		dir := filepath.Join(t.TempDir(), "data")
		os.MkdirAll(dir, 0o755)
		copyDir(t, data, dir)
		p := filepath.Join(dir, "syndex.db")
		b, _ := os.ReadFile(p)
		os.WriteFile(p, hurt(b), 0o644)
		for _, a := range [][]string{{"report", "--data", dir}, {"export", "--data", dir}, {"import", "--data", dir, "--in", "/dev/null"}} {
			clean(t, a[0]+" on a store "+name, syndex(t, work, a...))
		}
		r := syndex(t, work, "check", "--repair", "--data", dir)
		clean(t, "check --repair", r)
		mustCheck(t, work, dir, "check --repair")
		got := exportIDs(t, work, dir)
		t.Logf("store %s: --repair exit %d, %d of %d articles back", name, r.code, len(want)-len(lost(want, got)), len(want))
		if l := lost(want, got); len(l) > 0 {
			t.Errorf("store %s: %d articles not back after --repair", name, len(l))
		}
	}
}
