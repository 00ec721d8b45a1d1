package crawler

import (
	"net/url"

	"github.com/syndex/syndex/crawler/fetch"
)

// The fetch client's names, as the crawler's API has always offered them.

// ErrForbiddenAddress is returned for a host that resolves to a loopback,
// private, link-local or otherwise non-public address while
// Config.AllowPrivate is off.
var ErrForbiddenAddress = fetch.ErrForbiddenAddress

// ErrDecodedTooLarge marks a body whose gzip/deflate decoding exceeded
// Config.MaxDecodedSize (a decompression bomb).
var ErrDecodedTooLarge = fetch.ErrDecodedTooLarge

// ProxyDirect as Config.Proxy turns proxying off, whatever the
// environment says.
const ProxyDirect = fetch.ProxyDirect

// ParseProxy checks a proxy setting: "" (the environment), ProxyDirect,
// or an http, https, socks5 or socks5h URL with a host.
func ParseProxy(s string) (*url.URL, error) { return fetch.ParseProxy(s) }
