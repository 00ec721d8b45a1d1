package archive

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

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

// writeCorpusWARC writes the pages as a crawler would, with the records a
// real crawl holds around its pages, until the file reaches size bytes (one
// pass when size is 0); repeated passes give each page another URL and
// other text (varyText). Every page is a request and a response record; a
// third of the pages are sent gzip-encoded and a fifth chunked (as
// Heritrix and Browsertrix keep them) and some name their charset. Around
// them: a stylesheet or script after every page, an image after every
// third, a JSON response after every fifth, a redirect after every eighth,
// a 404 page after every fifteenth and a revisit of an image after every
// tenth. SYNDEX_BENCH_NO_IMAGES leaves out everything but the pages. It
// returns the file and the number of HTML responses with status 200.
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
	var css, js strings.Builder
	for i := 0; css.Len() < 24<<10; i++ {
		fmt.Fprintf(&css, ".c%d .item-%d > a:hover{color:#%06x;margin:%dpx %dpx;font:%dpx/1.4 Georgia,serif}\n", i, i*7, i*9973%0xffffff, i%17, i%23, 12+i%9)
	}
	for i := 0; js.Len() < 40<<10; i++ {
		fmt.Fprintf(&js, "function f%d(e,t){var n=e[%d]||{};if(n.k%d){t.push(n.k%d*%d)}return t.length>%d?t.slice(%d):t}\n", i, i%31, i, i, i%97, i%13, i%5)
	}
	bodies := make([][]byte, len(pages))
	for i, p := range pages {
		bodies[i] = readPage(t, p.file)
	}
	extras := os.Getenv("SYNDEX_BENCH_NO_IMAGES") == ""
	req := func(u string) []byte {
		return []byte("GET " + u + " HTTP/1.1\r\nHost: example\r\nUser-Agent: Mozilla/5.0 (bench)\r\nAccept-Encoding: gzip, br\r\n\r\n")
	}
	write := func(ex *warc.Exchange) warc.Location {
		loc, err := w.WriteExchange(ex)
		if err != nil {
			t.Fatal(err)
		}
		return loc
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
				body = varyText(body, uint64(pass), uint64(i))
			}
			head := "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
			if n%4 == 1 {
				head = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
			}
			if n%3 == 0 {
				var zb strings.Builder
				zw := gzip.NewWriter(&zb)
				zw.Write(body)
				zw.Close()
				body = []byte(zb.String())
				head += "Content-Encoding: gzip\r\n"
			}
			if n%5 == 0 {
				body = chunk(body)
				head += "Transfer-Encoding: chunked\r\n"
			}
			date := day.Add(time.Duration(n) * time.Second)
			loc := write(&warc.Exchange{URI: u, Date: date, IP: "192.0.2.1", Request: req(u),
				ResponseHead: []byte(head + "\r\n"), Body: body, Status: 200, MIME: "text/html"})
			n++
			written = loc.Offset + loc.Length
			if extras {
				res, mime, rb := u+".css", "text/css", css.String()
				if i%2 == 1 {
					res, mime, rb = u+".js", "application/javascript", js.String()
				}
				write(&warc.Exchange{URI: res, Date: date, Request: req(res),
					ResponseHead: []byte("HTTP/1.1 200 OK\r\nContent-Type: " + mime + "\r\n\r\n"), Body: []byte(rb), Status: 200, MIME: mime})
				if i%3 == 2 {
					im := u + ".jpg"
					write(&warc.Exchange{URI: im, Date: date, Request: req(im),
						ResponseHead: []byte("HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\n\r\n"), Body: img, Status: 200, MIME: "image/jpeg"})
				}
				if i%5 == 4 {
					api := u + "/comments.json"
					write(&warc.Exchange{URI: api, Date: date, Request: req(api),
						ResponseHead: []byte("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n"),
						Body:         []byte(fmt.Sprintf(`{"count":%d,"items":[]}`, i)), Status: 200, MIME: "application/json"})
				}
				if i%8 == 7 {
					old := u + "-old"
					write(&warc.Exchange{URI: old, Date: date, Request: req(old),
						ResponseHead: []byte("HTTP/1.1 301 Moved Permanently\r\nLocation: " + u + "\r\nContent-Type: text/html\r\n\r\n"),
						Body:         []byte("<html><body><a href=\"" + u + "\">Moved</a></body></html>"), Status: 301, MIME: "text/html"})
				}
				if i%15 == 14 {
					gone := u + "-gone"
					write(&warc.Exchange{URI: gone, Date: date, Request: req(gone),
						ResponseHead: []byte("HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n"),
						Body:         []byte("<html><head><title>Not found</title></head><body><h1>Page not found</h1><p>The page you asked for is not here.</p></body></html>"), Status: 404, MIME: "text/html"})
				}
				if i%10 == 9 && i >= 3 {
					im := u + ".jpg"
					if _, err := w.WriteRevisit(&warc.Exchange{URI: im, Date: date.Add(time.Hour), Request: req(im),
						ResponseHead: []byte("HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\n\r\n"), Status: 200, MIME: "image/jpeg"},
						warc.Revisit{Profile: warc.ProfileIdenticalPayload, RefersToURI: u + ".jpg", RefersToDate: date, PayloadDigest: warc.PayloadDigest(img)}); err != nil {
						t.Fatal(err)
					}
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

// chunk applies the chunked transfer coding to b.
func chunk(b []byte) []byte {
	var out []byte
	for len(b) > 0 {
		k := min(len(b), 8192)
		out = append(out, strconv.FormatInt(int64(k), 16)+"\r\n"...)
		out = append(out, b[:k]...)
		out = append(out, "\r\n"...)
		b = b[k:]
	}
	return append(out, "0\r\n\r\n"...)
}

// varyText makes a page repeated in a later pass a distinct article for
// dedup while it stays a page of its language with its markup, scripts,
// metadata and length: the words of its paragraphs (of all its text when
// its paragraphs hold fewer than 150 words) are swapped among themselves
// by a permutation drawn from pass and page, and its canonical address
// (link rel=canonical, og:url), from which an article's ID is made, gets
// the pass as the page's own URL does. Other tags, comments, scripts,
// styles and character references are kept as they are.
func varyText(b []byte, pass, page uint64) []byte {
	type span struct {
		from, to int
		with     string // for a canonical address
	}
	var para, all, urls []span
	inP := false
	for i := 0; i < len(b); {
		switch {
		case bytes.HasPrefix(b[i:], []byte("<!--")):
			e := bytes.Index(b[i:], []byte("-->"))
			if e < 0 {
				i = len(b)
			} else {
				i += e + 3
			}
		case b[i] == '<':
			e := bytes.IndexByte(b[i:], '>')
			if e < 0 {
				i = len(b)
				break
			}
			tag := b[i+1 : i+e]
			name := strings.ToLower(string(tagName(tag)))
			if v := canonicalValue(name, tag); v != nil {
				from := i + 1 + v[0]
				u := string(b[from : i+1+v[1]])
				if k := strings.IndexByte(u, '#'); k >= 0 {
					u = u[:k]
				}
				sep := "?"
				if strings.Contains(u, "?") {
					sep = "&amp;"
				}
				urls = append(urls, span{from, i + 1 + v[1], u + sep + "pass=" + strconv.FormatUint(pass, 10)})
			}
			i += e + 1
			switch name {
			case "script", "style":
				c := bytes.Index(bytes.ToLower(b[i:]), []byte("</"+name))
				if c < 0 {
					i = len(b)
				} else {
					i += c
				}
			case "p":
				inP = true
			case "/p", "/div", "/td", "/li", "/article", "/section", "/blockquote", "div", "h1", "h2", "h3", "h4", "h5", "h6",
				"ul", "ol", "table", "section", "article", "footer", "nav", "header", "aside":
				inP = false
			}
		case b[i] == '&':
			e := bytes.IndexByte(b[i:min(len(b), i+12)], ';')
			if e < 0 {
				e = 0
			}
			i += e + 1
		default:
			r, size := utf8.DecodeRune(b[i:])
			if !unicode.IsLetter(r) {
				i += size
				break
			}
			j := i + size
			for j < len(b) {
				r, size := utf8.DecodeRune(b[j:])
				if !unicode.IsLetter(r) {
					break
				}
				j += size
			}
			all = append(all, span{from: i, to: j})
			if inP {
				para = append(para, span{from: i, to: j})
			}
			i = j
		}
	}
	spans := para
	if len(para) < 150 {
		spans = all
	}
	index := map[string]int{}
	var words []string
	for _, s := range spans {
		w := string(b[s.from:s.to])
		if _, ok := index[w]; !ok {
			index[w] = len(words)
			words = append(words, w)
		}
	}
	perm := rand.New(rand.NewPCG(pass, page)).Perm(len(words))
	for k, s := range spans {
		spans[k].with = words[perm[index[string(b[s.from:s.to])]]]
	}
	spans = append(spans, urls...)
	slices.SortFunc(spans, func(x, y span) int { return x.from - y.from })
	out := make([]byte, 0, len(b)+len(b)/8)
	last := 0
	for _, s := range spans {
		out = append(out, b[last:s.from]...)
		out = append(out, s.with...)
		last = s.to
	}
	return append(out, b[last:]...)
}

var (
	relCanonical = regexp.MustCompile(`(?i)\brel\s*=\s*["']?canonical\b`)
	ogURL        = regexp.MustCompile(`(?i)\bproperty\s*=\s*["']?og:url\b`)
	hrefValue    = regexp.MustCompile(`(?i)\bhref\s*=\s*"([^"]*)"|\bhref\s*=\s*'([^']*)'`)
	contentValue = regexp.MustCompile(`(?i)\bcontent\s*=\s*"([^"]*)"|\bcontent\s*=\s*'([^']*)'`)
)

// canonicalValue returns where, in the inside of a tag, the value of its
// canonical address is: the href of a link rel=canonical, the content of
// an og:url meta tag; nil for other tags.
func canonicalValue(name string, tag []byte) []int {
	var re *regexp.Regexp
	switch {
	case name == "link" && relCanonical.Match(tag):
		re = hrefValue
	case name == "meta" && ogURL.Match(tag):
		re = contentValue
	default:
		return nil
	}
	m := re.FindSubmatchIndex(tag)
	switch {
	case m == nil:
		return nil
	case m[2] >= 0:
		return m[2:4]
	case m[4] >= 0:
		return m[4:6]
	}
	return nil
}

// tagName returns the name of the tag whose inside (between < and >) is
// t, with a leading slash for an end tag.
func tagName(t []byte) []byte {
	e := 0
	for e < len(t) && t[e] != ' ' && t[e] != '\t' && t[e] != '\n' && t[e] != '\r' && t[e] != '>' && (t[e] != '/' || e == 0) {
		e++
	}
	return t[:e]
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
		var ru0, ru1 syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
		b.StartTimer()
		s, err := a.ImportWARC(context.Background(), []string{file}, WARCImport{})
		b.StopTimer()
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
		if err != nil {
			b.Fatal(err)
		}
		a.Close()
		b.StartTimer()
		secs := s.Elapsed.Seconds()
		cpu := time.Duration(ru1.Utime.Nano() + ru1.Stime.Nano() - ru0.Utime.Nano() - ru0.Stime.Nano()).Seconds()
		b.ReportMetric(float64(s.HTML)/cpu, "html/cpu-s") // what a busy machine does not inflate
		b.ReportMetric(float64(s.HTML)/secs, "html/s")
		b.ReportMetric(float64(s.Records)/secs, "records/s")
		b.ReportMetric(float64(st.Size())/secs/1e6, "MB/s")
		b.ReportMetric(s.ReadTime.Seconds()/secs, "read-share")
		b.ReportMetric(s.ExtractTime.Seconds()/secs, "extract-cpu/wall")
		b.ReportMetric(s.IngestTime.Seconds()/secs, "ingest-share")
		b.ReportMetric(s.IndexTime.Seconds()/secs, "index-share")
		b.ReportMetric(s.WorkersIdle.Seconds()/secs, "workers-idle/wall")
		if s.IndexTime > 0 {
			// The share of the index build's processor time left idle.
			b.ReportMetric(s.IndexIdle.Seconds()/(s.IndexTime.Seconds()*float64(runtime.GOMAXPROCS(0))), "index-idle-share")
		}
		b.ReportMetric(float64(s.Articles), "articles")
		if n > 0 && s.HTML != int64(n) {
			b.Errorf("%d HTML captures imported of %d written", s.HTML, n)
		}
		fmt.Fprintf(os.Stderr, "%+v\n", s)
	}
}

func TestVaryText(t *testing.T) {
	page := []byte(`<html><head><title>Council votes</title><script>var a = "keep this script";</script>
<link rel="canonical" href="https://city.example/news/vote#top"><meta property="og:url" content='https://city.example/news/vote?id=3'>
<style>p { color: red }</style></head><body><!-- a comment stays --><nav>Home News Sport</nav>
<p>The city council voted on Tuesday to approve the budget &amp; the new school plan.</p>
<p>Members said the vote was close, and the mayor welcomed the result.</p></body></html>`)
	tags := regexp.MustCompile(`<[^>]*>|&[a-z]+;|<!--.*?-->`)
	words := func(b []byte) []string {
		w := strings.FieldsFunc(string(tags.ReplaceAll(b, []byte(" "))), func(r rune) bool { return !unicode.IsLetter(r) })
		sort.Strings(w)
		return slices.Compact(w) // the page's vocabulary
	}
	a, b := varyText(page, 1, 7), varyText(page, 2, 7)
	for _, v := range [][]byte{a, b} {
		if bytes.Equal(v, page) {
			t.Fatal("page unchanged")
		}
		markup := func(b []byte) []string {
			return slices.DeleteFunc(tags.FindAllString(string(b), -1), func(t string) bool {
				return strings.Contains(t, "canonical") || strings.Contains(t, "og:url")
			})
		}
		if !slices.Equal(markup(v), markup(page)) {
			t.Errorf("markup, comments or references changed:\n%s", v)
		}
		if !slices.Equal(words(v), words(page)) {
			t.Errorf("words are not the page's own:\n%s", v)
		}
		if !bytes.Contains(v, []byte(`var a = "keep this script";`)) || !bytes.Contains(v, []byte("p { color: red }")) {
			t.Errorf("script or style changed:\n%s", v)
		}
	}
	if bytes.Equal(a, b) {
		t.Error("two passes gave the same page")
	}
	if !bytes.Contains(a, []byte(`<link rel="canonical" href="https://city.example/news/vote?pass=1">`)) ||
		!bytes.Contains(a, []byte(`<meta property="og:url" content='https://city.example/news/vote?id=3&amp;pass=1'>`)) {
		t.Errorf("canonical address does not carry the pass:\n%s", a)
	}
	if !bytes.Equal(varyText(page, 1, 7), a) {
		t.Error("not deterministic")
	}
}
