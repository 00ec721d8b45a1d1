package archive

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestAPILoopbackOnly(t *testing.T) {
	a := openT(t, t.TempDir())
	defer a.Close()
	h := a.APIHandler()
	tests := []struct {
		remote, host string
		want         int
	}{
		{"127.0.0.1:5000", "127.0.0.1:8080", http.StatusOK},
		{"[::1]:5000", "localhost:8080", http.StatusOK},
		{"192.0.2.7:5000", "127.0.0.1:8080", http.StatusForbidden},
		{"127.0.0.1:5000", "evil.example", http.StatusForbidden},
	}
	for _, tc := range tests {
		req := httptest.NewRequest(http.MethodGet, APIPrefix+"health", nil)
		req.RemoteAddr, req.Host = tc.remote, tc.host
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tc.want {
			t.Errorf("client %s host %s: %d, want %d", tc.remote, tc.host, rec.Code, tc.want)
		}
	}
}
