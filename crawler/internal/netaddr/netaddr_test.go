package netaddr

import (
	"net/netip"
	"testing"
)

func TestPublicIP(t *testing.T) {
	tests := []struct {
		ip     string
		public bool
	}{
		{"8.8.8.8", true}, {"2606:4700::1111", true},
		{"127.0.0.2", false}, {"10.1.2.3", false}, {"192.168.0.1", false}, {"172.16.5.4", false},
		{"169.254.169.254", false}, {"100.64.0.1", false}, {"0.0.0.0", false}, {"::1", false},
		{"fe80::1", false}, {"fc00::1", false}, {"::ffff:127.0.0.1", false}, {"224.0.0.1", false},
		// The rest of the IANA special-purpose registries.
		{"192.0.2.10", false}, {"198.18.0.1", false}, {"198.19.255.254", false}, {"240.0.0.1", false},
		{"0.1.2.3", false}, {"255.255.255.255", false}, {"192.0.0.8", false}, {"198.51.100.7", false},
		{"203.0.113.9", false}, {"192.88.99.1", false}, {"192.0.0.9", true}, {"198.20.0.1", true},
		{"2001:db8::1", false}, {"3fff::1", false}, {"2001:2::1", false}, {"2001::1", false},
		{"100::1", false}, {"5f00::1", false}, {"fec0::1", false}, {"ff02::1", false}, {"::", false},
		{"::127.0.0.1", false}, {"::8.8.8.8", false}, {"64:ff9b:1::1", false}, {"4000::1", false},
		{"2001:4:112::1", true}, {"2001:20::1", true},
		// Addresses that embed an IPv4 address are judged by it.
		{"64:ff9b::7f00:1", false}, {"64:ff9b::a00:1", false}, {"64:ff9b::808:808", true},
		{"2002:7f00:1::1", false}, {"2002:c0a8:101::1", false}, {"2002:a9fe:a9fe::", false},
		{"2002:808:808::1", true}, {"::ffff:169.254.169.254", false}, {"fe80::1%eth0", false},
	}
	for _, tc := range tests {
		if got := Public(netip.MustParseAddr(tc.ip)); got != tc.public {
			t.Errorf("Public(%s) = %v", tc.ip, got)
		}
	}
}

// FuzzAddrKind: every address is either public or named, and an address
// embedding a refused IPv4 address is refused.
func FuzzAddrKind(f *testing.F) {
	for _, s := range []string{"8.8.8.8", "127.0.0.1", "64:ff9b::a00:1", "2002:c0a8:101::1", "fe80::1%eth0", "::ffff:10.0.0.1", "2001:db8::1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ip, err := netip.ParseAddr(s)
		if err != nil {
			return
		}
		kind := Kind(ip)
		if Public(ip) != (kind == "") {
			t.Fatalf("Public(%s) = %v but kind %q", ip, Public(ip), kind)
		}
		if v4, ok := EmbeddedIPv4(ip.Unmap()); ok && !Public(v4) && Public(ip) {
			t.Fatalf("%s embeds refused %s but is public", ip, v4)
		}
	})
}
