// Package demo holds what `syndex demo` checks against the embedded news
// network (internal/farm) and the archive directory it may use: the
// network's ground truth (which copy came from which original), the site
// furniture that must not be reported as syndication, the hostile
// outlet's pages, and the sample search. The command runs the crawl and
// prints; this package decides what went wrong.
package demo

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/extract"
	"github.com/syndex/syndex/internal/farm"
	"github.com/syndex/syndex/report"
)

// Marker marks an archive directory written by the demo, which a later
// demo may overwrite; any other non-empty directory is refused.
const Marker = "DEMO"

// ErrNotDemo is returned for a non-empty directory the demo did not
// write.
var ErrNotDemo = errors.New("holds an archive not written by the demo; pick an empty --data DIR")

// PrepareDir makes dir ready for a demo: an empty or missing directory is
// created and marked, an old demo's archive is cleared, anything else is
// refused with ErrNotDemo.
func PrepareDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) || (err == nil && len(entries) == 0) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, Marker), []byte("written by syndex demo; a later demo may overwrite this archive\n"), 0o644)
	}
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(dir, Marker)); err != nil {
		return fmt.Errorf("%s %w", dir, ErrNotDemo)
	}
	for _, e := range entries {
		if e.Name() != Marker {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

// Check lists what the demo got wrong: copies not attributed to their
// original (Attribution), furniture pages in the report (Furniture) and,
// with hostile, the hostile outlet's pages left in the archive (Hostile).
func Check(f *farm.Farm, a *archive.Archive, rep *report.Report, arts []*article.Article, hostile bool) []string {
	problems := Attribution(f, a)
	problems = append(problems, Furniture(f, rep)...)
	if hostile {
		problems = append(problems, Hostile(f, arts)...)
	}
	return problems
}

// Attribution compares the archive's clusters with the network's ground
// truth and returns one line per copy that was not attributed correctly.
func Attribution(f *farm.Farm, a *archive.Archive) []string {
	var problems []string
	for _, s := range f.Truth() {
		orig, err := a.Store.ArticleByURL(s.URL)
		if err != nil {
			problems = append(problems, fmt.Sprintf("original %s not archived", s.URL))
			continue
		}
		for _, c := range s.Copies {
			cp, err := a.Store.ArticleByURL(c.URL)
			switch {
			case err != nil:
				problems = append(problems, fmt.Sprintf("copy %s not archived", c.URL))
			case cp.Cluster != orig.Cluster:
				problems = append(problems, fmt.Sprintf("copy %s not grouped with %s", c.URL, s.URL))
			case cp.Original != orig.ID:
				problems = append(problems, fmt.Sprintf("copy %s: original chosen is %s, want %s", c.URL, cp.Original, orig.ID))
			}
		}
	}
	return problems
}

// Furniture returns one line per furniture page (contact, donation,
// privacy pages) that the report lists as an original or a copy.
func Furniture(f *farm.Farm, rep *report.Report) []string {
	furniture := f.Furniture()
	var problems []string
	for _, c := range rep.Clusters {
		if slices.Contains(furniture, c.Original.URL) {
			problems = append(problems, fmt.Sprintf("furniture page %s reported as an original", c.Original.URL))
		}
		for _, cp := range c.Copies {
			if slices.Contains(furniture, cp.URL) {
				problems = append(problems, fmt.Sprintf("furniture page %s reported as a copy", cp.URL))
			}
		}
	}
	return problems
}

// Hostile lists what the hostile outlet wrongly left in the archive: only
// its page declared an article may be stored, with its text cut to the
// extraction bound.
func Hostile(f *farm.Farm, arts []*article.Article) []string {
	var problems []string
	huge := false
	for _, a := range arts {
		if !strings.HasPrefix(a.URL, f.HostileBase()+"/") {
			continue
		}
		switch {
		case a.URL != f.HostileBase()+"/huge":
			problems = append(problems, fmt.Sprintf("hostile page %s stored as an article", a.URL))
		case len(a.Text) > extract.DefaultMaxText:
			problems = append(problems, fmt.Sprintf("hostile page %s keeps %d bytes of text", a.URL, len(a.Text)))
		default:
			huge = true
		}
	}
	if !huge {
		problems = append(problems, "the hostile 40 MiB article was not stored")
	}
	return problems
}

// SampleQuery builds a search for the first copied story of the network
// from the longest words of its headline.
func SampleQuery(f *farm.Farm) string {
	for _, s := range f.Truth() {
		if len(s.Copies) == 0 {
			continue
		}
		words := strings.FieldsFunc(s.Title, func(r rune) bool { return !unicode.IsLetter(r) })
		slices.SortStableFunc(words, func(a, b string) int { return len(b) - len(a) })
		if len(words) > 2 {
			words = words[:2]
		}
		return strings.ToLower(strings.Join(words, " "))
	}
	return "news"
}
