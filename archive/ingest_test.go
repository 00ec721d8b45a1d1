package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/index"
)

func openOpt(t *testing.T, dir string, opt Options) *Archive {
	t.Helper()
	a, err := Open(context.Background(), dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// manyArticles returns n distinct stories (unique articles).
func manyArticles(n int) []*article.Article {
	var out []*article.Article
	for i := range n {
		out = append(out, &article.Article{
			ID: fmt.Sprintf("s%04d", i), URL: fmt.Sprintf("http://n.example/%d", i), Lang: "en",
			Title: fmt.Sprintf("Story number %d", i),
			Text:  fmt.Sprintf("Council meeting %d heard residents word%d and word%d about the plan%d for the district.", i, i, i*7, i),
		})
	}
	return out
}

func indexed(t *testing.T, a *Archive) uint64 {
	t.Helper()
	n, err := a.Index.Count()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestIngestGroupsIndexUpdates(t *testing.T) {
	ctx := context.Background()
	t.Run("by count", func(t *testing.T) {
		a := openOpt(t, t.TempDir(), Options{IndexBatch: 5, IndexDelay: time.Hour})
		defer a.Close()
		arts := manyArticles(7)
		for _, art := range arts[:4] {
			if err := a.Ingest(ctx, []*article.Article{art}); err != nil {
				t.Fatal(err)
			}
		}
		if n := indexed(t, a); n != 0 {
			t.Errorf("%d stories indexed after 4 of a batch of 5", n)
		}
		if a.Store.Count() != 4 {
			t.Errorf("store holds %d, want every article at once", a.Store.Count())
		}
		if err := a.Ingest(ctx, arts[4:]); err != nil {
			t.Fatal(err)
		}
		if n := indexed(t, a); n != 7 {
			t.Errorf("%d stories indexed once the batch filled, want 7", n)
		}
	})
	t.Run("by time", func(t *testing.T) {
		a := openOpt(t, t.TempDir(), Options{IndexBatch: 1000, IndexDelay: 100 * time.Millisecond})
		defer a.Close()
		start := time.Now()
		if err := a.Ingest(ctx, manyArticles(1)); err != nil {
			t.Fatal(err)
		}
		for indexed(t, a) == 0 {
			// A hang detector, not a measure: without the time rule the
			// article would wait for 999 more to fill the batch.
			if time.Since(start) > 2*time.Minute {
				t.Fatal("an article was not searchable 2 minutes after it was stored")
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Logf("searchable after %s", time.Since(start).Round(time.Millisecond))
	})
}

// crash leaves the archive as kill -9 would: nothing flushed, no
// checkpoint written, files closed.
func crash(a *Archive) {
	a.mu.Lock()
	if a.flushTimer != nil {
		a.flushTimer.Stop()
	}
	a.closing = true
	a.mu.Unlock()
	a.Index.Close()
	a.Store.Close()
}

func TestCatchUpIndexesOnlyPending(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a := openOpt(t, dir, Options{IndexBatch: 1 << 20, IndexDelay: time.Hour})
	arts := manyArticles(40)
	if err := a.Ingest(ctx, arts[:30]); err != nil {
		t.Fatal(err)
	}
	if err := a.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	// Ten more are stored, then the process dies before the index update.
	if err := a.Ingest(ctx, arts[30:]); err != nil {
		t.Fatal(err)
	}
	crash(a)

	var log bytes.Buffer
	a = openOpt(t, dir, Options{Log: quietLog(&log)})
	defer a.Close()
	if !strings.Contains(log.String(), "clusters=10") || strings.Contains(log.String(), "rebuilding") {
		t.Errorf("catch-up log does not say 10 clusters were indexed, without a rebuild:\n%s", log.String())
	}
	if n := indexed(t, a); n != 40 {
		t.Errorf("%d stories indexed after the catch-up, want 40", n)
	}
	res, err := a.Search(ctx, index.Query{Text: "plan35"})
	if err != nil || res.Total != 1 {
		t.Errorf("an article stored before the crash is not found: %v %v", res, err)
	}
	cp, _ := a.Index.Checkpoint()
	if cp != a.Store.LastSeq() {
		t.Errorf("checkpoint %d after catch-up, store at %d", cp, a.Store.LastSeq())
	}
	if p, _, _ := a.loadPending(); len(p) != 0 {
		t.Errorf("%d clusters still pending after catch-up", len(p))
	}
}

func TestIngestRefusesWhatCannotBeStored(t *testing.T) {
	ctx := context.Background()
	a := openT(t, t.TempDir())
	defer a.Close()
	arts := manyArticles(3)
	long := &article.Article{ID: strings.Repeat("x", 40000), Text: "some text"}
	longURL := &article.Article{URL: "http://x.example/" + strings.Repeat("y", 40000), Text: "some text"}
	future := &article.Article{ID: "future", Text: "some text", Published: time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC)}
	err := a.Ingest(ctx, []*article.Article{arts[0], long, arts[1], longURL, future, arts[2]})
	var rej *RejectedError
	if !errors.As(err, &rej) || len(rej.Errs) != 3 {
		t.Fatalf("err = %v, want 3 refused", err)
	}
	if !strings.Contains(err.Error(), "at most 4096") || !strings.Contains(err.Error(), "year 12000") {
		t.Errorf("error does not say why: %v", err)
	}
	if a.Store.Count() != 3 || a.Dedup.Len() != 3 {
		t.Errorf("store %d, dedup %d articles; want the 3 good ones in both", a.Store.Count(), a.Dedup.Len())
	}
}

// TestFailedStoreWriteLeavesNoPhantom makes the store fail under an
// ingest and checks neither the dedup index nor its checkpoint holds the
// articles that were not stored.
func TestFailedStoreWriteLeavesNoPhantom(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a := openT(t, dir)
	arts := manyArticles(6)
	if err := a.Ingest(ctx, arts[:3]); err != nil {
		t.Fatal(err)
	}
	if err := a.saveDedup(); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(filepath.Join(dir, DedupFile))
	if err != nil {
		t.Fatal(err)
	}
	// The database goes away under the archive (as on an I/O error).
	a.Store.DB().Close()
	if err := a.Ingest(ctx, arts[3:]); err == nil {
		t.Fatal("ingest into a closed store succeeded")
	}
	if a.Dedup != nil && a.Dedup.Len() != 3 {
		t.Errorf("dedup index holds %d articles after the failed write, want 3", a.Dedup.Len())
	}
	if err := a.Ingest(ctx, arts[3:4]); err == nil {
		t.Error("archive kept ingesting after its dedup index became unusable")
	}
	a.Close()
	after, _ := os.ReadFile(filepath.Join(dir, DedupFile))
	if !bytes.Equal(before, after) {
		t.Error("the dedup checkpoint changed although nothing more was stored")
	}
	a = openT(t, dir)
	defer a.Close()
	if a.Store.Count() != 3 || a.Dedup.Len() != 3 {
		t.Errorf("after reopen: store %d, dedup %d; want 3 and 3", a.Store.Count(), a.Dedup.Len())
	}
}

// TestRollbackDedupKeepsAssignments checks the dedup index rebuilt after a
// failed write (without writing) assigns as the lost one did.
func TestRollbackDedupKeepsAssignments(t *testing.T) {
	a := openT(t, t.TempDir())
	defer a.Close()
	if err := a.Ingest(context.Background(), testArticles()); err != nil {
		t.Fatal(err)
	}
	want, _ := a.Dedup.Assignment("copy1")
	if err := a.rollbackDedup(); err != nil {
		t.Fatal(err)
	}
	got, _ := a.Dedup.Assignment("copy1")
	if got.Cluster != want.Cluster || got.Original != want.Original || a.Dedup.Len() != 3 {
		t.Errorf("after rollback: %+v, want %+v", got, want)
	}
	checkClusters(t, a)
}

func jsonl(arts []*article.Article) []byte {
	var b bytes.Buffer
	for _, a := range arts {
		fmt.Fprintf(&b, `{"id":%q,"url":%q,"title":%q,"text":%q,"lang":"en"}`+"\n", a.ID, a.URL, a.Title, a.Text)
	}
	return b.Bytes()
}

// TestImportBadLine is the phantom-article report: line 1501 of 2,000 has
// a 40,000-character id.
func TestImportBadLine(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	arts := manyArticles(2000)
	arts[1500].ID = strings.Repeat("i", 40000)
	a := openT(t, dir)
	st, err := a.ImportJSONL(ctx, bytes.NewReader(jsonl(arts)), 500)
	var bad *BadLinesError
	if !errors.As(err, &bad) || len(bad.Errs) != 1 || !strings.Contains(err.Error(), "line 1501") {
		t.Fatalf("err = %v, want line 1501 reported", err)
	}
	if st.Stored != 1999 || st.Bad != 1 {
		t.Errorf("stats %+v, want 1999 stored and 1 bad", st)
	}
	if a.Dedup != nil || a.members == nil {
		t.Errorf("after the import: dedup index kept %v, membership %v; want it let go of before the index build", a.Dedup != nil, a.members != nil)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	a = openT(t, dir)
	defer a.Close()
	if a.Store.Count() != 1999 || a.Dedup.Len() != 1999 || indexed(t, a) != 1999 {
		t.Errorf("store %d, dedup %d, index %d; want 1999 each", a.Store.Count(), a.Dedup.Len(), indexed(t, a))
	}
	// The dedup checkpoint alone (no replay) holds exactly the stored.
	f, err := os.Open(filepath.Join(dir, DedupFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.Seek(8, 0)
	ix, err := dedup.ReadClusterer(f, dedup.DefaultConfig())
	if err != nil || ix.Len() != 1999 {
		t.Errorf("dedup checkpoint holds %v articles (%v), want 1999", ix.Len(), err)
	}
}

// TestImportLongLine: one line over MaxLineBytes between good ones is
// reported and skipped, the others are stored.
func TestImportLongLine(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 64 MiB line")
	}
	arts := manyArticles(3)
	var in bytes.Buffer
	in.Write(jsonl(arts[:1]))
	in.WriteString(`{"id":"huge","text":"`)
	in.Write(bytes.Repeat([]byte("a"), MaxLineBytes))
	in.WriteString("\"}\n")
	in.Write(jsonl(arts[1:]))
	a := openT(t, t.TempDir())
	defer a.Close()
	st, err := a.ImportJSONL(context.Background(), &in, 500)
	if err == nil || !strings.Contains(err.Error(), "line 2:") || st.Stored != 3 {
		t.Errorf("stored %d, err %v; want 3 stored and line 2 reported", st.Stored, err)
	}
	if a.Store.Count() != 3 {
		t.Errorf("store holds %d", a.Store.Count())
	}
}

func TestReadLinesBOMAndRepeatedID(t *testing.T) {
	in := "\xef\xbb\xbf" + `{"id":"a","text":"one"}` + "\n" + `{"id":"a","text":"two"}` + "\n" + `{"id":"b","text":"  "}` + "\n"
	var got []Line
	n, err := ReadLines(strings.NewReader(in), 10, func(ls []Line) error {
		got = append(got, ls...)
		return nil
	})
	if n != 2 || len(got) != 2 || got[1].Art.Text != "two" || got[1].N != 2 {
		t.Errorf("got %d lines: %+v", n, got)
	}
	if err == nil || !strings.Contains(err.Error(), "line 2: id \"a\" as on line 1") || !strings.Contains(err.Error(), "line 3: article \"b\" has no text") {
		t.Errorf("err = %v", err)
	}
}

func quietLog(w *bytes.Buffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// TestCrawledPageIndexesInBackground checks that storing a crawled page
// never waits for a search index update (its host's next request would
// wait with it), that an index far behind makes the crawl wait all the
// same, and that Flush leaves everything searchable.
func TestCrawledPageIndexesInBackground(t *testing.T) {
	ctx := context.Background()
	a := openOpt(t, t.TempDir(), Options{IndexBatch: 1, IndexDelay: time.Hour})
	defer a.Close()
	arts := manyArticles(5)
	// An index update that takes long: the lock every update takes is held.
	a.flushMu.Lock()
	for i, art := range arts[:3] {
		// Each ingest makes an update due; none may wait for the lock.
		if err := a.ingest(ctx, []*article.Article{art}, false); err != nil {
			t.Fatal(err)
		}
		if n := a.Store.Count(); n != i+1 {
			t.Fatalf("store holds %d articles, want %d", n, i+1)
		}
	}
	a.mu.RLock()
	flushing, pendingArts := a.flushing, a.pendingArts
	a.mu.RUnlock()
	if !flushing || pendingArts != 3 {
		t.Errorf("flushing %v with %d articles pending, want a background update and 3", flushing, pendingArts)
	}
	// Four batches behind: the next crawled page waits for the update.
	done := make(chan error)
	go func() { done <- a.ingest(ctx, arts[3:4], false) }()
	for {
		a.mu.RLock()
		n := a.pendingArts
		a.mu.RUnlock()
		if n == 4 {
			break
		}
		runtime.Gosched()
	}
	select {
	case err := <-done:
		t.Fatalf("ingest four batches behind returned (%v) while the index update was held", err)
	default:
	}
	a.flushMu.Unlock()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := a.ingest(ctx, arts[4:], false); err != nil {
		t.Fatal(err)
	}
	if err := a.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if n := indexed(t, a); n != 5 {
		t.Errorf("%d stories searchable after Flush, want 5", n)
	}
}

// TestBulkCloseDropsDedup: Close at the end of a bulk load writes the dedup
// checkpoint and builds the search index from the clusters' membership
// alone (the dedup index itself is let go of first); the clusters, the
// search hits with their copies and the checkpoint are as they would be.
func TestBulkCloseDropsDedup(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a := openT(t, dir)
	a.BeginBulk()
	if err := a.Ingest(ctx, testArticles()); err != nil {
		t.Fatal(err)
	}
	orig, err := a.Store.Article("orig")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if a.Dedup != nil || a.members == nil {
		t.Errorf("after a bulk load's Close: dedup index kept %v, membership %v", a.Dedup != nil, a.members != nil)
	}
	if got := a.members.Members(orig.Cluster); len(got) != 2 {
		t.Errorf("membership of orig's cluster %s: %v, want orig and copy1", orig.Cluster, got)
	}
	// The checkpoint holds every stored article: reopening replays none.
	a = openT(t, dir)
	defer a.Close()
	if a.dedupSeq != a.Store.LastSeq() || a.Dedup.Len() != 3 {
		t.Errorf("checkpoint at %d of %d, dedup holds %d", a.dedupSeq, a.Store.LastSeq(), a.Dedup.Len())
	}
	checkClusters(t, a)
}

// closingReader closes the archive's store once n bytes have been read
// from it, as an I/O error would take the database away mid-import.
type closingReader struct {
	r    io.Reader
	n    int
	a    *Archive
	done bool
}

func (c *closingReader) Read(p []byte) (int, error) {
	if !c.done && c.n <= 0 {
		c.done = true
		c.a.Store.DB().Close()
	}
	p = p[:min(len(p), max(c.n, 1))]
	k, err := c.r.Read(p)
	c.n -= k
	return k, err
}

// TestImportWriteBehindFailure: a store that fails while one batch is
// written behind the next one's dedup leaves the store, the stats and the
// dedup checkpoint agreeing on what was stored, and the error names the
// lines that were not.
func TestImportWriteBehindFailure(t *testing.T) {
	ctx := context.Background()
	for _, cut := range []int{1, 3, 7} { // tenths of the input read before the failure
		dir := t.TempDir()
		in := jsonl(manyArticles(2000))
		a := openT(t, dir)
		st, err := a.ImportJSONL(ctx, &closingReader{r: bytes.NewReader(in), n: len(in) * cut / 10, a: a}, 250)
		if err == nil || !strings.Contains(err.Error(), "not stored") {
			t.Fatalf("cut %d: err = %v, want lines not stored", cut, err)
		}
		a.Close()
		a = openT(t, dir)
		n := a.Store.Count()
		if st.Stored != n || a.Dedup.Len() != n || n >= 2000 {
			t.Errorf("cut %d: stats say %d stored, store holds %d, dedup %d", cut, st.Stored, n, a.Dedup.Len())
		}
		a.Close()
		f, err := os.Open(filepath.Join(dir, DedupFile))
		if err != nil {
			continue // no checkpoint: the reopen replayed the store
		}
		f.Seek(8, 0)
		ix, err := dedup.ReadClusterer(f, dedup.DefaultConfig())
		f.Close()
		if err == nil && ix.Len() > n {
			t.Errorf("cut %d: dedup checkpoint holds %d articles, the store %d", cut, ix.Len(), n)
		}
	}
}

// TestArrivalSetBounded checks that a damaged store sequence cannot size
// the rebuild's set of arrival numbers: a flipped byte once made it ask
// for 98 GB. Numbers past the bound are simply not kept.
func TestArrivalSetBounded(t *testing.T) {
	tests := []struct {
		name        string
		last        uint64
		count       int
		maxWords    int
		kept, inset uint64
	}{
		{"healthy", 1000, 1000, 1000/64 + 1, 999, 999},
		{"damaged sequence", 787_911_553_073, 500, int(arrivalBound(500)/64 + 1), 1999, 0},
		{"empty", 0, 0, 1, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newArrivalSet(tt.last, tt.count)
			if len(s) > tt.maxWords {
				t.Fatalf("set of %d words for last %d, count %d; want at most %d", len(s), tt.last, tt.count, tt.maxWords)
			}
			s.add(tt.kept)
			if tt.inset != 0 && !s.has(tt.inset) {
				t.Errorf("arrival %d not kept", tt.inset)
			}
			s.add(tt.last) // past the bound when damaged: dropped, not a panic
			if tt.last > arrivalBound(tt.count) && s.has(tt.last) {
				t.Errorf("arrival %d past the bound reported as kept", tt.last)
			}
		})
	}
}
