package archive_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/archive/remote"
	"github.com/syndex/syndex/index"
	"github.com/syndex/syndex/store"
)

// End-to-end tests of the read API: the server (archive.Archive's
// APIHandler) and its client (package remote).

// TestRemoteMatchesLocal serves an archive's read API and checks that a
// remote.Archive dialled through the address file reads the same things, while
// ingests keep running in the serving process.
func TestRemoteMatchesLocal(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a := archive.OpenT(t, dir)
	defer a.Close()
	if err := a.Ingest(ctx, archive.TestArticles()); err != nil {
		t.Fatal(err)
	}
	if err := a.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.APIHandler())
	defer srv.Close()
	if _, err := remote.Dial(ctx, dir); err == nil {
		t.Fatal("Dial without an address file succeeded")
	}
	if err := archive.WriteAPIAddr(dir, srv.URL); err != nil {
		t.Fatal(err)
	}
	r, err := remote.Dial(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	// Ingest concurrently with the reads below (run with -race).
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 5 {
			if err := a.Ingest(ctx, archive.TestArticles()[2:]); err != nil {
				t.Error(err)
			}
		}
	}()
	tests := []struct {
		name  string
		check func(t *testing.T)
	}{
		{"search", func(t *testing.T) {
			res, err := r.Search(ctx, index.Query{Text: "breakwater", Limit: 5})
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != 1 || res.Hits[0].Original.ID != "orig" || len(res.Hits[0].Copies) != 1 {
				t.Fatalf("remote search: %+v", res)
			}
		}},
		{"bad query", func(t *testing.T) {
			if _, err := r.Search(ctx, index.Query{Text: `bank "interest rates`, Limit: 5}); !errors.Is(err, index.ErrBadQuery) {
				t.Fatalf("bad query gave %v, want ErrBadQuery", err)
			}
		}},
		{"articles", func(t *testing.T) {
			arts, err := r.Articles()
			if err != nil || len(arts) < 3 {
				t.Fatalf("remote articles: %d, %v", len(arts), err)
			}
		}},
		{"article", func(t *testing.T) {
			art, err := r.Article("lib")
			if err != nil || art.Title != "Eastgate library opens" || art.Role == "" {
				t.Fatalf("remote article: %+v, %v", art, err)
			}
			if _, err := r.Article("nope"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("missing article gave %v, want ErrNotFound", err)
			}
		}},
		{"cluster", func(t *testing.T) {
			orig, _ := a.Article("orig")
			m, err := r.Cluster(orig.Cluster)
			if err != nil || len(m) != 2 || m[0].ID != "orig" {
				t.Fatalf("remote cluster: %d members, %v", len(m), err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, tc.check)
	}
	wg.Wait()
	sz, err := a.Sizes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := (archive.Sizes{Articles: 3, DedupDocs: 3, Stories: 2, Syndicated: 1}); sz != want {
		t.Errorf("sizes %+v, want %+v", sz, want)
	}
	if err := archive.RemoveAPIAddr(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, archive.APIAddrFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("address file still there: %v", err)
	}
}

// TestAPIOnWildcardAddress serves the read API on a wildcard address, as
// `syndex run` does with serve.addr 0.0.0.0:PORT, and checks that the
// address recorded for readers is a loopback one they are answered on
// (http://[::]:PORT was refused with 403 before).
func TestAPIOnWildcardAddress(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a := archive.OpenT(t, dir)
	defer a.Close()
	if err := a.Ingest(ctx, archive.TestArticles()); err != nil {
		t.Fatal(err)
	}
	for _, bind := range []string{"0.0.0.0:0", ":0"} {
		ln, err := net.Listen("tcp", bind)
		if err != nil {
			t.Fatal(err)
		}
		srv := &http.Server{Handler: a.APIHandler()}
		go srv.Serve(ln)
		base, ok := archive.LoopbackBase(ln.Addr())
		if !ok || !strings.HasPrefix(base, "http://127.0.0.1:") {
			t.Errorf("%s (%s): archive.LoopbackBase = %q, %v; want http://127.0.0.1:PORT", bind, ln.Addr(), base, ok)
		}
		if err := archive.WriteAPIAddr(dir, base); err != nil {
			t.Fatal(err)
		}
		r, err := remote.Dial(ctx, dir)
		if err != nil {
			t.Fatalf("%s: %v", bind, err)
		}
		arts, err := r.Articles()
		if err != nil || len(arts) != len(archive.TestArticles()) {
			t.Errorf("%s: %d articles through the API, %v", bind, len(arts), err)
		}
		srv.Close()
	}
	tests := []struct {
		addr net.Addr
		want string
		ok   bool
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8093}, "http://127.0.0.1:8093", true},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 8093}, "http://[::1]:8093", true},
		{&net.TCPAddr{IP: net.IPv4(192, 0, 2, 7), Port: 8093}, "", false},
		{&net.UnixAddr{Name: "/tmp/x", Net: "unix"}, "", false},
	}
	for _, tc := range tests {
		if got, ok := archive.LoopbackBase(tc.addr); got != tc.want || ok != tc.ok {
			t.Errorf("archive.LoopbackBase(%v) = %q, %v; want %q, %v", tc.addr, got, ok, tc.want, tc.ok)
		}
	}
}

// TestRemoteLookup looks texts up through the API of a writer holding
// the archive.
func TestRemoteLookup(t *testing.T) {
	ctx := context.Background()
	edited := strings.Replace(archive.Story, "eighteen months", "a year and a half", 1)
	// Through the API of a writer holding the archive.
	w := archive.OpenT(t, t.TempDir())
	defer w.Close()
	if err := w.Ingest(ctx, archive.TestArticles()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(w.APIHandler())
	defer srv.Close()
	if err := archive.WriteAPIAddr(w.Dir, srv.URL); err != nil {
		t.Fatal(err)
	}
	r, err := remote.Dial(ctx, w.Dir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Lookup(ctx, archive.LookupQuery{Text: edited})
	if err != nil || res.Verdict != archive.VerdictCopy || res.Matches[0].Original.ID != "orig" {
		t.Errorf("remote lookup: %+v %v", res, err)
	}
	if _, err := r.Lookup(ctx, archive.LookupQuery{}); !errors.Is(err, archive.ErrBadLookup) {
		t.Errorf("remote empty lookup: %v, want archive.ErrBadLookup", err)
	}
	if art, err := r.ArticleAt("http://wire.example/s/breakwater"); err != nil || art.ID != "copy1" {
		t.Errorf("remote ArticleAt: %v %v", art, err)
	}
}
