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

// TestNetworkNoIndexFilter: the network page and /api/report leave out
// the copies marked noindex, or keep them alone, as noindex asks.
func TestNetworkNoIndexFilter(t *testing.T) {
	srv := httptest.NewServer(New(newBackendOf(t, chainFixture()), Options{PageSize: 10}))
	t.Cleanup(srv.Close)
	for param, want := range map[string]map[string]bool{
		"":        {"partner.example": true, "relay.example": true},
		"exclude": {"partner.example": false, "relay.example": true},
		"only":    {"partner.example": true, "relay.example": false},
	} {
		got := text(byID(page(t, srv, "/network?noindex="+param, http.StatusOK), "edges"))
		for site, listed := range want {
			if strings.Contains(got, site) != listed {
				t.Errorf("noindex=%s: edges table lists %s: %v, want %v", param, site, !listed, listed)
			}
		}
		_, body := get(t, srv, "/api/report?noindex="+param, http.StatusOK)
		if strings.Contains(string(body), "partner.example") != want["partner.example"] {
			t.Errorf("noindex=%s: /api/report and partner.example disagree with the filter", param)
		}
	}
	page(t, srv, "/network?noindex=maybe", http.StatusBadRequest)
}
