package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestSearchNoIndexFilter: the search page filters the copies marked
// noindex as its noindex parameter asks, keeps the choice in its links
// and refuses an unknown value.
func TestSearchNoIndexFilter(t *testing.T) {
	srv := httptest.NewServer(New(newBackendOf(t, chainFixture()), Options{PageSize: 10}))
	t.Cleanup(srv.Close)
	for _, tc := range []struct {
		param        string
		want, absent []string
	}{
		{"", []string{"partner.example", "relay.example"}, nil},
		{"exclude", []string{"relay.example", "launder.example"}, []string{"partner.example"}},
		{"only", []string{"partner.example"}, []string{"relay.example", "launder.example"}},
	} {
		doc := page(t, srv, "/?q=Millbrook&noindex="+tc.param, http.StatusOK)
		copies := find(doc, "p", "copies")
		if len(copies) != 1 {
			t.Fatalf("noindex=%s: %d copy lists, want 1", tc.param, len(copies))
		}
		got := text(copies[0])
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("noindex=%s: copies %q lack %s", tc.param, got, w)
			}
		}
		for _, a := range tc.absent {
			if strings.Contains(got, a) {
				t.Errorf("noindex=%s: copies %q list %s", tc.param, got, a)
			}
		}
		if csv := byID(doc, "csv"); tc.param != "" && (csv == nil || !strings.Contains(attr(csv, "href"), "noindex="+tc.param)) {
			t.Errorf("noindex=%s: the CSV link does not keep the filter", tc.param)
		}
	}
	page(t, srv, "/?q=Millbrook&noindex=sometimes", http.StatusBadRequest)
}
