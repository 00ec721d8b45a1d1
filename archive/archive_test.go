package archive

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/index"
)

const story = `The harbor authority voted on Tuesday to close the northern breakwater for eighteen months while engineers rebuild the crumbling seawall that protects the fishing fleet.

The repairs will cost an estimated forty two million dollars, most of it from a federal resilience grant awarded last spring after two winter storms tore holes in the structure.

Fishing captains said the closure would force them to use the smaller southern channel, which silts up quickly and cannot take the largest trawlers at low tide.

"We understand the wall has to be fixed, but nobody asked us how we are supposed to earn a living for a year and a half," said Marta Ellison, who runs three boats out of the harbor.

The authority promised to dredge the southern channel before the work begins in June and to review the schedule with the fleet every quarter.`

const other = `A new public library branch opened on Saturday in the Eastgate neighbourhood, the first new branch in the city in more than two decades.

The building, a converted textile warehouse, holds forty thousand books, a recording studio for teenagers and a rooftop reading garden planted with native grasses.

Librarians said more than three thousand people visited on the first day, many of them children who signed up for their first library card.

The branch will be open seven days a week thanks to a volunteer programme run with the neighbourhood association.`

func testArticles() []*article.Article {
	day := time.Date(2025, 3, 4, 9, 0, 0, 0, time.UTC)
	wrap := "Coastal Wire Daily brings you independent news.\n\nThe original source of this article is Harbor Ledger.\n\n" + story +
		"\n\nDonate today to keep Coastal Wire Daily free for everyone.\n\nDisclaimer: the views expressed are those of the authors and do not necessarily reflect the views of Coastal Wire Daily, its staff or its partners."
	return []*article.Article{
		{ID: "copy1", URL: "http://wire.example/s/breakwater", Title: "Breakwater to close", Text: wrap, Published: day.Add(26 * time.Hour), Source: "ledger.example", Lang: "en"},
		{ID: "orig", URL: "http://ledger.example/news/breakwater", Title: "Harbor authority closes breakwater for repairs", Text: story, Published: day, Lang: "en"},
		{ID: "lib", URL: "http://ledger.example/news/library", Title: "Eastgate library opens", Text: other, Published: day, Lang: "en"},
	}
}

func openT(t *testing.T, dir string) *Archive {
	t.Helper()
	a, err := Open(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func checkClusters(t *testing.T, a *Archive) {
	t.Helper()
	if err := a.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	orig, err := a.Store.Article("orig")
	if err != nil {
		t.Fatal(err)
	}
	cp, _ := a.Store.Article("copy1")
	lib, _ := a.Store.Article("lib")
	if orig.Role != article.RoleOriginal || cp.Role != article.RoleCopy || cp.Original != "orig" || cp.Cluster != orig.Cluster {
		t.Errorf("orig %s/%s/%s, copy %s/%s/%s", orig.Cluster, orig.Role, orig.Original, cp.Cluster, cp.Role, cp.Original)
	}
	if lib.Role != article.RoleUnique || lib.Cluster == orig.Cluster {
		t.Errorf("unrelated story: %s/%s", lib.Cluster, lib.Role)
	}
	res, err := a.Search(context.Background(), index.Query{Text: "breakwater", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || len(res.Hits) != 1 || res.Hits[0].Original.ID != "orig" || len(res.Hits[0].Copies) != 1 || res.Hits[0].Copies[0].ID != "copy1" {
		t.Errorf("search: %+v", res)
	}
	if n, _ := a.Index.Count(); n != 2 {
		t.Errorf("index holds %d stories, want 2", n)
	}
}

func TestIngestReopenAndRecover(t *testing.T) {
	dir := t.TempDir()
	a := openT(t, dir)
	// The copy arrives first; the original found later takes over.
	for _, art := range testArticles() {
		if err := a.Ingest(context.Background(), []*article.Article{art}); err != nil {
			t.Fatal(err)
		}
	}
	checkClusters(t, a)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}

	steps := []struct {
		name   string
		break_ func(t *testing.T)
	}{
		{"clean reopen", func(t *testing.T) {}},
		{"lost dedup checkpoint", func(t *testing.T) {
			os.Remove(filepath.Join(dir, DedupFile))
		}},
		{"torn dedup checkpoint", func(t *testing.T) {
			os.WriteFile(filepath.Join(dir, DedupFile), []byte{0, 0, 0, 0, 0, 0, 0, 3, 1, 2}, 0o644)
		}},
		{"index behind the store", func(t *testing.T) {
			ix, err := index.Open(filepath.Join(dir, BleveDir))
			if err != nil {
				t.Fatal(err)
			}
			ix.Delete(context.Background(), []string{"orig", "copy1"})
			ix.SetCheckpoint(1)
			ix.Close()
		}},
		{"corrupt index", func(t *testing.T) {
			os.WriteFile(filepath.Join(dir, BleveDir, "index_meta.json"), []byte("{garbage"), 0o644)
		}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			st.break_(t)
			a := openT(t, dir)
			defer a.Close()
			if a.Dedup.Len() != 3 {
				t.Errorf("dedup index holds %d articles after reopen, want 3", a.Dedup.Len())
			}
			checkClusters(t, a)
		})
	}
}

func TestReadJSONL(t *testing.T) {
	in := `{"id":"a","text":"one"}

{"id": nope}
{"url":"http://www.x.example/p","text":"two"}
{"text":"no id"}
`
	var got []*article.Article
	n, err := ReadJSONL(strings.NewReader(in), 1, func(b []*article.Article) error {
		got = append(got, b...)
		return nil
	})
	if n != 2 || len(got) != 2 {
		t.Fatalf("got %d good lines, want 2", n)
	}
	if got[1].Site != "x.example" || got[1].ID == "" {
		t.Errorf("defaults not filled: %+v", got[1])
	}
	if err == nil || !strings.Contains(err.Error(), "line 3") || !strings.Contains(err.Error(), "line 5") {
		t.Errorf("error %v should name lines 3 and 5", err)
	}
}

func TestReadOnlyWithoutArchive(t *testing.T) {
	_, err := Open(context.Background(), filepath.Join(t.TempDir(), "nothing"), Options{ReadOnly: true})
	if err == nil || !strings.Contains(err.Error(), "syndex crawl") {
		t.Fatalf("want a hint to create the archive, got %v", err)
	}
}
