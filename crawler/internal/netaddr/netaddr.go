// Package netaddr says which IP addresses a public crawl may dial: the
// globally reachable ones by the IANA special-purpose address registries,
// judging an address that embeds an IPv4 one (IPv4-mapped, NAT64, 6to4)
// by the embedded address. The crawler refuses the others unless
// Config.AllowPrivate is set, after DNS resolution, at the proxy and for
// seeds.
package netaddr

import (
	"net/netip"
)

// The address blocks a public crawl never dials (without AllowPrivate),
// from the IANA IPv4 and IPv6 Special-Purpose Address Registries (as of
// 2025): every block whose "Globally Reachable" entry is False or N/A,
// plus multicast and, for IPv6, everything outside global unicast
// (2000::/3). The few globally reachable entries inside a blocked block
// (anycast service addresses) are listed in specialAllowed. Addresses
// that embed an IPv4 address (IPv4-mapped, NAT64, 6to4) are judged by the
// embedded one.
var (
	specialBlocked = []namedPrefix{
		// IPv4 (RFC 6890 and updates).
		{netip.MustParsePrefix("0.0.0.0/8"), `"this network"`},
		{netip.MustParsePrefix("10.0.0.0/8"), "private use"},
		{netip.MustParsePrefix("100.64.0.0/10"), "shared address space (carrier-grade NAT)"},
		{netip.MustParsePrefix("127.0.0.0/8"), "loopback"},
		{netip.MustParsePrefix("169.254.0.0/16"), "link local"},
		{netip.MustParsePrefix("172.16.0.0/12"), "private use"},
		{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol assignments (DS-Lite, NAT64 discovery, …)"},
		{netip.MustParsePrefix("192.0.2.0/24"), "documentation (TEST-NET-1)"},
		{netip.MustParsePrefix("192.88.99.0/24"), "deprecated 6to4 relay anycast"},
		{netip.MustParsePrefix("192.168.0.0/16"), "private use"},
		{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
		{netip.MustParsePrefix("198.51.100.0/24"), "documentation (TEST-NET-2)"},
		{netip.MustParsePrefix("203.0.113.0/24"), "documentation (TEST-NET-3)"},
		{netip.MustParsePrefix("224.0.0.0/4"), "multicast"},
		{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},
		{netip.MustParsePrefix("255.255.255.255/32"), "limited broadcast"},
		// IPv6.
		{netip.MustParsePrefix("::/128"), "unspecified"},
		{netip.MustParsePrefix("::1/128"), "loopback"},
		{netip.MustParsePrefix("64:ff9b:1::/48"), "local-use IPv4/IPv6 translation"},
		{netip.MustParsePrefix("100::/64"), "discard-only"},
		{netip.MustParsePrefix("100:0:0:1::/64"), "dummy prefix"},
		{netip.MustParsePrefix("2001::/23"), "IETF protocol assignments (Teredo, benchmarking, ORCHID, …)"},
		{netip.MustParsePrefix("2001:db8::/32"), "documentation"},
		{netip.MustParsePrefix("3fff::/20"), "documentation"},
		{netip.MustParsePrefix("5f00::/16"), "segment routing (SRv6) SIDs"},
		{netip.MustParsePrefix("fc00::/7"), "unique local"},
		{netip.MustParsePrefix("fe80::/10"), "link local"},
		{netip.MustParsePrefix("fec0::/10"), "deprecated site local"},
		{netip.MustParsePrefix("ff00::/8"), "multicast"},
	}
	specialAllowed = prefixes(
		"192.0.0.9/32",      // port control protocol anycast
		"192.0.0.10/32",     // traversal using relays around NAT anycast
		"2001:1::1/128",     // port control protocol anycast
		"2001:1::2/128",     // traversal using relays around NAT anycast
		"2001:1::3/128",     // DNS-SD service registration protocol anycast
		"2001:3::/32",       // AMT
		"2001:4:112::/48",   // AS112-v6
		"2001:20::/28",      // ORCHIDv2
		"2001:30::/28",      // drone remote ID protocol entity tags
		"2620:4f:8000::/48", // direct delegation AS112 service (inside 2000::/3 anyway)
	)
	globalUnicast6 = netip.MustParsePrefix("2000::/3")
	nat64          = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour      = netip.MustParsePrefix("2002::/16")
)

// namedPrefix is a registry block and what it is for.
type namedPrefix struct {
	netip.Prefix
	name string
}

func prefixes(list ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(list))
	for i, s := range list {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

func inAny(ip netip.Addr, list []netip.Prefix) bool {
	for _, p := range list {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// Public reports whether ip may be fetched without AllowPrivate: it is
// globally reachable by the special-purpose registries, and so is the
// IPv4 address it embeds, if any.
func Public(ip netip.Addr) bool {
	return Kind(ip) == ""
}

// Kind names the special-purpose block ip belongs to ("loopback",
// "private use", …), or returns "" for a globally reachable address.
func Kind(ip netip.Addr) string {
	ip = ip.Unmap().WithZone("")
	if !ip.IsValid() {
		return "invalid"
	}
	if v4, ok := EmbeddedIPv4(ip); ok {
		if k := Kind(v4); k != "" {
			return k + ", embedded " + v4.String()
		}
		return ""
	}
	if inAny(ip, specialAllowed) {
		return ""
	}
	for _, p := range specialBlocked {
		if p.Contains(ip) {
			return p.name
		}
	}
	if ip.Is6() && !globalUnicast6.Contains(ip) {
		return "reserved (outside global unicast)"
	}
	return ""
}

// EmbeddedIPv4 returns the IPv4 address that a NAT64 (64:ff9b::/96,
// RFC 6052) or 6to4 (2002::/16, RFC 3056) address carries: packets to
// it reach that IPv4 host.
func EmbeddedIPv4(ip netip.Addr) (netip.Addr, bool) {
	if !ip.Is6() {
		return netip.Addr{}, false
	}
	b := ip.As16()
	switch {
	case nat64.Contains(ip):
		return netip.AddrFrom4([4]byte(b[12:16])), true
	case sixToFour.Contains(ip):
		return netip.AddrFrom4([4]byte(b[2:6])), true
	}
	return netip.Addr{}, false
}
