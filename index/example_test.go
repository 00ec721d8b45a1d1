package index_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/index"
)

// Index one cluster (an original and its copy) and find it with a query in
// the story's own language.
func ExampleIndex_Search() {
	dir, err := os.MkdirTemp("", "syndex-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ix, err := index.Open(filepath.Join(dir, "bleve"))
	if err != nil {
		log.Fatal(err)
	}
	defer ix.Close()

	published := time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC)
	doc := index.Doc{
		Cluster: "c1",
		Original: &article.Article{ID: "a1", URL: "https://origin.example/a1", Site: "origin.example", Lang: "fr",
			Title: "La banque centrale relève ses taux", Text: "Les banques centrales ont relevé leurs taux.", Published: published},
		Copies: []*article.Article{{ID: "a2", URL: "https://copier.example/a2", Site: "copier.example",
			Published: published.Add(24 * time.Hour), Similarity: 0.94}},
	}
	if err := ix.Upsert(context.Background(), []index.Doc{doc}); err != nil {
		log.Fatal(err)
	}
	res, err := ix.Search(context.Background(), index.Query{Text: "banques", Sites: []string{"copier.example"}})
	if err != nil {
		log.Fatal(err)
	}
	for _, h := range res.Hits {
		fmt.Println(h.Cluster, h.Title, h.Original.Site)
		for _, c := range h.Copies {
			fmt.Println("  copy:", c.Site, c.Published.Format(time.DateOnly), c.Similarity)
		}
	}
	// Output:
	// c1 La banque centrale relève ses taux origin.example
	//   copy: copier.example 2024-03-06 0.94
}
