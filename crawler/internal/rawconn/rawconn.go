// Package rawconn records the bytes of one HTTP/1.1 exchange on a
// connection (for HTTPS, the decrypted side of TLS), so that the crawler's
// WARC records keep the request and response heads exactly as they went
// over the wire: header case, order and duplicates.
package rawconn

import (
	"bytes"
	"context"
	"net"
	"strconv"
	"sync"
)

// maxRawHead bounds what a recording connection keeps per exchange: enough
// for the request and response heads (the transport refuses response heads
// over 256 KiB anyway).
const maxRawHead = 300 << 10

// Conn records the bytes written and read on a connection during one
// exchange (for HTTPS, the decrypted side of the TLS connection), so the
// WARC keeps the request and response heads exactly as they went over the
// wire (header case, order, duplicates).
// HTTP/1.1 carries one exchange at a time on a connection, so everything
// between the start of recording and the end of the body is that exchange.
type Conn struct {
	net.Conn
	mu         sync.Mutex
	recording  bool
	rbuf, wbuf bytes.Buffer
}

// Read reads from the connection, keeping what it read while recording.
func (c *Conn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.mu.Lock()
		if c.recording && c.rbuf.Len() < maxRawHead {
			c.rbuf.Write(p[:min(n, maxRawHead-c.rbuf.Len())])
		}
		c.mu.Unlock()
	}
	return n, err
}

// Write writes to the connection, keeping what it wrote while recording.
func (c *Conn) Write(p []byte) (int, error) {
	c.mu.Lock()
	if c.recording && c.wbuf.Len() < maxRawHead {
		c.wbuf.Write(p[:min(len(p), maxRawHead-c.wbuf.Len())])
	}
	c.mu.Unlock()
	return c.Conn.Write(p)
}

// Start begins recording a new exchange.
func (c *Conn) Start() {
	c.mu.Lock()
	c.recording = true
	c.rbuf.Reset()
	c.wbuf.Reset()
	c.mu.Unlock()
}

// Stop ends recording and returns the request and response heads, or nil
// when they cannot be told apart from what was recorded.
func (c *Conn) Stop(status int) (reqHead, respHead []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.recording = false
	reqHead = headOf(c.wbuf.Bytes())
	rest := c.rbuf.Bytes()
	respHead = headOf(rest)
	// Interim 1xx responses (103 Early Hints, 100 Continue) precede the
	// final one: the record keeps the final response, which is what WARC
	// readers parse.
	for status/100 != 1 && len(respHead) >= 12 && bytes.HasPrefix(respHead, []byte("HTTP/1.")) && respHead[9] == '1' {
		rest = rest[len(respHead):]
		respHead = headOf(rest)
	}
	// Anything unexpected: give up on raw heads.
	if respHead == nil || !bytes.HasPrefix(respHead, []byte("HTTP/1.")) || len(respHead) < 12 ||
		string(respHead[9:12]) != strconv.Itoa(status) {
		return nil, nil
	}
	return bytes.Clone(reqHead), unchunked(respHead)
}

// headOf returns b up to and including the blank line ending an HTTP head.
func headOf(b []byte) []byte {
	if i := bytes.Index(b, []byte("\r\n\r\n")); i >= 0 {
		return b[:i+4]
	}
	return nil
}

// unchunked drops a Transfer-Encoding line from a response head: the WARC
// keeps the body with its transfer coding removed, and the head must not
// claim otherwise.
func unchunked(head []byte) []byte {
	lines := bytes.SplitAfter(head, []byte("\r\n"))
	out := make([]byte, 0, len(head))
	for _, l := range lines {
		name, _, ok := bytes.Cut(l, []byte(":"))
		if ok && bytes.EqualFold(bytes.TrimSpace(name), []byte("Transfer-Encoding")) {
			continue
		}
		out = append(out, l...)
	}
	return out
}

// Dialer wraps every connection in a Conn.
func Dialer(dial func(ctx context.Context, network, addr string) (net.Conn, error)) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &Conn{Conn: conn}, nil
	}
}
