package check

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/crawler"
	"github.com/syndex/syndex/internal/farm"
	"github.com/syndex/syndex/store"
)

var (
	builtOnce sync.Once
	builtDir  string
	builtIDs  []string
	builtErr  error
)

// crawled returns a copy of an archive crawled from the loopback farm
// (built once per test binary), and the ids of its articles.
func crawled(t *testing.T) (string, []string) {
	t.Helper()
	builtOnce.Do(func() {
		ctx := context.Background()
		f, err := farm.Start(ctx, farm.Options{CrawlDelay: 50 * time.Millisecond})
		if err != nil {
			builtErr = err
			return
		}
		defer f.Close()
		builtDir, builtErr = os.MkdirTemp("", "check-test-")
		if builtErr != nil {
			return
		}
		quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
		a, err := archive.Open(ctx, builtDir, archive.Options{Log: quiet})
		if err != nil {
			builtErr = err
			return
		}
		_, err = a.Crawl(ctx, crawler.Config{Seeds: f.Seeds(), Resolve: f.Resolve(), AllowPrivate: true, Delay: 20 * time.Millisecond, Logger: quiet}, nil, nil)
		if err == nil {
			builtIDs, err = ids(a.Store)
		}
		if cerr := a.Close(); err == nil {
			err = cerr
		}
		builtErr = err
	})
	if builtErr != nil {
		t.Fatal(builtErr)
	}
	dir := t.TempDir()
	if out, err := exec.Command("cp", "-a", builtDir+"/.", dir).CombinedOutput(); err != nil {
		t.Fatalf("copy the archive: %v %s", err, out)
	}
	return dir, builtIDs
}

func ids(s *store.Store) ([]string, error) {
	var out []string
	for a, err := range s.Articles(0) {
		if err != nil {
			return nil, err
		}
		out = append(out, a.ID)
	}
	slices.Sort(out)
	return out, nil
}

func TestMain(m *testing.M) {
	code := m.Run()
	if builtDir != "" {
		os.RemoveAll(builtDir)
	}
	os.Exit(code)
}

func quietOpts(repair bool) Options {
	q := slog.New(slog.NewTextHandler(io.Discard, nil))
	return Options{Repair: repair, Log: q, Archive: archive.Options{Log: q}}
}

func TestCleanArchivePasses(t *testing.T) {
	dir, want := crawled(t)
	if len(want) < 10 {
		t.Fatalf("the crawl stored %d articles", len(want))
	}
	rep, err := Run(context.Background(), dir, quietOpts(false))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Count(Error)+rep.Count(Warning) > 0 {
		t.Fatalf("a clean archive has findings:\n%s", findings(rep))
	}
	for _, part := range []string{"store", "warc", "cdxj", "articles", "dedup", "index"} {
		if !slices.ContainsFunc(rep.Findings, func(f Finding) bool { return f.Part == part && f.Severity == OK }) {
			t.Errorf("no ok line for %s:\n%s", part, findings(rep))
		}
	}
}

func findings(r *Report) string {
	var b strings.Builder
	for _, f := range r.Findings {
		b.WriteString(f.String() + "\n")
	}
	return b.String()
}

func onlyFile(t *testing.T, pattern string) string {
	t.Helper()
	m, _ := filepath.Glob(pattern)
	if len(m) == 0 {
		t.Fatalf("no file matches %s", pattern)
	}
	slices.Sort(m)
	return m[len(m)-1]
}

func flip(t *testing.T, path string, from int64, n int, seed uint64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 9))
	for range n {
		i := from + rng.Int64N(int64(len(b))-from)
		b[i] ^= byte(1 + rng.IntN(255))
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDamageFoundAndRepaired damages each part of an archive as the field
// does and checks that the check names it (an error for damage, a warning
// for what a crash leaves) and that --repair leaves an archive that passes
// with every stored article still there.
func TestDamageFoundAndRepaired(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, dir string)
		want   Severity // the worst finding before the repair
		part   string
		// lossy: the damage destroys raw data no copy holds (an error
		// stays after the repair).
		lossy bool
	}{
		{"store truncated to half", func(t *testing.T, dir string) {
			p := filepath.Join(dir, store.FileName)
			fi, _ := os.Stat(p)
			os.Truncate(p, fi.Size()/2)
		}, Error, "store", false},
		{"store pages zeroed", func(t *testing.T, dir string) {
			p := filepath.Join(dir, store.FileName)
			b, _ := os.ReadFile(p)
			clear(b[4*4096 : 8*4096])
			os.WriteFile(p, b, 0o644)
		}, Error, "store", false},
		{"200 bytes of the store flipped", func(t *testing.T, dir string) {
			flip(t, filepath.Join(dir, store.FileName), 8192, 200, 1)
		}, Error, "store", false},
		{"WARC file cut mid-record", func(t *testing.T, dir string) {
			p := onlyFile(t, filepath.Join(dir, "warc", "*.warc.gz"))
			b, _ := os.ReadFile(p)
			at := len(b)/2 + bytes.Index(b[len(b)/2:], []byte{0x1f, 0x8b, 8})
			os.WriteFile(p, append(b, b[at:at+700]...), 0o644) // the start of a record, cut short
		}, Warning, "warc", false},
		{"WARC record damaged", func(t *testing.T, dir string) {
			p := onlyFile(t, filepath.Join(dir, "warc", "*.warc.gz"))
			fi, _ := os.Stat(p)
			flip(t, p, fi.Size()/2, 1, 2)
		}, Error, "warc", true},
		{"CDXJ unsorted and short of lines", func(t *testing.T, dir string) {
			p := onlyFile(t, filepath.Join(dir, "warc", "*.cdxj"))
			b, _ := os.ReadFile(p)
			lines := bytes.SplitAfter(b, []byte("\n"))
			slices.Reverse(lines)
			os.WriteFile(p, bytes.Join(lines[2:], nil), 0o644)
		}, Warning, "cdxj", false},
		{"CDXJ pointing at the wrong offset", func(t *testing.T, dir string) {
			p := onlyFile(t, filepath.Join(dir, "warc", "*.cdxj"))
			b, _ := os.ReadFile(p)
			os.WriteFile(p, bytes.Replace(b, []byte(`"offset":"`), []byte(`"offset":"1`), 1), 0o644)
		}, Error, "cdxj", false},
		{"dedup checkpoint ahead of the store", func(t *testing.T, dir string) {
			p := filepath.Join(dir, archive.DedupFile)
			b, _ := os.ReadFile(p)
			b[0] = 0x7f // the header's arrival number
			os.WriteFile(p, b, 0o644)
		}, Error, "dedup", false},
		{"dedup checkpoint garbage", func(t *testing.T, dir string) {
			p := filepath.Join(dir, archive.DedupFile)
			flip(t, p, 8, 50, 3)
		}, Error, "dedup", false},
		{"index segment damaged", func(t *testing.T, dir string) {
			segs, _ := filepath.Glob(filepath.Join(dir, archive.BleveDir, "shard-*", "store", "*.zap"))
			if len(segs) == 0 {
				t.Skip("no segment file")
			}
			flip(t, segs[0], 0, 3, 4)
		}, Error, "index", false},
		{"index gone", func(t *testing.T, dir string) {
			os.RemoveAll(filepath.Join(dir, archive.BleveDir))
		}, Warning, "index", false},
	}
	ctx := context.Background()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir, want := crawled(t)
			tc.damage(t, dir)
			rep, err := Run(ctx, dir, quietOpts(false))
			if err != nil {
				t.Fatal(err)
			}
			worst := OK
			for _, f := range rep.Findings {
				if f.Severity > worst && f.Severity != Repaired {
					worst = f.Severity
				}
			}
			if worst != tc.want || !slices.ContainsFunc(rep.Findings, func(f Finding) bool { return f.Part == tc.part && f.Severity == tc.want }) {
				t.Fatalf("want a %s about %s, got:\n%s", tc.want, tc.part, findings(rep))
			}
			rep, err = Run(ctx, dir, quietOpts(true))
			if err != nil {
				t.Fatal(err)
			}
			if rep.Count(Repaired) == 0 && !tc.lossy {
				t.Errorf("--repair did nothing:\n%s", findings(rep))
			}
			if n := rep.Count(Error); (n > 0) != tc.lossy {
				t.Errorf("after --repair (lossy %v):\n%s", tc.lossy, findings(rep))
			}
			s, err := store.Open(dir, store.Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			got, err := ids(s)
			s.Close()
			if err != nil || !slices.Equal(got, want) {
				t.Errorf("after --repair %d articles (%v), want the %d stored before", len(got), err, len(want))
			}
		})
	}
}

// TestRepairSaysWhenTheNewestAreLost zeroes the store's root page (where
// its article count lives) and every page holding the two newest
// articles, imported from JSONL (no WARC record holds them): --repair must
// say they are lost, not report a sound archive.
func TestRepairSaysWhenTheNewestAreLost(t *testing.T) {
	dir, _ := crawled(t)
	ctx := context.Background()
	a, err := archive.Open(ctx, dir, archive.Options{Log: quietOpts(false).Log})
	if err != nil {
		t.Fatal(err)
	}
	jsonl := `{"id":"jsonl-newest-1","text":"The harbour board approved the new breakwater plans on Tuesday after a long debate."}
{"id":"jsonl-newest-2","text":"The council budget for next year cuts library hours and raises parking fees downtown."}
`
	if _, err := a.ImportJSONL(ctx, strings.NewReader(jsonl), 10); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, store.FileName)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	m := b[16:] // the meta page in use: the one with the higher transaction id
	if m1 := b[4096+16:]; binary.LittleEndian.Uint64(m1[48:]) > binary.LittleEndian.Uint64(m[48:]) {
		m = m1
	}
	root := int(binary.LittleEndian.Uint64(m[16:]))
	clear(b[root*4096 : (root+1)*4096])
	for pg := 2; (pg+1)*4096 <= len(b); pg++ {
		if bytes.Contains(b[pg*4096:(pg+1)*4096], []byte("jsonl-newest-")) {
			clear(b[pg*4096 : (pg+1)*4096])
		}
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := Run(ctx, dir, quietOpts(true))
	if err != nil {
		t.Fatal(err)
	}
	first, ok := rep.First(Error)
	if !ok || !strings.Contains(first.Msg, "lost") {
		t.Fatalf("two imported articles lost and --repair did not say so:\n%s", findings(rep))
	}
	t.Logf("%s", first)
}
