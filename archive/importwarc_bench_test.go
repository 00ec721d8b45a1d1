package archive

import (
	"bufio"
	"compress/gzip"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/syndex/syndex/warc"
)

// Benchmarks of ImportWARC on real news pages. The WARC is built at
// measurement time from the HTML of evaluation corpora (never committed):
//
//	SYNDEX_BENCH_CORPORA=../../shared/corpora/scrapinghub-aeb,../../shared/corpora/fundus-publishers,../../shared/corpora/l3s-gn1 \
//	    go test -run XXX -bench ImportWARC -benchtime 1x ./archive/
//
// SYNDEX_BENCH_WARC=FILE imports that file instead. TestWriteBenchWARC
// writes such a WARC of a given size for measuring the command itself
// (peak RSS with /usr/bin/time -v):
//
//	SYNDEX_BENCH_CORPORA=... SYNDEX_WRITE_WARC=/tmp/big.warc.gz SYNDEX_WARC_BYTES=1073741824 \
//	    go test -run TestWriteBenchWARC -timeout 60m ./archive/

// corpusPage is one real page: its URL (from the corpus manifest, or made
// up) and its HTML.
type corpusPage struct {
	url  string
	file string
}

// corpusPages lists the HTML pages of corpus directories.
func corpusPages(t testing.TB, dirs []string) []corpusPage {
	t.Helper()
	var out []corpusPage
	for _, dir := range dirs {
		urls := map[string]string{} // file path → URL
		if f, err := os.Open(filepath.Join(dir, "manifest.jsonl")); err == nil {
			sc := bufio.NewScanner(f)
			sc.Buffer(make([]byte, 1<<20), 64<<20)
			for sc.Scan() {
				var m map[string]any
				if json.Unmarshal(sc.Bytes(), &m) != nil {
					continue
				}
				u, _ := m["url"].(string)
				for _, k := range []string{"html", "original"} {
					if p, ok := m[k].(string); ok && u != "" {
						urls[filepath.Join(dir, p)] = u
					}
				}
			}
			f.Close()
		}
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".html.gz") || strings.HasSuffix(p, ".html")) || strings.Contains(p, "/annotated/") {
				return nil
			}
			u := urls[p]
			if u == "" {
				h := sha1.Sum([]byte(p))
				u = "https://" + filepath.Base(dir) + "-" + hex.EncodeToString(h[:2]) + ".example/news/" + hex.EncodeToString(h[2:10]) + ".html"
			}
			out = append(out, corpusPage{url: u, file: p})
			return nil
		})
	}
	return out
}

func readPage(t testing.TB, p string) []byte {
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(p, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// writeCorpusWARC writes the pages as a crawler would (request and
// response records, plus an image response after every third page) until
// the file reaches size bytes (one pass when size is 0); repeated passes
// give each page another URL. It returns the file and the HTML responses.
func writeCorpusWARC(t testing.TB, dir string, pages []corpusPage, size int64) (string, int) {
	t.Helper()
	w, err := warc.NewWriter(dir, warc.Options{Prefix: "bench", MaxFileSize: 1 << 40})
	if err != nil {
		t.Fatal(err)
	}
	img := make([]byte, 48<<10)
	for i := range img {
		img[i] = byte(i * 7919 >> 3)
	}
	bodies := make([][]byte, len(pages))
	for i, p := range pages {
		bodies[i] = readPage(t, p.file)
	}
	day := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	n, written := 0, int64(0)
	for pass := 0; ; pass++ {
		for i, p := range pages {
			u := p.url
			if pass > 0 {
				sep := "?"
				if strings.Contains(u, "?") {
					sep = "&"
				}
				u += sep + "pass=" + strconv.Itoa(pass)
			}
			body := bodies[i]
			if pass > 0 {
				body = rotateText(body, pass%25+1)
			}
			ex := &warc.Exchange{URI: u, Date: day.Add(time.Duration(n) * time.Second), IP: "192.0.2.1",
				Request:      []byte("GET / HTTP/1.1\r\nHost: example\r\nUser-Agent: bench\r\n\r\n"),
				ResponseHead: []byte("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"), Body: body, Status: 200, MIME: "text/html"}
			loc, err := w.WriteExchange(ex)
			if err != nil {
				t.Fatal(err)
			}
			n++
			written = loc.Offset + loc.Length
			if i%3 == 2 && os.Getenv("SYNDEX_BENCH_NO_IMAGES") == "" {
				im := &warc.Exchange{URI: u + ".jpg", Date: ex.Date, Request: ex.Request,
					ResponseHead: []byte("HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\n\r\n"), Body: img, Status: 200, MIME: "image/jpeg"}
				if _, err := w.WriteExchange(im); err != nil {
					t.Fatal(err)
				}
			}
			if size > 0 && written >= size {
				break
			}
		}
		if size <= 0 || written >= size {
			break
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.warc.gz"))
	return files[0], n
}

// rotateText shifts the ASCII letters of an HTML page's text (outside
// tags) by k places, so a page repeated in a later pass is a distinct
// article for dedup (its markup, length and extraction work unchanged).
func rotateText(b []byte, k int) []byte {
	out := make([]byte, len(b))
	inTag := false
	for i, c := range b {
		switch {
		case c == '<':
			inTag = true
		case c == '>':
			inTag = false
		case !inTag && c >= 'a' && c <= 'z':
			c = 'a' + (c-'a'+byte(k))%26
		case !inTag && c >= 'A' && c <= 'Z':
			c = 'A' + (c-'A'+byte(k))%26
		}
		out[i] = c
	}
	return out
}

func benchCorpora(tb testing.TB) []string {
	v := os.Getenv("SYNDEX_BENCH_CORPORA")
	if v == "" {
		tb.Skip("set SYNDEX_BENCH_CORPORA to corpus directories (comma-separated)")
	}
	return strings.Split(v, ",")
}

func TestWriteBenchWARC(t *testing.T) {
	out := os.Getenv("SYNDEX_WRITE_WARC")
	if out == "" {
		t.Skip("set SYNDEX_WRITE_WARC (and SYNDEX_BENCH_CORPORA, SYNDEX_WARC_BYTES)")
	}
	size, _ := strconv.ParseInt(os.Getenv("SYNDEX_WARC_BYTES"), 10, 64)
	pages := corpusPages(t, benchCorpora(t))
	dir := t.TempDir()
	file, n := writeCorpusWARC(t, dir, pages, size)
	if err := os.Rename(file, out); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(out)
	t.Logf("%s: %d bytes, %d HTML responses from %d corpus pages", out, st.Size(), n, len(pages))
}

func BenchmarkImportWARC(b *testing.B) {
	file := os.Getenv("SYNDEX_BENCH_WARC")
	n := 0
	if file == "" {
		file, n = writeCorpusWARC(b, b.TempDir(), corpusPages(b, benchCorpora(b)), 0)
	}
	st, _ := os.Stat(file)
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		a, err := Open(context.Background(), b.TempDir(), Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		s, err := a.ImportWARC(context.Background(), []string{file}, WARCImport{})
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		a.Close()
		b.StartTimer()
		secs := s.Elapsed.Seconds()
		b.ReportMetric(float64(s.HTML)/secs, "html/s")
		b.ReportMetric(float64(s.Records)/secs, "records/s")
		b.ReportMetric(float64(st.Size())/secs/1e6, "MB/s")
		b.ReportMetric(s.ReadTime.Seconds()/secs, "read-share")
		b.ReportMetric(s.ExtractTime.Seconds()/secs, "extract-cpu/wall")
		b.ReportMetric(s.IngestTime.Seconds()/secs, "ingest-share")
		b.ReportMetric(float64(s.Articles), "articles")
		if n > 0 && s.HTML != int64(n) {
			b.Errorf("%d HTML captures imported of %d written", s.HTML, n)
		}
		fmt.Fprintf(os.Stderr, "%+v\n", s)
	}
}
