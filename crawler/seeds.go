package crawler

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/syndex/syndex/crawler/internal/netaddr"
)

// RefusedSeedError reports a seed (or configured feed or sitemap) whose
// host resolves only to addresses a public crawl refuses (loopback,
// private, reserved: see netaddr.Public). It is a configuration error: the
// crawl cannot reach the seed without AllowPrivate.
type RefusedSeedError struct {
	URL  string // the seed as configured
	Addr string // the refused address
	Kind string // what the address is ("loopback", "private use", …)
}

func (e *RefusedSeedError) Error() string {
	return fmt.Sprintf("seed %s: %s is not a public address (%s); refused without --allow-private", e.URL, e.Addr, e.Kind)
}

// Is makes a RefusedSeedError match ErrForbiddenAddress.
func (e *RefusedSeedError) Is(target error) bool { return target == ErrForbiddenAddress }

// CheckSeeds resolves the host of every seed, feed and sitemap of cfg and
// returns a *RefusedSeedError (joined, one per seed) for those that
// resolve only to refused addresses, unless cfg.AllowPrivate. A host that
// does not resolve is not refused here: the crawl reports it as
// unreachable. Run checks the seeds itself; callers check earlier to fail
// before creating anything.
func CheckSeeds(ctx context.Context, cfg Config) error {
	if cfg.AllowPrivate {
		return nil
	}
	timeout := cfg.ConnectTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	var errs []error
	done := map[string]bool{}
	for _, raw := range append(append(append([]string(nil), cfg.Seeds...), cfg.Feeds...), cfg.Sitemaps...) {
		u, err := Canonicalize(raw)
		if err != nil || done[u.Host] {
			continue // bad URLs are reported by New
		}
		done[u.Host] = true
		refused, kind := refusedAddr(seedAddrs(ctx, u.Hostname(), cfg.Resolve, timeout))
		if kind != "" {
			errs = append(errs, &RefusedSeedError{URL: raw, Addr: refused.Unmap().String(), Kind: kind})
		}
	}
	return errors.Join(errs...)
}

// refusedAddr returns the first of addrs and its kind (netaddr.Kind) when
// the crawler refuses every one of them; kind is "" when it allows one.
func refusedAddr(addrs []netip.Addr) (netip.Addr, string) {
	var refused netip.Addr
	kind := ""
	for _, a := range addrs {
		k := netaddr.Kind(a)
		if k == "" {
			return netip.Addr{}, ""
		}
		if kind == "" {
			refused, kind = a, k
		}
	}
	return refused, kind
}

// seedAddrs returns the addresses host is dialled at: its Resolve entry,
// the literal, or what DNS answers (nothing when DNS fails).
func seedAddrs(ctx context.Context, host string, resolve map[string]string, timeout time.Duration) []netip.Addr {
	if ip, ok := resolve[strings.ToLower(host)]; ok {
		host = ip
	}
	if a, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return []netip.Addr{a}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil
	}
	return addrs
}
