package urls

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestCanonicalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"HTTP://Example.COM:80/a/../b/./c?b=2&a=1#frag", "http://example.com/b/c?a=1&b=2"},
		{"https://example.com:443", "https://example.com/"},
		{"http://example.com:8080/x/", "http://example.com:8080/x/"},
		{"http://example.com/a?utm_source=tw&utm_medium=x&id=3&fbclid=abc&gclid=z", "http://example.com/a?id=3"},
		{"http://example.com/a;jsessionid=ABC123?PHPSESSID=1&q=x", "http://example.com/a?q=x"},
		{"http://user:pw@example.com./p", "http://example.com/p"},
		{"http://example.com/caf%C3%A9", "http://example.com/caf%C3%A9"},
	}
	for _, tc := range tests {
		u, err := Canonicalize(tc.in)
		if err != nil {
			t.Errorf("Canonicalize(%q): %v", tc.in, err)
			continue
		}
		if u.String() != tc.want {
			t.Errorf("Canonicalize(%q) = %q, want %q", tc.in, u, tc.want)
		}
	}
	for _, bad := range []string{"mailto:a@b.c", "javascript:void(0)", "ftp://x/y", "http:///nohost"} {
		if _, err := Canonicalize(bad); err == nil {
			t.Errorf("Canonicalize(%q) accepted", bad)
		}
	}
}

func TestKeySameForVariants(t *testing.T) {
	variants := []string{
		"http://www.example.com/story?id=1&utm_campaign=x",
		"http://example.com/story?id=1#comments",
		"HTTP://EXAMPLE.COM:80/story?fbclid=9&id=1",
	}
	var keys []string
	for _, v := range variants {
		u, err := Canonicalize(v)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, Key(u))
	}
	for _, k := range keys[1:] {
		if k != keys[0] {
			t.Errorf("keys differ: %q", keys)
		}
	}
}

func TestTrap(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		trap bool
	}{
		{"http://x/news/2026/05/story", false},
		{"http://x/calendar/2031/01/", true},
		{"http://x/calendar/1970/01/", true},
		{"http://x/events?year=2099&month=1", true},
		{"http://x/events?year=2025", false},
		{"http://x/archive/1970/1/1/", true},
		{"http://x/events/2099", true},
		{"http://x/Calendar/2099/", true},
		// Article numbers are not years: news sites number their stories.
		{"http://x/news/1234", false},
		{"http://x/news/2500/council-votes", false},
		{"http://x/story/1000/", false},
		{"http://x/p/2999/12-ways", false},
		{"http://x/a/b/a/b/a/b/", true},
		{"http://x/" + strings.Repeat("y", 3000), true},
		{"http://x/" + strings.Repeat("s/", 30), true},
	}
	for _, tc := range tests {
		u, _ := url.Parse(tc.in)
		err := Trap(u, 2048, now)
		if (err != nil) != tc.trap {
			t.Errorf("Trap(%q) = %v, want trap=%v", tc.in, err, tc.trap)
		}
		if err != nil && !errors.Is(err, ErrTrap) {
			t.Errorf("Trap(%q) error %v is not ErrTrap", tc.in, err)
		}
	}
}

func FuzzCanonicalize(f *testing.F) {
	f.Add("http://Example.com/a/../b?utm_x=1&b=2&a=1#f")
	f.Fuzz(func(t *testing.T, s string) {
		u, err := Canonicalize(s)
		if err != nil {
			return
		}
		again, err := Canonicalize(u.String())
		if err != nil {
			t.Fatalf("canonical %q does not re-parse: %v", u, err)
		}
		if Key(again) != Key(u) {
			t.Fatalf("not idempotent: %q → %q", u, again)
		}
	})
}
