// Package fetch performs a crawl's requests: the HTTP transport with its
// timeouts and size limits, the proxy and the guard against non-public
// addresses, the exact bytes of each exchange written to the WARC (a
// revisit for a 304 or an unchanged payload), content decoding within the
// decoded-size limit, the replay of a response archived before an
// interruption, and the links, feeds, canonical URL and robots meta tags
// Colly's HTML callbacks read from a page.
//
// It knows nothing of politeness, robots.txt, the frontier's queue or
// articles: the crawler decides what to fetch and when, and what a
// response means (crawler's step.go and crawler.go).
package fetch

import (
	"crypto/x509"
	"net/http"
	"strings"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/syndex/syndex/crawler/discover"
	"github.com/syndex/syndex/crawler/frontier"
	"github.com/syndex/syndex/crawler/robots"
	"github.com/syndex/syndex/internal/robotsmeta"
	"github.com/syndex/syndex/warc"
)

// Options are the settings of a Client, taken from the crawl's
// configuration with its defaults applied (crawler.Config).
type Options struct {
	UserAgent      string
	Timeout        time.Duration     // whole request, headers and body
	ConnectTimeout time.Duration     // dial and TLS handshake
	HeaderTimeout  time.Duration     // until the response headers
	MaxBodySize    int64             // bytes of body kept; longer bodies are truncated and marked
	MaxDecodedSize int64             // bytes after gzip/deflate decoding
	AllowPrivate   bool              // permit loopback and private-range addresses
	Resolve        map[string]string // host name → IP used instead of DNS; the guard still applies
	RootCAs        *x509.CertPool    // CAs trusted for HTTPS (nil = the system pool)
	Proxy          string            // "" (the environment), ProxyDirect or a proxy URL (ParseProxy)
	WARCDir        string            // where the records a Fetch replays are
}

// Client performs fetches through Colly and the transport.
type Client struct {
	opt *Options
	tr  *transport
	col *colly.Collector
}

// NewClient returns a client that archives every exchange to w (none when
// w is nil).
func NewClient(opt Options, w *warc.Writer) (*Client, error) {
	tr, err := newTransport(&opt, w)
	if err != nil {
		return nil, err
	}
	return &Client{opt: &opt, tr: tr, col: newCollector(&opt, tr)}, nil
}

// SetCond sets how the transport finds the last capture of an entry's URL
// (by its key), which a 304 or an identical payload is archived as a
// revisit of.
func (c *Client) SetCond(condFor func(key string) *frontier.CondRec) { c.tr.condFor = condFor }

// CloseIdleConnections drops the idle connections.
func (c *Client) CloseIdleConnections() { c.tr.base.CloseIdleConnections() }

// collyKey is the key of a request's Fetch in its Colly context.
const collyKey = "fetch"

// Do performs f's GET (or replays it from f.Replay), filling f with the
// response; the error is the request's.
func (c *Client) Do(f *Fetch) error {
	hdr := http.Header{}
	hdr.Set("User-Agent", c.opt.UserAgent)
	hdr.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	hdr.Set("Accept-Encoding", "gzip, deflate")
	for k, v := range f.Header {
		hdr[k] = v
	}
	id := c.tr.register(f)
	defer c.tr.fetches.Delete(id)
	hdr.Set(IDHeader, id)
	cctx := colly.NewContext()
	cctx.Put(collyKey, f)
	return c.col.Request(http.MethodGet, f.URL, nil, cctx, hdr)
}

// newCollector configures Colly as the HTTP client and HTML parser only:
// its robots handling, revisit set, body limit and redirects are off
// because the crawler does them itself.
func newCollector(s *Options, t *transport) *colly.Collector {
	col := colly.NewCollector(
		colly.UserAgent(s.UserAgent),
		colly.AllowURLRevisit(),
		colly.IgnoreRobotsTxt(),
		colly.ParseHTTPErrorResponse(),
		colly.MaxBodySize(0),
	)
	col.WithTransport(t)
	col.SetRequestTimeout(s.Timeout + s.ConnectTimeout)
	col.SetRedirectHandler(func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse })
	col.OnHTML("a[href], area[href]", onAnchor)
	col.OnHTML("link[href]", onLink)
	col.OnHTML("meta[name][content]", onMeta(robots.ProductToken(s.UserAgent)))
	return col
}

// fetchOf is the fetch a Colly callback's request belongs to (nil: none).
func fetchOf(ctx *colly.Context) *Fetch {
	f, _ := ctx.GetAny(collyKey).(*Fetch)
	return f
}

// onAnchor keeps a link of the page unless it says nofollow.
func onAnchor(e *colly.HTMLElement) {
	f := fetchOf(e.Request.Ctx)
	if f == nil || hasToken(e.Attr("rel"), "nofollow") {
		return
	}
	if u := e.Request.AbsoluteURL(e.Attr("href")); u != "" {
		f.Links = append(f.Links, u)
	}
}

// onLink keeps the page's canonical URL and the feeds it offers.
func onLink(e *colly.HTMLElement) {
	f := fetchOf(e.Request.Ctx)
	if f == nil {
		return
	}
	rel := e.Attr("rel")
	switch {
	case hasToken(rel, "canonical"):
		f.Canonical = e.Request.AbsoluteURL(e.Attr("href"))
	case hasToken(rel, "alternate") && discover.IsFeedType(e.Attr("type")):
		if u := e.Request.AbsoluteURL(e.Attr("href")); u != "" {
			f.Feeds = append(f.Feeds, u)
		}
	}
}

// onMeta reads the page's nofollow and noindex from its robots meta tags,
// for all robots or for product (the crawler's robots.txt token).
func onMeta(product string) colly.HTMLCallback {
	return func(e *colly.HTMLElement) {
		f := fetchOf(e.Request.Ctx)
		if f == nil {
			return
		}
		name := strings.ToLower(e.Attr("name"))
		if name == "robots" || name == product {
			c := e.Attr("content")
			f.NoFollow = f.NoFollow || robotsmeta.NoFollow(c)
			f.NoIndex = f.NoIndex || robotsmeta.NoIndex(c)
		}
	}
}

// RobotsTags are the page's nofollow and noindex, from its meta robots
// and its X-Robots-Tag headers.
func (f *Fetch) RobotsTags() (nofollow, noindex bool) {
	nofollow, noindex = f.NoFollow, f.NoIndex
	for _, v := range f.RespHead.Values("X-Robots-Tag") {
		nofollow = nofollow || robotsmeta.NoFollow(v)
		noindex = noindex || robotsmeta.NoIndex(v)
	}
	return nofollow, noindex
}

func hasToken(list, tok string) bool {
	for _, t := range strings.FieldsFunc(strings.ToLower(list), func(r rune) bool { return r == ' ' || r == ',' || r == '\t' }) {
		if t == tok {
			return true
		}
	}
	return false
}
