package farm

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The hostile outlet (Options.Hostile) serves pages that cost a careless
// crawler or extractor gigabytes and minutes: the shapes of issue reports
// from the field, not of news. Every page is generated while it is sent,
// so the farm itself stays small.
const (
	// HugeSize is the size of the hostile outlet's /huge page.
	HugeSize = 40 << 20
	// DivsSize is the size of its /divs page.
	DivsSize = 10 << 20
	// BombSize is what its gzip-encoded /bomb page decompresses to.
	BombSize = 1 << 30
	// LinksCount is how many links its /links page holds.
	LinksCount = 100000
	// DeepLevels is how deep its /deep page nests <div>s.
	DeepLevels = 500
	// DeepSize is the size of its /deep page.
	DeepSize = 10 << 20
)

// HostilePath is one page of the hostile outlet.
type HostilePath struct {
	Path string
	What string
}

// HostilePaths lists the hostile outlet's pages (its home page links to
// each).
var HostilePaths = []HostilePath{
	{"/huge", "a 40 MiB page declared an article (og:type, JSON-LD): a story, then endless paragraphs"},
	{"/bomb", "gzip bomb: 1.6 MB on the wire, 1 GiB of <div>s decoded"},
	{"/divs", "10 MiB of unclosed <div>word text here"},
	{"/links", "100,000 links to pages robots.txt forbids"},
	{"/deep", "10 MiB of 500-deep balanced <div>s"},
}

// hostileOutlet is the farm's hostile site.
type hostileOutlet struct {
	ip, host, base string
	ln             net.Listener
	srv            *http.Server
	bombOnce       sync.Once
	bombMember     []byte // one gzip member; the body repeats it
	bombErr        error
}

// startHostile serves the hostile outlet on ip.
func (f *Farm) startHostile(ctx context.Context, ip string, delay time.Duration) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		return fmt.Errorf("farm: listen for the hostile outlet on %s: %w", ip, err)
	}
	h := &hostileOutlet{ip: ip, ln: ln, host: ln.Addr().String()}
	h.base = "http://" + h.host
	h.srv = &http.Server{Handler: f.logged(h.host, delay, h), ReadHeaderTimeout: 10 * time.Second}
	f.hostile = h
	go func() {
		if err := h.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			slog.Error("farm hostile outlet stopped", "addr", h.host, "err", err)
		}
	}()
	return nil
}

// HostileBase is the hostile outlet's base URL ("http://ip:port"), ""
// unless Options.Hostile.
func (f *Farm) HostileBase() string {
	if f.hostile == nil {
		return ""
	}
	return f.hostile.base
}

// ServeHTTP serves the hostile pages, one method each.
func (h *hostileOutlet) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/robots.txt":
		io.WriteString(w, "User-agent: *\nDisallow: /l/\n")
	case "/":
		serveHostileIndex(w)
	case "/huge":
		serveHuge(w)
	case "/divs":
		serveDivs(w)
	case "/deep":
		serveDeep(w)
	case "/links":
		serveLinks(w)
	case "/bomb":
		h.serveBomb(w)
	default:
		http.NotFound(w, r)
	}
}

// setHTML marks the response as HTML.
func setHTML(w http.ResponseWriter) { w.Header().Set("Content-Type", "text/html; charset=utf-8") }

// serveHostileIndex serves the front page, a link to each hostile page.
func serveHostileIndex(w http.ResponseWriter) {
	setHTML(w)
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html><head><title>The Hostile Herald</title></head><body><h1>The Hostile Herald</h1><ul>`)
	for _, p := range HostilePaths {
		fmt.Fprintf(&b, `<li><a href="%s">%s</a></li>`, p.Path, p.What)
	}
	b.WriteString("</ul></body></html>")
	io.WriteString(w, b.String())
}

// serveHuge serves an article of HugeSize bytes: a real news page whose
// paragraph repeats.
func serveHuge(w http.ResponseWriter) {
	setHTML(w)
	w.Header().Set("Content-Length", strconv.Itoa(HugeSize))
	head := `<!DOCTYPE html><html><head><title>Council approves the bridge budget</title>` +
		`<meta property="og:type" content="article">` +
		`<script type="application/ld+json">{"@type":"NewsArticle","headline":"Council approves the bridge budget","datePublished":"2024-05-01T09:00:00Z"}</script>` +
		`</head><body><article><h1>Council approves the bridge budget</h1>`
	para := "<p>The council met on Tuesday to discuss the budget for the coming year, and members argued at length about the bridge repairs.</p>\n"
	streamFill(w, head, para, HugeSize)
}

// serveDivs serves DivsSize bytes of <div>s that are never closed.
func serveDivs(w http.ResponseWriter) {
	setHTML(w)
	w.Header().Set("Content-Length", strconv.Itoa(DivsSize))
	streamFill(w, "<html><body>", "<div>word text here ", DivsSize)
}

// serveDeep serves DeepSize bytes of paragraphs nested DeepLevels <div>s
// deep.
func serveDeep(w http.ResponseWriter) {
	setHTML(w)
	w.Header().Set("Content-Length", strconv.Itoa(DeepSize))
	block := strings.Repeat("<div>", DeepLevels) + "<p>Some text in a deep paragraph that says something.</p>" + strings.Repeat("</div>", DeepLevels)
	streamFill(w, "<html><body>", block, DeepSize)
}

// serveLinks serves a page of LinksCount links (under /l/, which
// robots.txt disallows), written as it is built.
func serveLinks(w http.ResponseWriter) {
	setHTML(w)
	bw := &bytes.Buffer{}
	bw.WriteString("<html><head><title>Links</title></head><body><p>Everything we ever linked to.</p>")
	for i := range LinksCount {
		fmt.Fprintf(bw, `<a href="/l/%d">link number %d</a> `, i, i)
		if bw.Len() > 64<<10 {
			if _, err := w.Write(bw.Bytes()); err != nil {
				return
			}
			bw.Reset()
		}
	}
	bw.WriteString("</body></html>")
	w.Write(bw.Bytes())
}

// serveBomb serves the gzip bomb: BombSize bytes of HTML once decoded,
// as repeats of one gzip member.
func (h *hostileOutlet) serveBomb(w http.ResponseWriter) {
	member, err := h.bomb()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	setHTML(w)
	w.Header().Set("Content-Encoding", "gzip")
	n := BombSize / bombChunk
	w.Header().Set("Content-Length", strconv.Itoa(n*len(member)))
	for range n {
		if _, err := w.Write(member); err != nil {
			return
		}
	}
}

// bombChunk is what one gzip member of the bomb decompresses to.
const bombChunk = 1 << 20

// bomb builds, once, the gzip member the bomb repeats: a gzip stream may
// hold several members, decoded one after the other.
func (h *hostileOutlet) bomb() ([]byte, error) {
	h.bombOnce.Do(func() {
		var buf bytes.Buffer
		zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if err != nil {
			h.bombErr = err
			return
		}
		chunk := bytes.Repeat([]byte("<div>"), bombChunk/5)
		if _, err := zw.Write(chunk); err != nil {
			h.bombErr = err
			return
		}
		h.bombErr = zw.Close()
		h.bombMember = buf.Bytes()
	})
	return h.bombMember, h.bombErr
}

// streamFill writes head, then unit repeatedly until exactly size bytes
// are written (the last unit cut short).
func streamFill(w io.Writer, head, unit string, size int) {
	buf := make([]byte, 0, 64<<10)
	buf = append(buf, head...)
	written := 0
	for written < size {
		for len(buf) < cap(buf)-len(unit) && written+len(buf) < size {
			buf = append(buf, unit...)
		}
		if written+len(buf) > size {
			buf = buf[:size-written]
		}
		n, err := w.Write(buf)
		written += n
		if err != nil {
			return
		}
		buf = buf[:0]
	}
}
