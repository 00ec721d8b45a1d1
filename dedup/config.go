package dedup

import (
	"errors"
	"fmt"
	"runtime"
)

// Config holds the tunables of near-duplicate detection; the yaml tags are
// the keys of the "dedup" section of the config file.
type Config struct {
	// Shingle is the number of words per shingle.
	Shingle int `yaml:"shingle"`
	// Sample keeps one shingle in Sample (by hash) as a feature; 1 keeps all.
	Sample int `yaml:"sample"`
	// Bands and Rows shape the LSH: Bands*Rows MinHash values per article.
	Bands int `yaml:"bands"`
	Rows  int `yaml:"rows"`
	// Containment is the minimum share of the smaller cleaned feature set
	// found in the other for a candidate to be a copy.
	Containment float64 `yaml:"containment"`
	// Jaccard is the minimum Jaccard similarity of the cleaned sets; it
	// stops a short snippet from matching a long article it is quoted in.
	Jaccard float64 `yaml:"jaccard"`
	// MinShared is the minimum number of shared cleaned features.
	MinShared int `yaml:"min_shared"`
	// Rewrite is the minimum share of a later article's cleaned features
	// found in an earlier one (both with publication dates, a day or more
	// apart when either is a bare date) for the later to be a rewrite of
	// the earlier, a copy even below Containment: a newspaper's rewrite of
	// agency copy takes most of its phrases from the source, an
	// independent report on the same event takes few. 0 turns the rule off.
	Rewrite float64 `yaml:"rewrite"`
	// Align is the minimum share of a later article's text (both dated,
	// a day to a week apart, on different sites) that stands in sentences
	// aligned to one sentence of the earlier article for the later to be
	// a rewrite of it (align.go): a rewrite rephrases the sentences it
	// keeps, an independent report of the event says other things. 0
	// turns the rule off.
	Align float64 `yaml:"align"`
	// Verify is the share of an article's whole text that must stand in
	// sentences aligned to one sentence of an earlier article of another
	// site (a week before it at most, sharing its rare words) for Run's
	// verifying stage to make it a copy of that article when clustering
	// left it unique (verify.go). 0 turns the stage off.
	Verify float64 `yaml:"verify"`
	// SiteMinDocs and SiteFrac: a feature seen in at least
	// max(SiteMinDocs, SiteFrac*articles of the site) articles of one site
	// is that site's boilerplate.
	SiteMinDocs int     `yaml:"site_min_docs"`
	SiteFrac    float64 `yaml:"site_frac"`
	// GlobalMinDocs and GlobalFrac: a feature seen in at least
	// max(GlobalMinDocs, GlobalFrac*all articles) articles is too common
	// to count as evidence.
	GlobalMinDocs int     `yaml:"global_min_docs"`
	GlobalFrac    float64 `yaml:"global_frac"`
	// PassageMinDocs and PassageRatio: a feature is a recurring passage
	// (boilerplate whatever the site) when at least PassageMinDocs
	// articles hold it and at least half of them also hold text of their
	// own: a quarter of their features held by at most 1/PassageRatio as
	// many articles. PassageRatio 0 turns the rule off.
	PassageMinDocs int     `yaml:"passage_min_docs"`
	PassageRatio   float64 `yaml:"passage_ratio"`
	// FurnitureSites: a cluster whose members are on at least this many
	// sites, all undated and unsigned, at plain (not story-like)
	// addresses, crediting nobody and near-identical, is site furniture
	// (furniture.go), and its members are reported unique. 0 turns the
	// rule off. The default, 6, is the least at which real wire copies
	// stripped of their dates and given plain addresses were never taken
	// for furniture (3 took 30 of 680 articles).
	FurnitureSites int `yaml:"furniture_sites"`
	// MaxCandidates caps how many LSH candidates are verified per article.
	MaxCandidates int `yaml:"max_candidates"`
	// Workers is the number of goroutines Run uses for shingling; 0 means
	// GOMAXPROCS. Results do not depend on it.
	Workers int `yaml:"workers"`
}

// DefaultConfig returns settings tuned on the synthetic syndication set.
func DefaultConfig() Config {
	return Config{
		Shingle:        3,
		Sample:         4,
		Bands:          32,
		Rows:           2,
		Containment:    0.5,
		Jaccard:        0.05,
		MinShared:      3,
		Rewrite:        0.25,
		Align:          0.58,
		Verify:         0.7,
		SiteMinDocs:    3,
		SiteFrac:       0.2,
		GlobalMinDocs:  200,
		GlobalFrac:     0.01,
		PassageMinDocs: 5,
		PassageRatio:   4,
		FurnitureSites: 6,
		MaxCandidates:  256,
	}
}

// Validate reports the first field that is out of range.
func (c Config) Validate() error {
	var errs []error
	check := func(ok bool, field, why string) {
		if !ok {
			errs = append(errs, fmt.Errorf("dedup.%s: %s", field, why))
		}
	}
	check(c.Shingle >= 1 && c.Shingle <= 8, "shingle", "must be between 1 and 8")
	check(c.Sample >= 1 && c.Sample <= 64, "sample", "must be between 1 and 64")
	check(c.Bands >= 1 && c.Bands <= 256, "bands", "must be between 1 and 256")
	check(c.Rows >= 1 && c.Rows <= 16, "rows", "must be between 1 and 16")
	check(c.Containment > 0 && c.Containment <= 1, "containment", "must be in (0, 1]")
	check(c.Jaccard >= 0 && c.Jaccard <= 1, "jaccard", "must be in [0, 1]")
	check(c.MinShared >= 1, "min_shared", "must be at least 1")
	check(c.Rewrite >= 0 && c.Rewrite <= 1, "rewrite", "must be in [0, 1] (0 turns the rule off)")
	check(c.Align >= 0 && c.Align <= 1, "align", "must be in [0, 1] (0 turns the rule off)")
	check(c.Verify >= 0 && c.Verify <= 1, "verify", "must be in [0, 1] (0 turns the stage off)")
	check(c.SiteMinDocs >= 2, "site_min_docs", "must be at least 2")
	check(c.SiteFrac >= 0 && c.SiteFrac <= 1, "site_frac", "must be in [0, 1]")
	check(c.GlobalMinDocs >= 2, "global_min_docs", "must be at least 2")
	check(c.GlobalFrac >= 0 && c.GlobalFrac <= 1, "global_frac", "must be in [0, 1]")
	check(c.PassageMinDocs >= 2, "passage_min_docs", "must be at least 2")
	check(c.PassageRatio == 0 || c.PassageRatio >= 1, "passage_ratio", "must be 0 (off) or at least 1")
	check(c.FurnitureSites == 0 || c.FurnitureSites >= 2, "furniture_sites", "must be 0 (off) or at least 2")
	check(c.MaxCandidates >= 1, "max_candidates", "must be at least 1")
	check(c.Workers >= 0, "workers", "must not be negative")
	return errors.Join(errs...)
}

// workers is the number of goroutines Run uses: Workers, or one per
// processor when it is 0.
func (c Config) workers() int {
	if c.Workers <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return c.Workers
}
