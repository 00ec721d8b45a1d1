package extract_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/syndex/syndex/extract"
	"github.com/syndex/syndex/extract/evaluate"
)

// TestReadabilityBoundCorpus checks on real pages that Readability's text
// never measures more than the bound that decides whether it must run:
// SYNDEX_BOUND_CORPORA=DIR[,DIR...] go test -run TestReadabilityBoundCorpus -v ./extract/
// (the evaluation corpora; it runs Readability on every page). A page
// over the bound would mean the extraction could differ from
// go-trafilatura's full fallback comparison, for example after an update
// of go-readability.
func TestReadabilityBoundCorpus(t *testing.T) {
	dirs := os.Getenv("SYNDEX_BOUND_CORPORA")
	if dirs == "" {
		t.Skip("set SYNDEX_BOUND_CORPORA to evaluation corpus directories")
	}
	for _, dir := range strings.Split(dirs, ",") {
		pages, err := evaluate.LoadPages(dir)
		if err != nil {
			t.Fatal(err)
		}
		checked := 0
		for _, p := range pages {
			raw, err := evaluate.ReadFile(p.File)
			if err != nil {
				t.Fatal(err)
			}
			text, bound, err := extract.ReadabilityMeasures(raw, p.URL)
			if err != nil {
				t.Errorf("%s: %v", p.File, err)
				continue
			}
			if text < 0 {
				continue
			}
			checked++
			if text > bound {
				t.Errorf("%s: Readability's text measures %d, over the bound %d", p.File, text, bound)
			}
		}
		t.Logf("%s: %d pages, %d where Readability found text", filepath.Base(dir), len(pages), checked)
	}
}
