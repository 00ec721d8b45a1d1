package article

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestSiteOf(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://www.Example.org/a/b?c=d", "example.org"},
		{"http://news.example.org:8080/x", "news.example.org"},
		{"http://127.0.0.3:4000/", "127.0.0.3"},
		{"http://[::1]:80/", "::1"},
		{"example.org/path", ""},
		{"", ""},
		{"::not a url", ""},
	}
	for _, tc := range tests {
		if got := SiteOf(tc.in); got != tc.want {
			t.Errorf("SiteOf(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		name     string
		in       Article
		wantSite string
		wantErr  bool
	}{
		{"id from url", Article{URL: "https://www.x.example/a"}, "x.example", false},
		{"explicit id and site kept", Article{ID: "k", URL: "https://www.x.example/a", Site: "mine"}, "mine", false},
		{"no id no url", Article{Text: "t"}, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := tc.in
			err := a.Normalize()
			if (err != nil) != tc.wantErr {
				t.Fatalf("err %v", err)
			}
			if err == nil && (a.Site != tc.wantSite || a.ID == "") {
				t.Errorf("got site %q id %q", a.Site, a.ID)
			}
		})
	}
	a, b := Article{URL: "https://x.example/a"}, Article{URL: "https://x.example/a"}
	a.Normalize()
	b.Normalize()
	if a.ID != b.ID || len(a.ID) != 16 || a.ID == IDFor("https://x.example/b") {
		t.Errorf("ids not stable and distinct: %q %q", a.ID, b.ID)
	}
}

func TestJSONShape(t *testing.T) {
	a := Article{ID: "a", Text: "t", Published: time.Date(2017, 6, 13, 0, 0, 0, 0, time.UTC)}
	a.Apply(Assignment{ID: "a", Cluster: "c", Role: RoleOriginal, Original: "a", Similarity: 1, Evidence: []string{EvidenceEarliest}})
	b, _ := json.Marshal(a)
	s := string(b)
	for _, want := range []string{`"published":"2017-06-13T00:00:00Z"`, `"cluster":"c"`, `"role":"original"`, `"original":"a"`} {
		if !strings.Contains(s, want) {
			t.Errorf("%s lacks %s", s, want)
		}
	}
	if strings.Contains(s, `"fetched"`) {
		t.Errorf("zero time should be omitted: %s", s)
	}
}

func TestParseNoIndexMode(t *testing.T) {
	for _, tc := range []struct {
		in    string
		want  NoIndexMode
		bad   bool
		keeps [2]bool // a page not marked, a page marked
	}{
		{"", NoIndexKeep, false, [2]bool{true, true}},
		{"include", NoIndexKeep, false, [2]bool{true, true}},
		{" Exclude ", NoIndexExclude, false, [2]bool{true, false}},
		{"only", NoIndexOnly, false, [2]bool{false, true}},
		{"yes", NoIndexKeep, true, [2]bool{true, true}},
	} {
		m, err := ParseNoIndexMode(tc.in)
		if (err != nil) != tc.bad || m != tc.want {
			t.Errorf("ParseNoIndexMode(%q) = %q, %v", tc.in, m, err)
		}
		if got := [2]bool{m.Keeps(false), m.Keeps(true)}; got != tc.keeps {
			t.Errorf("%q keeps %v, want %v", tc.in, got, tc.keeps)
		}
	}
}
