// Package coding removes the content codings (gzip, deflate) of fetched
// bodies, bounded against decompression bombs: the crawler's responses
// and gzipped sitemaps share it.
package coding

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrTooLarge marks a body whose decoding exceeded its limit (a
// decompression bomb). It is crawler.ErrDecodedTooLarge.
var ErrTooLarge = errors.New("decoded body exceeds limit")

// Decode removes gzip/deflate content coding, refusing output over
// limit (decompression bombs).
func Decode(coding string, raw []byte, limit int64) ([]byte, error) {
	var r io.Reader
	switch strings.ToLower(strings.TrimSpace(coding)) {
	case "", "identity":
		return raw, nil
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		r = zr
	case "deflate":
		r = flate.NewReader(bytes.NewReader(raw))
	default:
		return nil, fmt.Errorf("unsupported content coding %q", coding)
	}
	var out bytes.Buffer
	n, err := io.Copy(&out, io.LimitReader(r, limit+1))
	if n > limit {
		return nil, fmt.Errorf("%w (%d bytes)", ErrTooLarge, limit)
	}
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, fmt.Errorf("%s: %w", coding, err)
	}
	return out.Bytes(), nil
}
