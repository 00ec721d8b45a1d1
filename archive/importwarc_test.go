package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/index"
	"github.com/syndex/syndex/warc"
)

// fixture is a file of package warc's interoperability fixtures.
func fixture(name string) string {
	p, _ := filepath.Abs(filepath.Join("..", "warc", "testdata", name))
	return p
}

// testPage is one capture of writeWARC.
type testPage struct {
	url   string
	date  time.Time
	title string
	text  string // paragraphs separated by blank lines
}

func pageHTML(p testPage) string {
	return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + p.title + "</title>" +
		"<meta property=\"og:type\" content=\"article\"><meta property=\"og:title\" content=\"" + p.title + "\"></head><body><nav><a href=\"/\">Home</a></nav><article><h1>" +
		p.title + "</h1><p>" + strings.ReplaceAll(p.text, "\n\n", "</p>\n<p>") + "</p></article></body></html>"
}

// writeWARC writes pages as WARC exchanges with this project's writer and
// returns the file.
func writeWARC(t *testing.T, dir string, pages []testPage) string {
	t.Helper()
	w, err := warc.NewWriter(dir, warc.Options{Prefix: "test"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		body := pageHTML(p)
		ex := &warc.Exchange{URI: p.url, Date: p.date, Request: []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
			ResponseHead: []byte("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"), Body: []byte(body), Status: 200, MIME: "text/html"}
		if _, err := w.WriteExchange(ex); err != nil {
			t.Fatal(err)
		}
	}
	name := w.Dir()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(name, "*.warc.gz"))
	if len(files) != 1 {
		t.Fatalf("%d files written", len(files))
	}
	return files[0]
}

// storyPages makes n distinct article pages on site.
func storyPages(site string, n int, day time.Time) []testPage {
	words := strings.Fields(story + " " + other)
	var out []testPage
	for i := range n {
		var paras []string
		for j := range 4 {
			var w []string
			for k := range 40 {
				w = append(w, words[(i*131+j*37+k*7)%len(words)])
			}
			paras = append(paras, fmt.Sprintf("Report %d part %d: %s.", i, j, strings.Join(w, " ")))
		}
		out = append(out, testPage{url: fmt.Sprintf("http://%s/news/%03d", site, i), date: day.Add(time.Duration(i) * time.Minute),
			title: fmt.Sprintf("Harbor report number %d", i), text: strings.Join(paras, "\n\n")})
	}
	return out
}

func TestImportWARCFixtures(t *testing.T) {
	ctx := context.Background()
	a := openT(t, t.TempDir())
	defer a.Close()
	files := []string{fixture("warcio.warc.gz"), fixture("handmade.arc.gz"), fixture("handmade-v2.arc")}
	// IndexStart comes once, after the last article is stored and
	// before any is searchable.
	starts, stored, searchable := 0, 0, -1
	st, err := a.ImportWARC(ctx, files, WARCImport{Workers: 2, IndexStart: func() {
		starts++
		stored = a.Store.Count()
		if n, err := a.Index.Count(); err == nil {
			searchable = int(n)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if starts != 1 || stored != 8 || searchable != 0 {
		t.Errorf("IndexStart: called %d times, with %d articles stored and %d searchable; want once, 8 and 0", starts, stored, searchable)
	}
	if st.Files != 3 || st.Articles != 8 || st.Revisits != 1 || st.Resolved != 1 || st.Unchanged != 1 || st.BadRecords != 0 {
		t.Errorf("stats %+v", st)
	}
	flood, err := a.Store.ArticleByURL("http://wire.example/news/river-flood")
	if err != nil {
		t.Fatal(err)
	}
	if !flood.Fetched.Equal(time.Date(2023, 3, 14, 9, 0, 1, 0, time.UTC)) || flood.WARC != fixture("warcio.warc.gz")+"#596" || flood.Role != article.RoleOriginal {
		t.Errorf("flood: fetched %v warc %q role %s", flood.Fetched, flood.WARC, flood.Role)
	}
	mirror, err := a.Store.ArticleByURL("https://mirror.example/2023/river-flood")
	if err != nil {
		t.Fatalf("the revisit under another URL was not imported: %v", err)
	}
	if mirror.Cluster != flood.Cluster || mirror.Role != article.RoleCopy || !mirror.Fetched.Equal(time.Date(2023, 3, 15, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("mirror: cluster %s (flood %s) role %s fetched %v", mirror.Cluster, flood.Cluster, mirror.Role, mirror.Fetched)
	}
	cafe, _ := a.Store.ArticleByURL("http://wire.example/news/cafe-terraces")
	if cafe == nil || !strings.Contains(cafe.Text, "Owners of cafés") {
		t.Errorf("Latin-1 page not decoded: %+v", cafe)
	}
	tolls, _ := a.Store.ArticleByURL("http://ledger.example/2008/04/30/tolls.html")
	if tolls == nil || !tolls.Fetched.Equal(time.Date(2008, 4, 30, 20, 48, 29, 0, time.UTC)) {
		t.Errorf("the earlier ARC capture of the tolls page should be kept: %+v", tolls)
	}
	res, err := a.Search(ctx, indexQuery("sandbags levee"))
	if err != nil || res.Total != 1 {
		t.Errorf("imported article not searchable: %v %+v", err, res)
	}
	// A second import of the same files adds nothing, and does not even
	// read them; read again (Again), they change nothing.
	n := a.Store.Count()
	st, err = a.ImportWARC(ctx, files, WARCImport{})
	if err != nil || st.AlreadyDone != 3 || st.Files != 0 || st.Records != 0 || a.Store.Count() != n {
		t.Errorf("second import: %v %+v, %d articles (had %d)", err, st, a.Store.Count(), n)
	}
	st, err = a.ImportWARC(ctx, files, WARCImport{Again: true})
	if err != nil || st.Articles != 0 || st.Updated != 0 || st.Unchanged != st.HTML || a.Store.Count() != n {
		t.Errorf("import again: %v %+v", err, st)
	}
	if a.Dedup == nil {
		t.Error("an import that is not the last let go of the dedup index")
	}
	// The WACZ made from the same WARC adds nothing either; as the last
	// import (Last), it lets the dedup index go before the index build,
	// keeping only the clusters' membership.
	st, err = a.ImportWARC(ctx, []string{fixture("jswacz.wacz")}, WARCImport{Last: true})
	if err != nil || st.Articles != 0 || st.Updated != 0 || a.Store.Count() != n {
		t.Errorf("WACZ of the same captures: %v %+v", err, st)
	}
	if a.Dedup != nil || a.members == nil {
		t.Errorf("after the last import: dedup index kept %v, membership %v; want it let go of before the index build", a.Dedup != nil, a.members != nil)
	}
	if res, err := a.Search(ctx, indexQuery("sandbags levee")); err != nil || res.Total != 1 {
		t.Errorf("after the last import: %v %+v", err, res)
	}
	if !warc.IsImported(filepath.Join(a.Dir, WARCDir), fixture("jswacz.wacz")) {
		t.Error("the WACZ is not listed as imported")
	}
}

func TestImportFilters(t *testing.T) {
	day := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	pages := append(storyPages("ledger.example", 6, day), storyPages("www.wire.example", 6, day.AddDate(0, 1, 0))...)
	pages = append(pages, storyPages("news.coast.example", 3, day)...)
	file := writeWARC(t, filepath.Join(dir, "w"), pages)
	tests := []struct {
		name string
		opt  WARCImport
		want int
	}{
		{"all", WARCImport{}, 15},
		{"include", WARCImport{Include: []*regexp.Regexp{regexp.MustCompile(`/news/00[0-2]$`)}}, 9},
		{"exclude", WARCImport{Exclude: []*regexp.Regexp{regexp.MustCompile(`ledger`)}}, 9},
		{"from", WARCImport{From: day.AddDate(0, 0, 10)}, 6},
		{"to", WARCImport{To: day.Add(3 * time.Minute)}, 4 + 3},
		{"sites (www. and subdomains)", WARCImport{Sites: []string{"wire.example", "coast.example"}}, 9},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := openT(t, t.TempDir())
			defer a.Close()
			if _, err := a.ImportWARC(context.Background(), []string{file}, tc.opt); err != nil {
				t.Fatal(err)
			}
			if n := a.Store.Count(); n != tc.want {
				t.Errorf("%d articles, want %d", n, tc.want)
			}
		})
	}
}

// TestImportResume interrupts an import and runs it again: the second
// run continues where the first stopped, and the archive ends as one
// uninterrupted import leaves it.
func TestImportResume(t *testing.T) {
	day := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	const n = 400
	file := writeWARC(t, filepath.Join(t.TempDir(), "w"), storyPages("ledger.example", n, day))

	whole := openT(t, t.TempDir())
	if _, err := whole.ImportWARC(context.Background(), []string{file}, WARCImport{}); err != nil {
		t.Fatal(err)
	}
	want, _ := whole.Articles()
	whole.Close()

	dir := t.TempDir()
	var logged lockedBuffer
	a, err := Open(context.Background(), dir, Options{Log: slog.New(slog.NewTextHandler(&logged, nil))})
	if err != nil {
		t.Fatal(err)
	}
	st1, first := importInterrupted(t, a, file, 30, n)
	if strings.Contains(logged.String(), "extract failed") {
		t.Errorf("extractions stopped by the interruption were logged as failures:\n%s", logged.String())
	}
	a.Close()
	a = openT(t, dir) // as after a restart
	defer a.Close()
	st2, err := a.ImportWARC(context.Background(), []string{file}, WARCImport{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if st2.Articles != int64(n-first) || st2.HTML > int64(n-first)+int64(st1.HTML)-int64(first) {
		t.Errorf("second run: %+v after %d stored by the first (%+v)", st2, first, st1)
	}
	got, _ := a.Articles()
	if len(got) != len(want) {
		t.Fatalf("%d articles after resuming, %d in one go", len(got), len(want))
	}
	for i := range want {
		if got[i].ID != want[i].ID || got[i].Text != want[i].Text || got[i].Cluster != want[i].Cluster {
			t.Errorf("article %d: %s/%s differs from %s/%s", i, got[i].ID, got[i].Cluster, want[i].ID, want[i].Cluster)
		}
	}
}

// TestImportInterruptedIndexBuild: an interrupt during the search index
// build at the end of an import stops the build instead of waiting for it;
// everything stays stored and the next writer indexes it.
func TestImportInterruptedIndexBuild(t *testing.T) {
	day := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	const n = 60
	file := writeWARC(t, filepath.Join(t.TempDir(), "w"), storyPages("ledger.example", n, day))
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var built atomic.Int64 // index build steps after the interrupt
	interrupted := false
	a, err := Open(context.Background(), dir, Options{Progress: func(done, total int64, unit string) {
		if interrupted {
			built.Add(1)
		}
		interrupted = true
		cancel() // as Ctrl-C at the first step of the build
	}})
	if err != nil {
		t.Fatal(err)
	}
	st, err := a.ImportWARC(ctx, []string{file}, WARCImport{Workers: 2})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("import interrupted in its index build: err %v, want context.Canceled", err)
	}
	if st.Articles != n || a.Store.Count() != n {
		t.Fatalf("%d articles imported, %d stored, want %d", st.Articles, a.Store.Count(), n)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if b := built.Load(); b > 1 {
		t.Errorf("the index build went on for %d more steps after the interrupt", b)
	}
	a = openT(t, dir) // the next writer catches the index up
	defer a.Close()
	if c, err := a.Index.Count(); err != nil || c != n {
		t.Errorf("index after reopening: %d documents, %v; want %d", c, err, n)
	}
	res, err := a.Search(context.Background(), indexQuery("harbor report number 17"))
	if err != nil || len(res.Hits) == 0 {
		t.Errorf("search after reopening: %v, %+v", err, res)
	}
}

// TestImportVersions: a page captured several times keeps its newest text,
// and the earliest capture of that text as its fetch date, whatever the
// order of the files.
func TestImportVersions(t *testing.T) {
	day := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	base := storyPages("ledger.example", 1, day)[0]
	v1 := base
	v2 := base
	v2.text += "\n\nUpdate: the council confirmed the figures on Wednesday evening after a second vote."
	v2.date = day.Add(24 * time.Hour)
	v2again := v2
	v2again.date = day.Add(48 * time.Hour)
	dir := t.TempDir()
	newer := writeWARC(t, filepath.Join(dir, "a"), []testPage{v2again, v2})
	older := writeWARC(t, filepath.Join(dir, "b"), []testPage{v1})
	a := openT(t, t.TempDir())
	defer a.Close()
	if _, err := a.ImportWARC(context.Background(), []string{newer, older}, WARCImport{}); err != nil {
		t.Fatal(err)
	}
	art, err := a.Store.ArticleByURL(base.url)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(art.Text, "Update: the council") || !art.Fetched.Equal(v2.date) || a.Store.Count() != 1 {
		t.Errorf("kept fetched %v (want %v), text %.60q…, %d articles", art.Fetched, v2.date, art.Text[len(art.Text)-60:], a.Store.Count())
	}
}

// revisitFixture writes one story page of ledger.example to a WARC (orig)
// and, in a second file (rv[0]), a revisit record of mirror.example/copy
// that repeats its payload at the returned time.
func revisitFixture(t *testing.T) (orig string, rv []string, p testPage, at time.Time) {
	t.Helper()
	day := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	p = storyPages("ledger.example", 1, day)[0]
	orig = writeWARC(t, filepath.Join(dir, "orig"), []testPage{p})
	w, _ := warc.NewWriter(filepath.Join(dir, "rv"), warc.Options{})
	w.WriteRevisit(&warc.Exchange{URI: "https://mirror.example/copy", Date: day.Add(time.Hour), Request: []byte("GET / HTTP/1.1\r\n\r\n"),
		ResponseHead: []byte("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"), Status: 200},
		warc.Revisit{Profile: warc.ProfileIdenticalPayload, RefersToURI: p.url, RefersToDate: p.date, PayloadDigest: warc.PayloadDigest([]byte(pageHTML(p)))})
	w.Close()
	rv, _ = filepath.Glob(filepath.Join(dir, "rv", "*.warc.gz"))
	return orig, rv, p, day.Add(time.Hour)
}

// TestImportRevisitBeforeOriginal: a revisit read before the file holding
// its original is resolved at the end of the import.
func TestImportRevisitBeforeOriginal(t *testing.T) {
	orig, rv, p, at := revisitFixture(t)
	a := openT(t, t.TempDir())
	defer a.Close()
	// The revisit alone: kept for later.
	st, err := a.ImportWARC(context.Background(), rv, WARCImport{})
	if err != nil || st.Revisits != 1 || st.Unresolved != 1 || a.Store.Count() != 0 {
		t.Fatalf("revisit alone: %v %+v", err, st)
	}
	// Its original, in a later import: the revisit is resolved then.
	st, err = a.ImportWARC(context.Background(), []string{orig}, WARCImport{})
	if err != nil || st.Resolved != 1 || st.Unresolved != 0 || a.Store.Count() != 2 {
		t.Fatalf("with the original: %v %+v, %d articles", err, st, a.Store.Count())
	}
	cp, err := a.Store.ArticleByURL("https://mirror.example/copy")
	if err != nil || cp.Role != article.RoleCopy || !cp.Fetched.Equal(at) {
		t.Errorf("revisit copy: %v %+v", err, cp)
	}
	checkRevisitRecord(t, a, cp, rv[0], p.url)
}

// checkRevisitRecord: the article made from a revisit points at the
// revisit record itself (in file), and RevisitOriginal finds the record of
// the original it repeats (of origURL).
func checkRevisitRecord(t *testing.T, a *Archive, cp *article.Article, file, origURL string) {
	t.Helper()
	if src, _, _, err := warc.ParseLocation(cp.WARC); err != nil || src.Path != file {
		t.Errorf("copy from a revisit points at %q, want a record of %s", cp.WARC, file)
	}
	var raw strings.Builder
	if err := warc.ReadRaw(&raw, cp.WARC, 1<<20); err != nil || !strings.Contains(raw.String(), "WARC-Type: revisit") ||
		!strings.Contains(raw.String(), "WARC-Target-URI: "+cp.URL) {
		t.Errorf("record at %s (%v):\n%.400s", cp.WARC, err, raw.String())
	}
	orig, err := a.Store.ArticleByURL(origURL)
	if err != nil {
		t.Fatal(err)
	}
	if got := a.RevisitOriginal(cp.WARC); got != orig.WARC || got == "" {
		t.Errorf("RevisitOriginal(%s) = %q, want the original's record %q", cp.WARC, got, orig.WARC)
	}
	if got := a.RevisitOriginal(orig.WARC); got != "" {
		t.Errorf("RevisitOriginal of a response record = %q, want none", got)
	}
}

// TestImportRevisitOwnRecord: a revisit whose original was read earlier in
// the same import makes an article that points at the revisit record.
func TestImportRevisitOwnRecord(t *testing.T) {
	orig, rv, p, _ := revisitFixture(t)
	a := openT(t, t.TempDir())
	defer a.Close()
	st, err := a.ImportWARC(context.Background(), []string{orig, rv[0]}, WARCImport{})
	if err != nil || st.Resolved != 1 || a.Store.Count() != 2 {
		t.Fatalf("import: %v %+v, %d articles", err, st, a.Store.Count())
	}
	cp, err := a.Store.ArticleByURL("https://mirror.example/copy")
	if err != nil {
		t.Fatal(err)
	}
	checkRevisitRecord(t, a, cp, rv[0], p.url)
	// Importing the same files again finds the revisit's capture archived.
	st, err = a.ImportWARC(context.Background(), []string{orig, rv[0]}, WARCImport{Again: true})
	if err != nil || st.Unchanged != 2 || st.Articles+st.Updated != 0 {
		t.Errorf("again: %v %+v", err, st)
	}
}

func TestImportBadInput(t *testing.T) {
	dir := t.TempDir()
	good, _ := os.ReadFile(fixture("warcio.warc.gz"))
	cut := filepath.Join(dir, "cut.warc.gz")
	os.WriteFile(cut, good[:len(good)-40], 0o644) // the last member is cut short
	notWARC := filepath.Join(dir, "page.warc.gz")
	os.WriteFile(notWARC, []byte("<html>an error page saved under a WARC name</html>"), 0o644)
	a := openT(t, t.TempDir())
	defer a.Close()
	var reported []string
	st, err := a.ImportWARC(context.Background(), []string{notWARC, cut, fixture("handmade.arc.gz"), filepath.Join(dir, "missing-*.warc")},
		WARCImport{Bad: func(err error) { reported = append(reported, err.Error()) }})
	var bad *BadInputError
	if !errors.As(err, &bad) || len(bad.Errs) != 3 || len(reported) != 3 {
		t.Fatalf("err %v, reported %q", err, reported)
	}
	for _, want := range []string{"missing-*.warc: no file matches", notWARC + " at offset 0: not a WARC", cut + " at offset 6199: "} {
		if !slices.ContainsFunc(reported, func(s string) bool { return strings.Contains(s, want) }) {
			t.Errorf("no report containing %q in %q", want, reported)
		}
	}
	if st.BadRecords != 1 || st.NotArchives != 1 || a.Store.Count() != 5+2 {
		t.Errorf("stats %+v, %d articles (want the 5 sound pages of the cut file and the 2 of the ARC)", st, a.Store.Count())
	}
}

func indexQuery(text string) index.Query { return index.Query{Text: text, Limit: 10} }

// lockedBuffer is a bytes.Buffer safe for the log handler's writers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestImportCrashKeepsModel: what extraction learned of a site's
// boilerplate is durable with the position an import saves, so an import
// killed (kill -9: no Close) and run again extracts every page as one run
// does. The pages share a footer that extraction learns to leave out
// after a few pages; without the model of the pages before the kill, the
// first pages after it would keep the footer in their text.
func TestImportCrashKeepsModel(t *testing.T) {
	day := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	const n = 120
	const footer = "Support independent local journalism: become a member of the Ledger today and read every story."
	pages := storyPages("ledger.example", n, day)
	for i := range pages {
		pages[i].text += "\n\n" + footer
	}
	file := writeWARC(t, filepath.Join(t.TempDir(), "w"), pages)

	whole := openT(t, t.TempDir())
	if _, err := whole.ImportWARC(context.Background(), []string{file}, WARCImport{Workers: 2}); err != nil {
		t.Fatal(err)
	}
	want, _ := whole.Articles()
	whole.Close()
	kept := 0
	for _, a := range want {
		if strings.Contains(a.Text, "Support independent") {
			kept++
		}
	}
	if kept == 0 || kept > 5 {
		t.Fatalf("the footer is in %d of %d articles of one run: want it learned after the first few", kept, len(want))
	}

	dir := t.TempDir()
	a := openT(t, dir)
	_, first := importInterrupted(t, a, file, 40, n)
	// The archive as a kill -9 leaves it: what is on disk now, without
	// what Close would write.
	crashed := filepath.Join(t.TempDir(), "crashed")
	if err := os.CopyFS(crashed, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	a.Close()
	os.Remove(filepath.Join(crashed, "syndex.pid"))
	b := openT(t, crashed)
	defer b.Close()
	if _, err := b.ImportWARC(context.Background(), []string{file}, WARCImport{Workers: 2}); err != nil {
		t.Fatal(err)
	}
	got, _ := b.Articles()
	if len(got) != len(want) {
		t.Fatalf("%d articles after the crash and the second run, %d in one run (%d before the crash)", len(got), len(want), first)
	}
	// The first pages of a site are extracted while the model learns,
	// two at a time: which of them keep the footer depends on timing, so
	// only the pages stored after the crash are compared.
	for i := range want {
		if got[i].ID != want[i].ID || (i >= first && got[i].Text != want[i].Text) {
			t.Errorf("article %d (%d stored before the crash): %s differs from one run's %s:\n%q\nagainst\n%q", i, first, got[i].ID, want[i].ID, tail(got[i].Text), tail(want[i].Text))
		}
	}
}

func tail(s string) string { return s[max(0, len(s)-120):] }

// importInterrupted imports file into a in batches of 10, interrupting it
// (as Ctrl-C would) after the batch that brings the HTML captures to at
// least at, and returns the stats and the articles stored, which must be
// some but not all of the file's n.
func importInterrupted(t *testing.T, a *Archive, file string, at int64, n int) (ImportStats, int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := a.ImportWARC(ctx, []string{file}, WARCImport{Workers: 2, Batch: 10, afterBatch: func(html int64) {
		if html >= at {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted import: err %v", err)
	}
	first := a.Store.Count()
	if first == 0 || first >= n {
		t.Fatalf("interrupted after %d articles", first)
	}
	return st, first
}

// TestContainsFold holds containsFold to what it replaces (a lower-cased
// copy searched), on chosen and random inputs.
func TestContainsFold(t *testing.T) {
	old := func(b []byte, w string) bool { return bytes.Contains(bytes.ToLower(b), []byte(w)) }
	cases := []string{"", "r", "robot", "robots", "ROBOTS", "<meta name=Robots content=noindex>", "rrrobots", "roBOTs!",
		"robotROBOTS", "x r o b o t s", "Rob0ts", "<META NAME=\"ROBOTS\">", "ro\u0130bots", "\u212aobots", "robot\u017f", "robot\u017fs"}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("roOBtTsSR xX")
	for range 5000 {
		b := make([]byte, rng.IntN(20))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		cases = append(cases, string(b))
	}
	for _, c := range cases {
		if got, want := containsFold([]byte(c), "robots"), old([]byte(c), "robots"); got != want {
			t.Errorf("containsFold(%q) = %v, want %v", c, got, want)
		}
	}
}
