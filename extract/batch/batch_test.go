package batch

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/extract"
)

const storyHTML = `<!doctype html><html><head><title>Council passes the harbour budget</title></head><body>
<article><h1>Council passes the harbour budget</h1><p>By Ana Lopez</p>
<p>The city council voted on Tuesday to pass the harbour budget after a long debate about dredging, wages and the ferry terminal that took most of the evening.</p>
<p>Supporters said the plan would keep the port open to larger ships for another decade, while opponents warned that the cost of dredging had doubled since the last estimate.</p>
<p>The budget now goes to the mayor, who has ten days to sign it or send it back to the council with her objections.</p>
</article></body></html>`

// TestRun: a directory's pages are extracted and emitted with their ids,
// a damaged file is reported by name and the rest goes on, and a named
// file without --url gets its file:// URL.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "site")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, body string) string {
		p := filepath.Join(sub, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("a.html", storyHTML)
	write("b.htm", strings.Replace(storyHTML, "harbour", "airport", -1))
	bad := write("c.html.gz", "not gzip at all")
	write("notes.txt", "not a page")

	var got []*article.Article
	failed := map[string]bool{}
	opt := Options{All: true,
		Emit: func(a *article.Article) error { got = append(got, a); return nil },
		Fail: func(name string, err error) { failed[name] = true }}
	st, err := Run(context.Background(), extract.New(extract.Options{}), []string{dir}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if st.Pages != 2 || st.Printed != 2 || st.Failed != 1 || len(got) != 2 {
		t.Fatalf("stats %+v, %d emitted; want 2 pages printed, 1 failed", st, len(got))
	}
	if !failed[bad] {
		t.Errorf("failures %v, want %s named", failed, bad)
	}
	for _, a := range got {
		if !strings.HasPrefix(a.URL, "file:///") || a.ID != article.IDFor(a.URL) {
			t.Errorf("article url %q id %q: want a file:// URL and its id", a.URL, a.ID)
		}
	}

	// stdin without a URL: the id comes from the content.
	got = nil
	opt.Stdin = strings.NewReader(storyHTML)
	if _, err := Run(context.Background(), extract.New(extract.Options{}), []string{"-"}, opt); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != ContentID([]byte(storyHTML)) {
		t.Fatalf("stdin: %d articles, id %v; want one with the content id", len(got), got)
	}
}

func TestIsPageName(t *testing.T) {
	for name, want := range map[string]bool{"a.html": true, "A.HTM.gz": true, "x.xhtml": true, "p.shtml": true, "a.txt": false, "a.html.bz2": false} {
		if IsPageName(name) != want {
			t.Errorf("IsPageName(%q) = %v, want %v", name, !want, want)
		}
	}
}
