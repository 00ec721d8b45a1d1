package dedup_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
)

const story = "The harbour authority approved the new breakwater on Tuesday after two years of hearings. " +
	"Engineers said the structure would protect the old town from winter storms and rising water. " +
	"Construction is expected to begin in spring and to last three seasons, the authority said."

// Incremental use: the crawler adds each article as it arrives.
func ExampleClusterer_Add() {
	ix := dedup.NewClusterer(dedup.DefaultConfig())
	ix.Add(&article.Article{ID: "copy", URL: "https://mirror.example/x", Text: "Republished. " + story, Source: "harbour-news.example"})
	changed := ix.Add(&article.Article{ID: "orig", URL: "https://harbour-news.example/breakwater", Text: story})
	for _, as := range changed {
		fmt.Println(as.ID, as.Role, as.Original, as.Evidence)
	}
	// Output:
	// orig original orig [attribution]
	// copy copy orig [attribution]
}

// Offline use: one Assignment per input line, in input order.
func ExampleRun() {
	in := strings.NewReader(
		`{"id":"a","site":"one.example","published":"2024-05-01T08:00:00Z","text":"` + story + `"}` + "\n" +
			`{"id":"b","site":"two.example","published":"2024-05-02T08:00:00Z","text":"` + story + ` Read more at one.example"}` + "\n")
	if _, err := dedup.Run(context.Background(), in, os.Stdout, dedup.DefaultConfig()); err != nil {
		fmt.Println(err)
	}
	// Output:
	// {"id":"a","cluster":"a","role":"original","original":"a","similarity":1,"original_share":1,"copy_share":1,"evidence":["earliest-published"]}
	// {"id":"b","cluster":"a","role":"copy","original":"a","similarity":1,"original_share":1,"copy_share":1,"evidence":["earliest-published"]}
}
