package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"

	"github.com/syndex/syndex/crawler/internal/netaddr"
	"golang.org/x/net/http/httpproxy"
)

// ProxyDirect as Options.Proxy turns proxying off, whatever the
// environment says.
const ProxyDirect = "direct"

// ParseProxy checks a proxy setting: "" (the environment), ProxyDirect,
// or an http, https, socks5 or socks5h URL with a host.
func ParseProxy(s string) (*url.URL, error) {
	if s == "" || s == ProxyDirect {
		return nil, nil
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("proxy %q: want a URL such as http://proxy.example:3128", s)
	}
	switch u.Scheme {
	case "http", "https", "socks5", "socks5h":
	default:
		return nil, fmt.Errorf("proxy %q: scheme %q, want http, https, socks5 or socks5h", s, u.Scheme)
	}
	return u, nil
}

// proxies decides the proxy of each request and remembers the proxies'
// addresses: the transport dials those directly (they are the user's own
// choice, so the SSRF guard does not apply to them) and does not record
// their connections (a proxied exchange is not what the WARC should hold
// as raw bytes, and Proxy-Authorization must not be archived).
type proxies struct {
	choose func(*url.URL) (*url.URL, error)
	addrs  sync.Map          // host:port of every proxy chosen so far → true
	pinned map[string]string // Options.Resolve: hosts given an address are dialed directly
}

// newProxies follows Options.Proxy: one proxy for every request, none, or
// the environment (HTTPS_PROXY, HTTP_PROXY and NO_PROXY, or their lower
// case forms, read once; as with curl and Go, requests to localhost and
// loopback addresses bypass an environment proxy).
func newProxies(setting string) (*proxies, error) {
	p := &proxies{}
	switch fixed, err := ParseProxy(setting); {
	case err != nil:
		return nil, err
	case setting == ProxyDirect:
		p.choose = func(*url.URL) (*url.URL, error) { return nil, nil }
	case fixed != nil:
		p.choose = func(*url.URL) (*url.URL, error) { return fixed, nil }
	default:
		p.choose = httpproxy.FromEnvironment().ProxyFunc()
	}
	return p, nil
}

// forRequest is http.Transport's Proxy hook.
func (p *proxies) forRequest(req *http.Request) (*url.URL, error) {
	return p.forURL(req.URL)
}

func (p *proxies) forURL(u *url.URL) (*url.URL, error) {
	if _, ok := p.pinned[strings.ToLower(u.Hostname())]; ok {
		return nil, nil
	}
	pu, err := p.choose(u)
	if err != nil || pu == nil {
		return nil, err
	}
	p.addrs.Store(proxyAddr(pu), true)
	return pu, nil
}

// isProxy reports whether addr (host:port, as dialed) is a chosen proxy.
func (p *proxies) isProxy(addr string) bool {
	_, ok := p.addrs.Load(addr)
	return ok
}

// proxyAddr is the host:port a proxy URL is dialed at.
func proxyAddr(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	port := map[string]string{"http": "80", "https": "443", "socks5": "1080", "socks5h": "1080"}[u.Scheme]
	return net.JoinHostPort(u.Hostname(), port)
}

// proxyDialer dials chosen proxies with plain (unrecorded, unguarded)
// connections and everything else with next.
func proxyDialer(p *proxies, plain *net.Dialer, next func(ctx context.Context, network, addr string) (net.Conn, error)) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		if p.isProxy(addr) {
			return plain.DialContext(ctx, network, addr)
		}
		return next(ctx, network, addr)
	}
}

// checkProxiedTarget applies the SSRF guard to a request that goes through
// a proxy: the proxy resolves and connects, so the target's host is
// resolved here and every address it has must be public. A host that does
// not resolve here cannot be checked and is refused.
func (t *transport) checkProxiedTarget(ctx context.Context, u *url.URL) error {
	if t.s.AllowPrivate {
		return nil
	}
	if pu, err := t.proxies.forURL(u); err != nil || pu == nil {
		return err
	}
	addrs, err := t.targetAddrs(ctx, u)
	if err != nil {
		return fmt.Errorf("proxied request to %s: cannot check that it is public (%w); use --allow-private to let the proxy resolve it", u.Host, err)
	}
	for _, a := range addrs {
		if !netaddr.Public(a) {
			return fmt.Errorf("proxied request to %s (%s): %w (use --allow-private to permit it)", u.Host, a, ErrForbiddenAddress)
		}
	}
	if len(addrs) == 0 {
		return errors.New("proxied request to " + u.Host + ": no address")
	}
	return nil
}

// targetAddrs returns the addresses of u's host (or of the address
// Resolve gives for it): the host itself when it is an address, else
// what the resolver says.
func (t *transport) targetAddrs(ctx context.Context, u *url.URL) ([]netip.Addr, error) {
	host := u.Hostname()
	if ip, ok := t.s.Resolve[strings.ToLower(host)]; ok {
		host = ip
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{a}, nil
	}
	return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
}
