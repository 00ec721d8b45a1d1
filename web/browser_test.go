package web

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// chromium returns a headless Chromium binary, or skips the test.
func chromium(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no Chromium installed (Debian: apt-get install chromium)")
	return ""
}

type browser struct {
	t       *testing.T
	bin     string
	profile string
}

// browserPatience is a hang detector, not a speed bound: a Chromium run
// takes seconds, but a loaded two-core machine may stretch that many times.
const browserPatience = 5 * time.Minute

func (b *browser) run(args ...string) []byte {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), browserPatience)
	defer cancel()
	base := []string{"--headless", "--disable-gpu", "--no-first-run", "--disable-extensions",
		"--user-data-dir=" + b.profile, "--virtual-time-budget=1000", "--window-size=1280,1000"}
	if os.Geteuid() == 0 {
		base = append(base, "--no-sandbox")
	}
	cmd := exec.CommandContext(ctx, b.bin, append(base, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			b.t.Fatalf("chromium %v hung: still running after %v\n%s", args, browserPatience, errb.String())
		}
		b.t.Fatalf("chromium %v: %v\n%s", args, err, errb.String())
	}
	return out.Bytes()
}

// dom loads url and returns the DOM after scripts (if any) ran.
func (b *browser) dom(url string) *html.Node {
	b.t.Helper()
	doc, err := html.Parse(bytes.NewReader(b.run("--dump-dom", url)))
	if err != nil {
		b.t.Fatal(err)
	}
	return doc
}

func pwned(doc *html.Node) string {
	for _, n := range find(doc, "body", "") {
		if v := attr(n, "data-pwned"); v != "" {
			return v
		}
	}
	return ""
}

// TestBrowser drives headless Chromium through the UI: a search, the
// cluster page with its diff marks, screenshots, and proof that hostile
// titles do not execute — checked against a control page whose script
// does run, so the check itself can fail.
func TestBrowser(t *testing.T) {
	bin := chromium(t)
	b := newBackend(t)
	mux := http.NewServeMux()
	mux.Handle("/", New(b, Options{PageSize: 10}))
	mux.HandleFunc("/control", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(`<html><body><p>control</p><script>document.body.setAttribute("data-pwned","control")</script></body></html>`))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	br := &browser{t: t, bin: bin, profile: t.TempDir()}

	if got := pwned(br.dom(srv.URL + "/control")); got != "control" {
		t.Fatalf("control script did not run (%q): the browser check cannot detect execution", got)
	}

	doc := br.dom(srv.URL + "/?q=harbour")
	if p := pwned(doc); p != "" {
		t.Errorf("hostile title executed on the search page: %s", p)
	}
	hits := find(doc, "article", "hit")
	if len(hits) != 1 || text(find(hits[0], "h2", "")[0]) != hostileTitle {
		t.Fatalf("search hit not shown as text: %d hits", len(hits))
	}
	link := attr(find(hits[0], "a", "")[0], "href")
	doc = br.dom(srv.URL + link)
	if p := pwned(doc); p != "" {
		t.Errorf("hostile strings executed on %s: %s", link, p)
	}
	if got := text(byID(doc, "title")); got != hostileTitle {
		t.Errorf("cluster title %q", got)
	}

	doc = br.dom(srv.URL + "/?q=flood")
	if got := text(byID(doc, "summary")); got != "Stories 1–1 of 1" {
		t.Errorf("flood search: %q", got)
	}
	doc = br.dom(srv.URL + "/cluster/c1")
	if ins, del := len(find(doc, "ins", "")), len(find(doc, "del", "")); ins != 4 || del != 1 {
		t.Errorf("diff markers: %d ins, %d del; want 4, 1", ins, del)
	}

	dir := os.Getenv("SYNDEX_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	for name, path := range map[string]string{"search": "/?q=flood", "cluster": "/cluster/c1", "hostile": link, "network": "/network", "site": "/site/copier.example"} {
		png := filepath.Join(dir, name+".png")
		br.run("--screenshot="+png, srv.URL+path)
		data, err := os.ReadFile(png)
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if !strings.HasPrefix(string(data), "\x89PNG") || len(data) < 10_000 {
			t.Errorf("screenshot %s: %d bytes, not a rendered page", name, len(data))
		}
	}
}
