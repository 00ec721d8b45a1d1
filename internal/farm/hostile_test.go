package farm

import (
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestHostileOutlet checks the hostile pages are what they claim: sizes,
// link count, and a gzip body that decodes to far more than it weighs.
func TestHostileOutlet(t *testing.T) {
	f, err := Start(context.Background(), Options{BaseIP: "127.0.0.150", Hostile: true})
	if err != nil {
		t.Skipf("cannot start the farm: %v", err)
	}
	defer f.Close()
	base := f.HostileBase()
	if base == "" || f.Seeds()[len(f.Seeds())-1] != base+"/" {
		t.Fatalf("hostile outlet not among the seeds: %q, %v", base, f.Seeds())
	}
	tr := &http.Transport{DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	get := func(path string) (*http.Response, []byte) {
		t.Helper()
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if path == "/bomb" {
			return resp, nil
		}
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, b
	}
	home := func() string { _, b := get("/"); return string(b) }()
	for _, p := range HostilePaths {
		if !strings.Contains(home, `href="`+p.Path+`"`) {
			t.Errorf("home page does not link %s", p.Path)
		}
	}
	for _, tc := range []struct {
		path string
		size int
	}{{"/huge", HugeSize}, {"/divs", DivsSize}, {"/deep", DeepSize}} {
		_, b := get(tc.path)
		if len(b) != tc.size {
			t.Errorf("%s: %d bytes, want %d", tc.path, len(b), tc.size)
		}
	}
	if _, b := get("/links"); strings.Count(string(b), "<a href=") != LinksCount {
		t.Errorf("/links: %d links, want %d", strings.Count(string(b), "<a href="), LinksCount)
	}
	resp, err := client.Get(base + "/bomb")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "gzip" || resp.ContentLength <= 0 || resp.ContentLength > BombSize/200 {
		t.Fatalf("/bomb: encoding %q, %d bytes on the wire", resp.Header.Get("Content-Encoding"), resp.ContentLength)
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, io.LimitReader(zr, 8<<20))
	if err != nil || n != 8<<20 {
		t.Errorf("/bomb: decoded %d bytes (%v), want at least 8 MiB from %d on the wire", n, err, resp.ContentLength)
	}
	t.Logf("/bomb: %d bytes on the wire for %d decoded", resp.ContentLength, BombSize)
}
