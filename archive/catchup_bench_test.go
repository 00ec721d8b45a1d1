package archive

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/syndex/syndex/article"
)

// catchUpLags are the numbers of articles BenchmarkCatchUp leaves stored
// but not indexed before its crash.
var catchUpLags = []int{0, 100, 1000, 10000}

// BenchmarkCatchUp measures what opening an archive costs after a kill -9
// left its last articles stored but not yet in the search index (the
// normal state after a crash of a crawl or an import): the archive of the
// JSONL file SYNDEX_BENCH_CATCHUP's articles but its last 10,000, imported
// in bulk; then, for each lag, a copy of it that stores that many more
// articles (in groups of 64, as a crawl does) with index updates held
// back, and is left as kill -9 leaves it (crash). Open catches up: the
// dedup index replays what its checkpoint lacks and the search index
// indexes the pending clusters. Reported: Open's wall time and CPU, and
// the clusters it indexed; "rebuild" is `syndex reindex` of the whole
// archive, what any lag cost before the pending list.
func BenchmarkCatchUp(b *testing.B) {
	file := os.Getenv("SYNDEX_BENCH_CATCHUP")
	if file == "" {
		b.Skip("set SYNDEX_BENCH_CATCHUP to a JSONL file of more than 10,000 articles")
	}
	ctx := context.Background()
	raw, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(raw), []byte("\n"))
	most := catchUpLags[len(catchUpLags)-1]
	if len(lines) <= most {
		b.Fatalf("%s: %d articles, want more than %d", file, len(lines), most)
	}
	var extra []*article.Article
	for i, l := range lines[len(lines)-most:] {
		art, err := article.Decode(l)
		if err != nil {
			b.Fatalf("%s: line %d: %v", file, len(lines)-most+i+1, err)
		}
		extra = append(extra, art)
	}
	base := filepath.Join(b.TempDir(), "base")
	a, err := Open(ctx, base, Options{})
	if err != nil {
		b.Fatal(err)
	}
	st, err := a.ImportJSONL(ctx, bytes.NewReader(bytes.Join(lines[:len(lines)-most], []byte("\n"))), DefaultImportBatch)
	if cerr := a.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("archive: %d articles", st.Stored)
	for _, lag := range catchUpLags {
		b.Run(fmt.Sprintf("lag=%d", lag), func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				dir := crashedCopy(b, base, extra[:lag])
				var log bytes.Buffer
				m := startMeasure()
				b.StartTimer()
				a, err := Open(ctx, dir, Options{Log: quietLog(&log)})
				b.StopTimer()
				m.report(b)
				if err != nil {
					b.Fatal(err)
				}
				checkCaughtUp(b, a, log.String(), lag)
				if err := a.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("rebuild", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			dir := crashedCopy(b, base, nil)
			a, err := Open(ctx, dir, Options{})
			if err != nil {
				b.Fatal(err)
			}
			m := startMeasure()
			b.StartTimer()
			err = a.Reindex(ctx)
			b.StopTimer()
			m.report(b)
			if cerr := a.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

// crashedCopy copies the archive base, stores arts in it with index
// updates held back and leaves it as kill -9 would.
func crashedCopy(b *testing.B, base string, arts []*article.Article) string {
	b.Helper()
	dir := filepath.Join(b.TempDir(), "a")
	if err := os.CopyFS(dir, os.DirFS(base)); err != nil {
		b.Fatal(err)
	}
	a, err := Open(context.Background(), dir, Options{IndexBatch: 1 << 30, IndexDelay: 24 * time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < len(arts); i += 64 {
		if err := a.Ingest(context.Background(), arts[i:min(i+64, len(arts))]); err != nil {
			b.Fatal(err)
		}
	}
	crash(a)
	return dir
}

var caughtUpClusters = regexp.MustCompile(`search index caught up.* clusters=(\d+)`)

// checkCaughtUp checks that Open caught up without a rebuild: nothing
// pending, the index checkpoint at the store's last article, and reports
// the clusters it indexed.
func checkCaughtUp(b *testing.B, a *Archive, log string, lag int) {
	b.Helper()
	if bytes.Contains([]byte(log), []byte("rebuilding")) {
		b.Fatalf("the index was rebuilt instead of caught up:\n%s", log)
	}
	if p, _, err := a.loadPending(); err != nil || len(p) != 0 {
		b.Fatalf("%d clusters still pending after Open (%v)", len(p), err)
	}
	if cp, _ := a.Index.Checkpoint(); cp != a.Store.LastSeq() {
		b.Fatalf("index checkpoint %d after Open, store at %d", cp, a.Store.LastSeq())
	}
	n := 0
	if m := caughtUpClusters.FindStringSubmatch(log); m != nil {
		fmt.Sscan(m[1], &n)
	} else if lag > 0 {
		b.Fatalf("no catch-up logged after a lag of %d articles:\n%s", lag, log)
	}
	b.ReportMetric(float64(n), "clusters")
}

// measure is the wall time and CPU of the process since it started.
type measure struct {
	start time.Time
	ru    syscall.Rusage
}

func startMeasure() measure {
	m := measure{start: time.Now()}
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &m.ru)
	return m
}

func (m measure) report(b *testing.B) {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano() - m.ru.Utime.Nano() - m.ru.Stime.Nano())
	b.ReportMetric(float64(time.Since(m.start).Milliseconds()), "wall-ms")
	b.ReportMetric(float64(cpu.Milliseconds()), "cpu-ms")
}
