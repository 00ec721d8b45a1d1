package fetch

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/syndex/syndex/crawler/discover"
	"github.com/syndex/syndex/crawler/frontier"
	"github.com/syndex/syndex/crawler/internal/coding"
	"github.com/syndex/syndex/crawler/internal/netaddr"
	"github.com/syndex/syndex/crawler/internal/rawconn"
	"github.com/syndex/syndex/warc"
)

// ErrForbiddenAddress is returned for a host that resolves to a loopback,
// private, link-local or otherwise non-public address while
// Options.AllowPrivate is off.
var ErrForbiddenAddress = errors.New("address not public")

// ErrDecodedTooLarge marks a body whose gzip/deflate decoding exceeded
// Options.MaxDecodedSize (a decompression bomb).
var ErrDecodedTooLarge = coding.ErrTooLarge

// dialControl refuses non-public addresses after DNS resolution.
func dialControl(allowPrivate bool) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		if allowPrivate {
			return nil
		}
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("dial %s: %w", address, err)
		}
		if kind := netaddr.Kind(ap.Addr()); kind != "" {
			return fmt.Errorf("dial %s: %w (%s; use --allow-private to permit it)", address, ErrForbiddenAddress, kind)
		}
		return nil
	}
}

// resolvingDialer dials the address a Resolve entry gives for a host name,
// and the host itself otherwise.
func resolvingDialer(d *net.Dialer, resolve map[string]string) func(ctx context.Context, network, addr string) (net.Conn, error) {
	if len(resolve) == 0 {
		return d.DialContext
	}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		if host, port, err := net.SplitHostPort(addr); err == nil {
			if ip, ok := resolve[strings.ToLower(host)]; ok {
				addr = net.JoinHostPort(ip, port)
			}
		}
		return d.DialContext(ctx, network, addr)
	}
}

// tlsDialer dials TCP with dial (resolving, SSRF-guarded) and runs a TLS
// client handshake over it, offering HTTP/1.1 only, within timeout. The
// server name is the host of addr before any Resolve substitution, so
// certificates are checked against the URL's host. roots nil means the
// system pool.
func tlsDialer(dial func(ctx context.Context, network, addr string) (net.Conn, error), roots *x509.CertPool, timeout time.Duration) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, fmt.Errorf("dial tls %s: %w", addr, err)
		}
		raw, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		tc := tls.Client(raw, &tls.Config{ServerName: host, RootCAs: roots, NextProtos: []string{"http/1.1"}})
		hctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		if err := tc.HandshakeContext(hctx); err != nil {
			raw.Close()
			return nil, fmt.Errorf("tls handshake with %s: %w", addr, err)
		}
		return tc, nil
	}
}

// Fetch is one request's state, shared between the crawler that asks for
// it, the transport that answers it and Colly's HTML callbacks.
type Fetch struct {
	Ctx    context.Context
	Entry  *frontier.Entry // the queue entry fetched; nil for robots.txt
	URL    string
	Header http.Header // request headers beside the client's own (conditional GET)

	// Filled by the transport.
	Status    int
	RespHead  http.Header
	Raw       []byte // body as received
	Body      []byte // content coding removed
	Truncated string // "length", "time", "disconnect"
	Err       error  // transport-level failure after headers
	WARC      string // the location of the archived response
	IP        string
	Started   time.Time
	Elapsed   time.Duration
	Digest    string
	Revisit   bool   // archived as a revisit (304 or identical payload)
	Replay    string // answer from this WARC record instead of the network
	Skipped   bool   // body not downloaded: not a page type
	conn      *rawconn.Conn
	rawReq    []byte // request head as sent, when recorded
	rawResp   []byte // response head as received, when recorded

	// Filled by Colly's HTML callbacks.
	Links     []string
	Feeds     []string
	Canonical string
	NoFollow  bool
	NoIndex   bool
}

// IDHeader carries a request's id from Client.Do to the transport; it is
// removed before the request is sent.
const IDHeader = "X-Syndex-Fetch"

// transport performs every request of a crawl: it applies the timeouts and
// size limits, writes the exchange to the WARC, removes content coding
// within the decoded-size limit, and gives Colly the decoded body.
type transport struct {
	base    *http.Transport
	proxies *proxies
	s       *Options
	w       *warc.Writer
	fetches sync.Map // id → *Fetch
	nextID  atomic.Uint64
	condFor func(key string) *frontier.CondRec
}

func newTransport(s *Options, w *warc.Writer) (*transport, error) {
	d := &net.Dialer{Timeout: s.ConnectTimeout, KeepAlive: 30 * time.Second, Control: dialControl(s.AllowPrivate)}
	dial := resolvingDialer(d, s.Resolve)
	plain := &net.Dialer{Timeout: s.ConnectTimeout, KeepAlive: 30 * time.Second}
	px, err := newProxies(s.Proxy)
	if err != nil {
		return nil, err
	}
	px.pinned = s.Resolve
	return &transport{s: s, w: w, proxies: px, base: &http.Transport{
		// Through a proxy (Options.Proxy or the environment) the proxy is
		// dialed directly and HTTPS is tunnelled with CONNECT, its TLS
		// done by the Transport with TLSClientConfig; the WARC heads are
		// then rebuilt from the parsed messages.
		Proxy:           px.forRequest,
		TLSClientConfig: &tls.Config{RootCAs: s.RootCAs, NextProtos: []string{"http/1.1"}},
		DialContext:     proxyDialer(px, plain, rawconn.Dialer(dial)),
		// HTTPS goes through our own handshake so that the recording conn
		// wraps the TLS connection and sees the decrypted exchange: the
		// WARC then holds the raw heads for HTTPS as for plain HTTP.
		DialTLSContext:         rawconn.Dialer(tlsDialer(dial, s.RootCAs, s.ConnectTimeout)),
		ForceAttemptHTTP2:      false,
		DisableCompression:     true,
		MaxIdleConnsPerHost:    2,
		MaxIdleConns:           512,
		IdleConnTimeout:        60 * time.Second,
		TLSHandshakeTimeout:    s.ConnectTimeout,
		ResponseHeaderTimeout:  s.HeaderTimeout,
		MaxResponseHeaderBytes: 256 << 10,
	}}, nil
}

func (t *transport) register(f *Fetch) string {
	id := strconv.FormatUint(t.nextID.Add(1), 10)
	t.fetches.Store(id, f)
	return id
}

// RoundTrip implements http.RoundTripper: it sends the crawler's request
// (or replays it from the WARC), reads the body within MaxBodySize,
// archives the exchange and hands Colly the decoded body.
func (t *transport) RoundTrip(in *http.Request) (*http.Response, error) {
	id := in.Header.Get(IDHeader)
	v, ok := t.fetches.Load(id)
	if !ok {
		return nil, fmt.Errorf("request %s: not issued by the crawler", in.URL)
	}
	f := v.(*Fetch)
	if f.Replay != "" {
		return t.replay(in, f)
	}
	ctx, cancel := context.WithTimeout(f.Ctx, t.s.Timeout)
	defer cancel()
	req, resp, err := t.send(ctx, in, f)
	if err != nil {
		return nil, err
	}
	if notPage(f, resp) {
		return skipBody(in, resp, f), nil
	}
	t.readBody(ctx, in, resp, f)
	if err := t.archive(req, resp, f); err != nil {
		return nil, err
	}
	body := t.decodeBody(in, resp, f)
	f.Body = body
	h := resp.Header.Clone()
	h.Del("Content-Encoding")
	h.Del("Content-Length")
	return &http.Response{
		Status: resp.Status, StatusCode: resp.StatusCode, Proto: resp.Proto,
		ProtoMajor: resp.ProtoMajor, ProtoMinor: resp.ProtoMinor, Header: h,
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)),
		Uncompressed: true, Request: in,
	}, nil
}

// send sends in for f within ctx, noting the address it reached and
// recording the exchange's exact bytes; it returns the request as sent.
func (t *transport) send(ctx context.Context, in *http.Request, f *Fetch) (*http.Request, *http.Response, error) {
	req := in.Clone(ctx)
	req.Header.Del(IDHeader)
	req = req.WithContext(httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(ci httptrace.GotConnInfo) {
			if ra, ok := ci.Conn.RemoteAddr().(*net.TCPAddr); ok {
				f.IP = ra.IP.String()
			}
			if rc, ok := ci.Conn.(*rawconn.Conn); ok {
				rc.Start()
				f.conn = rc
			}
		},
	}))
	if err := t.checkProxiedTarget(ctx, req.URL); err != nil {
		return nil, nil, fmt.Errorf("fetch %s: %w", in.URL, err)
	}
	f.Started = time.Now()
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		f.Elapsed = time.Since(f.Started)
		return nil, nil, fmt.Errorf("fetch %s: %w", in.URL, err)
	}
	return req, resp, nil
}

// skipBody answers a link to a PDF, image or archive without its body:
// the pipeline reads HTML only, so the body is not downloaded (nor
// archived).
func skipBody(in *http.Request, resp *http.Response, f *Fetch) *http.Response {
	resp.Body.Close()
	f.Elapsed = time.Since(f.Started)
	f.Status, f.RespHead, f.Skipped = resp.StatusCode, resp.Header, true
	return &http.Response{Status: resp.Status, StatusCode: resp.StatusCode, Proto: resp.Proto,
		ProtoMajor: resp.ProtoMajor, ProtoMinor: resp.ProtoMinor, Header: resp.Header.Clone(),
		Body: http.NoBody, Uncompressed: true, Request: in}
}

// readBody reads resp's body into f within MaxBodySize, with the
// exchange's exact bytes, and says whether it was cut short: at the
// size limit ("length"), by the time limit ("time") or by the server
// ("disconnect").
func (t *transport) readBody(ctx context.Context, in *http.Request, resp *http.Response, f *Fetch) {
	raw, trunc, rerr := readCapped(resp.Body, t.s.MaxBodySize)
	resp.Body.Close()
	if f.conn != nil {
		f.rawReq, f.rawResp = f.conn.Stop(resp.StatusCode)
	}
	f.Elapsed = time.Since(f.Started)
	if rerr != nil {
		if ctx.Err() != nil {
			trunc = "time"
		} else {
			trunc = "disconnect"
		}
		f.Err = fmt.Errorf("read body of %s after %d bytes: %w", in.URL, len(raw), rerr)
	}
	f.Status, f.RespHead, f.Raw, f.Truncated = resp.StatusCode, resp.Header, raw, trunc
	f.Digest = warc.PayloadDigest(raw)
}

// ResponseEnd is when the exchange of f with its host ended, from which
// the host's politeness gap counts. For a response read whole that is
// when its last byte arrived (the server was done before), not the end
// of archiving and parsing it. Otherwise it is now: the server may still
// be sending a body cut short (--max-body, a PDF not downloaded) or
// working on a request that timed out.
func (f *Fetch) ResponseEnd(err error) time.Time {
	if f.Started.IsZero() || err != nil || f.Err != nil || f.Status == 0 || f.Truncated != "" || f.Skipped {
		return time.Now()
	}
	return f.Started.Add(f.Elapsed)
}

// readCapped reads up to limit bytes and reports "length" truncation when
// the body was longer; the rest is not read (the connection is dropped).
func readCapped(r io.Reader, limit int64) ([]byte, string, error) {
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(r, limit+1))
	b := buf.Bytes()
	if n > limit {
		return b[:limit], "length", nil
	}
	return b, "", err
}

// archive writes the exchange to the WARC: a revisit for 304 and for a
// payload identical to the last capture of the URL, otherwise request and
// response.
func (t *transport) archive(req *http.Request, resp *http.Response, f *Fetch) error {
	if t.w == nil {
		return nil
	}
	reqHead, respHead := wireHeads(req, resp, f)
	mt, _, _ := strings.Cut(resp.Header.Get("Content-Type"), ";")
	ex := &warc.Exchange{URI: req.URL.String(), Date: f.Started, IP: f.IP, Request: reqHead,
		ResponseHead: respHead, Body: f.Raw, Truncated: f.Truncated, Status: resp.StatusCode,
		MIME: strings.TrimSpace(strings.ToLower(mt))}
	loc, err := t.writeRecord(ex, resp, f)
	if err != nil {
		return fmt.Errorf("archive %s: %w", req.URL, err)
	}
	f.WARC = loc.String()
	return nil
}

// wireHeads returns the heads as they went over the wire (decrypted, for
// HTTPS) when the connection recorded them, else rebuilt from the parsed
// messages (interim 1xx responses).
func wireHeads(req *http.Request, resp *http.Response, f *Fetch) ([]byte, []byte) {
	if f.rawReq != nil && f.rawResp != nil {
		return f.rawReq, f.rawResp
	}
	var rq bytes.Buffer
	fmt.Fprintf(&rq, "%s %s HTTP/1.1\r\nHost: %s\r\n", req.Method, req.URL.RequestURI(), req.Host)
	req.Header.Write(&rq)
	rq.WriteString("\r\n")
	var rs bytes.Buffer
	fmt.Fprintf(&rs, "HTTP/%d.%d %s\r\n", resp.ProtoMajor, resp.ProtoMinor, resp.Status)
	resp.Header.Write(&rs)
	rs.WriteString("\r\n")
	return rq.Bytes(), rs.Bytes()
}

// writeRecord writes exchange ex: a revisit record when the server said
// not modified or the payload is the one recorded before for the entry
// (f.Revisit), else a response.
func (t *transport) writeRecord(ex *warc.Exchange, resp *http.Response, f *Fetch) (warc.Location, error) {
	var loc warc.Location
	var err error
	var prev *frontier.CondRec
	if t.condFor != nil && f.Entry != nil {
		prev = t.condFor(f.Entry.Key)
	}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		rv := warc.Revisit{Profile: warc.ProfileServerNotModified}
		if prev != nil {
			rv.RefersToURI, rv.RefersToDate, rv.PayloadDigest = prev.URL, prev.Date, prev.Digest
		}
		loc, err = t.w.WriteRevisit(ex, rv)
		f.Revisit = true
	case prev != nil && resp.StatusCode == http.StatusOK && f.Truncated == "" && prev.Digest == f.Digest:
		loc, err = t.w.WriteRevisit(ex, warc.Revisit{Profile: warc.ProfileIdenticalPayload,
			RefersToURI: prev.URL, RefersToDate: prev.Date, PayloadDigest: prev.Digest})
		f.Revisit = true
	default:
		loc, err = t.w.WriteExchange(ex)
	}
	return loc, err
}

// notPage reports whether resp, a 2xx answer to a page entry, is not of
// a page type (its body is not read).
func notPage(f *Fetch, resp *http.Response) bool {
	return f.Entry != nil && f.Entry.Kind == frontier.KindPage && resp.StatusCode/100 == 2 && !pageType(resp.Header.Get("Content-Type"))
}

// decodeBody returns f.Raw decoded (Content-Encoding); a body that cannot
// be decoded is none, its error kept in f.Err unless one is there.
func (t *transport) decodeBody(in *http.Request, resp *http.Response, f *Fetch) []byte {
	body, err := coding.Decode(resp.Header.Get("Content-Encoding"), f.Raw, t.s.MaxDecodedSize)
	if err != nil {
		if f.Err == nil {
			f.Err = fmt.Errorf("decode body of %s: %w", in.URL, err)
		}
		return nil
	}
	return body
}

// pageType reports whether a response with this Content-Type, met where a
// page was expected, is worth downloading: HTML, XHTML, other text, a feed
// or other XML or JSON (the response decides its kind, see discover.ResponseKind),
// or unlabelled (sniffed later). PDFs, images and archives are not.
func pageType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || mt == "" {
		return true
	}
	return strings.HasPrefix(mt, "text/") || mt == "application/xhtml+xml" || mt == "application/xml" ||
		mt == "application/octet-stream" || mt == "application/json" || discover.IsFeedType(mt)
}
