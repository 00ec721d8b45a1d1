package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/config"
	"github.com/syndex/syndex/index"
	"github.com/syndex/syndex/warc"
)

// CaptureFormats are the formats of a capture export (`syndex export
// --format wacz|warc`): the archived records of a selection of articles,
// for replay tools.
var CaptureFormats = []string{"wacz", "warc"}

// ErrNoCluster says a selected cluster does not exist.
var ErrNoCluster = errors.New("no such cluster")

// QueryError is the failure of a selection's search query.
type QueryError struct{ Err error }

func (e *QueryError) Error() string { return e.Err.Error() }
func (e *QueryError) Unwrap() error { return e.Err }

// Source is what a selection reads: clusters by id, the search, and
// every article in arrival order.
type Source interface {
	Cluster(id string) ([]*article.Article, error)
	Search(ctx context.Context, q index.Query) (*index.Result, error)
	All(ctx context.Context) iter.Seq2[*article.Article, error]
}

// Selection names the articles whose captures are exported: every member
// of the clusters and of the clusters the query finds, and every article
// of the sites; nothing named selects the whole archive. A Sites value is
// read by config.ExpandSite over Collections: a collection (NAME or
// @NAME) stands for its sites. NoIndex filters the selected articles by
// their noindex marking.
type Selection struct {
	Clusters    []string
	Sites       []string
	Collections map[string][]string // the config's collections
	Query       string
	NoIndex     article.NoIndexMode
}

// SiteError is a Sites value that is neither a site nor a collection.
type SiteError struct{ Err error }

func (e *SiteError) Error() string { return e.Err.Error() }
func (e *SiteError) Unwrap() error { return e.Err }

// Select gathers the selected articles in arrival order and describes
// the selection ("cluster X, site Y, noindex exclude").
func Select(ctx context.Context, src Source, sel Selection) ([]*article.Article, string, error) {
	want, desc, err := sel.wanted(ctx, src)
	if err != nil {
		return nil, "", err
	}
	siteSet, siteDesc, err := sel.siteSet()
	if err != nil {
		return nil, "", err
	}
	desc = append(desc, siteDesc...)
	all := len(want) == 0 && len(siteSet) == 0
	if all {
		if desc, err = sel.whole(desc); err != nil {
			return nil, "", err
		}
	}
	out, err := gather(ctx, src, func(art *article.Article) bool { return all || want[art.ID] || siteSet[art.Site] })
	if err != nil {
		return nil, "", err
	}
	if len(out) == 0 {
		return nil, "", fmt.Errorf("export: the selection (%s) holds no articles", strings.Join(desc, ", "))
	}
	out, d := sel.filterNoIndex(out, strings.Join(desc, ", "))
	return out, d, nil
}

// whole adds "the whole archive" to the description desc of a selection
// that found no article: the whole archive when it names none, else an
// error (clusters or a query that hold nothing).
func (sel Selection) whole(desc []string) ([]string, error) {
	if len(sel.Clusters) > 0 || sel.Query != "" {
		return nil, fmt.Errorf("export: the selection (%s) holds no articles", strings.Join(desc, ", "))
	}
	return append(desc, "the whole archive"), nil
}

// siteSet is the selected sites as article sites are named (lower case,
// without www.; a collection's sites for a collection), with their
// description; a value that is neither a site nor a collection is a
// *SiteError.
func (sel Selection) siteSet() (map[string]bool, []string, error) {
	set := map[string]bool{}
	var desc []string
	for _, v := range sel.Sites {
		site, sites, err := config.ExpandSite(sel.Collections, v)
		if err != nil {
			return nil, nil, &SiteError{Err: err}
		}
		if site != "" {
			set[site] = true
			desc = append(desc, "site "+v)
			continue
		}
		for _, s := range sites {
			set[s] = true
		}
		desc = append(desc, fmt.Sprintf("collection %s (%s)", strings.TrimPrefix(strings.TrimSpace(v), "@"), strings.Join(sites, ", ")))
	}
	return set, desc, nil
}

// filterNoIndex keeps the articles the NoIndex mode keeps, and adds the
// mode to the description desc unless it keeps them all.
func (sel Selection) filterNoIndex(arts []*article.Article, desc string) ([]*article.Article, string) {
	if sel.NoIndex == article.NoIndexKeep {
		return arts, desc
	}
	arts = slices.DeleteFunc(arts, func(art *article.Article) bool { return !sel.NoIndex.Keeps(art.NoIndex) })
	return arts, desc + ", noindex " + string(sel.NoIndex)
}

// wanted returns the ids of the articles of the selected clusters and of
// the clusters the query finds, with their description.
func (sel Selection) wanted(ctx context.Context, src Source) (map[string]bool, []string, error) {
	want := map[string]bool{} // article ids
	desc, err := sel.addClusters(src, want)
	if err != nil || sel.Query == "" {
		return want, desc, err
	}
	n, err := sel.addQuery(ctx, src, want)
	if err != nil {
		return nil, nil, err
	}
	return want, append(desc, fmt.Sprintf("query %q (%d clusters)", sel.Query, n)), nil
}

// gather returns the source's articles that keep accepts, in arrival
// order.
func gather(ctx context.Context, src Source, keep func(*article.Article) bool) ([]*article.Article, error) {
	var out []*article.Article
	for art, err := range src.All(ctx) {
		if err != nil {
			return nil, err
		}
		if keep(art) {
			out = append(out, art)
		}
	}
	return out, nil
}

// addClusters adds the members of the named clusters to want.
func (sel Selection) addClusters(src Source, want map[string]bool) ([]string, error) {
	var desc []string
	for _, c := range sel.Clusters {
		members, err := src.Cluster(c)
		if err != nil {
			return nil, fmt.Errorf("cluster %s: %w", c, err)
		}
		if len(members) == 0 {
			return nil, fmt.Errorf("cluster %s: %w", c, ErrNoCluster)
		}
		for _, m := range members {
			want[m.ID] = true
		}
		desc = append(desc, "cluster "+c)
	}
	return desc, nil
}

// addQuery adds the members of every cluster the query finds to want and
// returns how many clusters it found.
func (sel Selection) addQuery(ctx context.Context, src Source, want map[string]bool) (int, error) {
	n := 0
	for off := 0; ; off += index.MaxLimit {
		res, err := src.Search(ctx, index.Query{Text: sel.Query, Limit: index.MaxLimit, Offset: off})
		if err != nil {
			return n, &QueryError{err}
		}
		for _, h := range res.Hits {
			members, err := src.Cluster(h.Cluster)
			if err != nil {
				return n, err
			}
			for _, m := range members {
				want[m.ID] = true
			}
			n++
		}
		if len(res.Hits) < index.MaxLimit || uint64(off+len(res.Hits)) >= res.Total {
			return n, nil
		}
	}
}

// Captures are the archived records of selected articles, gathered for
// a WACZ or a WARC.
type Captures struct {
	Desc     string // the selection, as Select describes it
	NoRecord int    // articles without an archived record (imported as JSONL)
	Failed   int    // records that could not be read

	b        *warc.Bundle
	software string
}

// CaptureOptions say where the records are and who writes them.
type CaptureOptions struct {
	// WARCDir is the archive's WARC directory: a crawled page's record
	// is read there, whatever directory its location names.
	WARCDir string
	// Software names the writer ("syndex/VERSION").
	Software string
	// Original, when set, names the record an imported revisit record
	// repeats ("" for any other location): the page written under the
	// article's URL and date is that record's.
	Original func(loc string) string
	// Warn receives each record that cannot be read; the others go on.
	Warn func(art *article.Article, err error)
}

// Collect gathers the archived record of each article. It fails when no
// article has a readable one.
func Collect(arts []*article.Article, desc string, opt CaptureOptions) (*Captures, error) {
	info := []warc.Field{{Name: "software", Value: opt.Software}, {Name: "description", Value: "syndex export: " + desc}}
	b, err := warc.NewBundle("data.warc.gz", info)
	if err != nil {
		return nil, err
	}
	c := &Captures{Desc: desc, b: b, software: opt.Software}
	for _, art := range arts {
		loc := art.WARC
		if loc == "" {
			c.NoRecord++
			continue
		}
		if err := b.Add(opt.recordAt(loc), art.URL, art.Fetched, art.Title); err != nil {
			c.Failed++
			if opt.Warn != nil {
				opt.Warn(art, err)
			}
		}
	}
	if b.Len() == 0 {
		b.Close()
		return nil, fmt.Errorf("export: none of the %d selected articles has a readable archived record (%d were imported as JSONL, without one)", len(arts), c.NoRecord)
	}
	return c, nil
}

// recordAt is where the record an article's WARC location loc names is
// read: a crawled page's in the archive's WARC directory, an imported
// page's where it was imported from (or, for a revisit, the record it
// repeats).
func (opt CaptureOptions) recordAt(loc string) string {
	if src, _, _, err := warc.ParseLocation(loc); err == nil && !filepath.IsAbs(src.Path) {
		return filepath.Join(opt.WARCDir, filepath.Base(loc))
	}
	if opt.Original != nil {
		if orig := opt.Original(loc); orig != "" {
			return orig
		}
	}
	return loc
}

// Len is the number of captures gathered.
func (c *Captures) Len() int { return c.b.Len() }

// Write writes the captures as a WARC, or as a WACZ titled title
// (default: "syndex: " and the selection).
func (c *Captures) Write(w io.Writer, format, title string) error {
	if format == "warc" {
		return c.b.WriteWARC(w)
	}
	if title == "" {
		title = "syndex: " + c.Desc
	}
	return c.b.WriteWACZ(w, warc.WACZInfo{Title: title, Description: fmt.Sprintf("%d captures of %s, exported by syndex", c.b.Len(), c.Desc),
		Software: c.software, Created: time.Now()})
}

// Close removes the gathered records' temporary file.
func (c *Captures) Close() error { return c.b.Close() }
