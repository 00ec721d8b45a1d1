package crawler

import (
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
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
		if got := publicIP(netip.MustParseAddr(tc.ip)); got != tc.public {
			t.Errorf("publicIP(%s) = %v", tc.ip, got)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	if d := retryAfter("3"); d != 3*time.Second {
		t.Errorf("seconds: %v", d)
	}
	d := retryAfter(time.Now().Add(10 * time.Second).UTC().Format(http.TimeFormat))
	if d < 8*time.Second || d > 11*time.Second {
		t.Errorf("http-date: %v", d)
	}
	for _, v := range []string{"", "soon", "-5"} {
		if d := retryAfter(v); d != 0 {
			t.Errorf("retryAfter(%q) = %v", v, d)
		}
	}
}

func TestDecodeHTMLCharsets(t *testing.T) {
	tests := []struct {
		name, ctype, want string
		body              func() []byte
	}{
		{"windows-1256 header", "text/html; charset=windows-1256", "مرحبا بالعالم", func() []byte {
			b, _ := charmap.Windows1256.NewEncoder().Bytes([]byte("<p>مرحبا بالعالم</p>"))
			return b
		}},
		{"koi8-r meta", "text/html", "Привет, мир", func() []byte {
			b, _ := charmap.KOI8R.NewEncoder().Bytes([]byte(`<html><head><meta charset="koi8-r"></head><body>Привет, мир</body></html>`))
			return b
		}},
		{"shift_jis meta http-equiv", "text/html", "こんにちは世界", func() []byte {
			b, _ := japanese.ShiftJIS.NewEncoder().Bytes([]byte(`<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS"><p>こんにちは世界</p>`))
			return b
		}},
		{"koi8-r undeclared, detected", "text/html", "Москва - столица России", func() []byte {
			b, _ := charmap.KOI8R.NewEncoder().Bytes([]byte("<html><body><p>" + strings.Repeat("Москва - столица России, крупнейший по численности населения город страны. ", 8) + "</p></body></html>"))
			return b
		}},
		{"windows-1252 default", "text/html", "café crème", func() []byte {
			b, _ := charmap.Windows1252.NewEncoder().Bytes([]byte("<p>Le café crème est servi chaud dans la brasserie du coin, avec une tartine beurrée.</p>"))
			return b
		}},
		{"utf-8 bom beats header", "text/html; charset=iso-8859-1", "héllo", func() []byte {
			return []byte("\xef\xbb\xbf<p>héllo</p>")
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := DecodeHTML(tc.body(), tc.ctype)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(out), tc.want) {
				t.Errorf("decoded %q, want it to contain %q", out, tc.want)
			}
		})
	}
}
