package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/syndex/syndex/archive"
)

// archiveServer serves the web UI over a real archive holding the
// fixture's articles (deduplicated and indexed by the archive itself).
func archiveServer(t *testing.T) (*httptest.Server, *archive.Archive) {
	t.Helper()
	a, err := archive.Open(context.Background(), t.TempDir(), archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	arts := fixture()
	for _, x := range arts {
		x.Cluster, x.Role, x.Original, x.Similarity = "", "", "", 0
	}
	if err := a.Ingest(context.Background(), arts); err != nil {
		t.Fatal(err)
	}
	if err := a.Flush(context.Background()); err != nil { // index what was stored
		t.Fatal(err)
	}
	srv := httptest.NewServer(New(a, Options{PageSize: 10}))
	t.Cleanup(srv.Close)
	return srv, a
}

func TestLookupPage(t *testing.T) {
	srv, _ := archiveServer(t)
	probe := "Shared by a partner site.\n\n" + p1 + "\n\n" + p2 + "\n\n" + strings.Replace(p3, "Thursday", "Friday", 1)

	// The empty form, then a pasted text sent as a form POST.
	doc := page(t, srv, "/lookup", http.StatusOK)
	if byID(doc, "text") == nil {
		t.Fatal("no text box on /lookup")
	}
	res, err := srv.Client().PostForm(srv.URL+"/lookup", url.Values{"text": {probe}, "published": {"2024-05-07"}})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("POST /lookup: %d", res.StatusCode)
	}
	body := readAll(t, res)
	for _, want := range []string{"A <b>copy</b> of", "Flood waters rise in Millbrook", "origin.example", "copier.example", "aggregator.example", "copy of its original"} {
		if !strings.Contains(body, want) {
			t.Errorf("lookup page lacks %q", want)
		}
	}
	// GET with a short text works too (a link can carry it).
	doc = page(t, srv, "/lookup?text="+url.QueryEscape("Tomatoes grow in clay pots on the balcony every summer."), http.StatusOK)
	if v := text(byID(doc, "verdict")); !strings.Contains(v, "Nothing in the archive") {
		t.Errorf("unrelated text: verdict %q", v)
	}
	page(t, srv, "/lookup?text=x&published=yesterday", http.StatusBadRequest)

	// The API: JSON in, the LookupResult out; text/plain bodies too.
	for _, tc := range []struct{ ct, body string }{
		{"application/json", mustJSON(t, archive.LookupQuery{Text: probe, Limit: 2})},
		{"text/plain; charset=utf-8", probe},
	} {
		res, err := srv.Client().Post(srv.URL+"/api/lookup", tc.ct, strings.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		var lr archive.LookupResult
		err = json.NewDecoder(res.Body).Decode(&lr)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("POST /api/lookup (%s): %d %v", tc.ct, res.StatusCode, err)
		}
		if lr.Verdict != archive.VerdictCopy || len(lr.Matches) == 0 || lr.Matches[0].Original.ID != "o1" || len(lr.Matches[0].Copies) != 2 {
			t.Errorf("POST /api/lookup (%s): %+v", tc.ct, lr)
		}
	}
	// An archived article by id.
	_, raw := get(t, srv, "/api/lookup?id=c1a", http.StatusOK)
	var lr archive.LookupResult
	if err := json.Unmarshal(raw, &lr); err != nil || lr.Verdict != archive.VerdictCopy || !lr.Query.InArchive {
		t.Errorf("GET /api/lookup?id=c1a: %s", raw)
	}
	get(t, srv, "/api/lookup?id=nope", http.StatusNotFound)
	_, raw = get(t, srv, "/api/lookup?url="+url.QueryEscape("https://www.copier.example/news/c1a/"), http.StatusOK)
	if err := json.Unmarshal(raw, &lr); err != nil || lr.Query.ID != "c1a" || lr.Verdict != archive.VerdictCopy {
		t.Errorf("GET /api/lookup?url=: %s", raw)
	}
	get(t, srv, "/api/lookup?url="+url.QueryEscape("https://nowhere.example/x"), http.StatusNotFound)
	get(t, srv, "/api/lookup", http.StatusBadRequest)
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func readAll(t *testing.T, res *http.Response) string {
	t.Helper()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := res.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return b.String()
}
