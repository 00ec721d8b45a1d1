package fetch

import (
	"net/url"
	"os"
	"testing"
)

func TestProxyFromEnvironment(t *testing.T) {
	for _, k := range []string{"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy", "REQUEST_METHOD"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("HTTP_PROXY", "http://proxy.example:3128")
	t.Setenv("HTTPS_PROXY", "http://secure-proxy.example:3129")
	t.Setenv("NO_PROXY", "intranet.example,.local.example")
	tests := []struct {
		setting, target, want string
	}{
		{"", "http://news.example/a", "proxy.example:3128"},
		{"", "https://news.example/a", "secure-proxy.example:3129"},
		{"", "http://intranet.example/a", ""},
		{"", "http://www.local.example/a", ""},
		{"", "http://127.0.0.1:8080/a", ""}, // loopback bypasses an environment proxy
		{"", "http://pinned.example/a", ""}, // a Resolve entry is dialed directly
		{ProxyDirect, "http://news.example/a", ""},
		{"socks5://socks.example", "https://news.example/a", "socks.example:1080"},
		{"http://flag.example:8000", "http://intranet.example/a", "flag.example:8000"},
	}
	for _, tc := range tests {
		p, err := newProxies(tc.setting)
		if err != nil {
			t.Fatal(err)
		}
		p.pinned = map[string]string{"pinned.example": "192.0.2.1"}
		u, _ := url.Parse(tc.target)
		got, err := p.forURL(u)
		if err != nil {
			t.Fatal(err)
		}
		addr := ""
		if got != nil {
			addr = proxyAddr(got)
			if !p.isProxy(addr) {
				t.Errorf("%s: chosen proxy %s not remembered", tc.target, addr)
			}
		}
		if addr != tc.want {
			t.Errorf("proxy %q for %s = %q, want %q", tc.setting, tc.target, addr, tc.want)
		}
	}
	for _, bad := range []string{"proxy.example:3128", "ftp://proxy.example", "http://"} {
		if _, err := ParseProxy(bad); err == nil {
			t.Errorf("ParseProxy(%q) accepted", bad)
		}
	}
}
