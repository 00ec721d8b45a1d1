package extract

import (
	"strings"
	"sync"

	"github.com/cespare/xxhash/v2"

	"github.com/syndex/syndex/extract/internal/scan"
)

// siteModel learns, per site, which paragraphs repeat across pages:
// disclaimers, donation appeals, newsletter boxes. A paragraph seen on at
// least minPages distinct pages of a site is boilerplate there.
type siteModel struct {
	mu       sync.Mutex
	minPages int
	maxParas int // per-site cap on tracked paragraphs, bounds memory
	sites    map[string]*siteStats
}

type siteStats struct {
	// pages maps a paragraph hash to the distinct page hashes it was seen
	// on, capped at minPages entries (more adds nothing).
	pages map[uint64][]uint64
}

func newSiteModel(minPages, maxParas int) *siteModel {
	return &siteModel{minPages: minPages, maxParas: maxParas, sites: map[string]*siteStats{}}
}

// minBoilerplateLen skips tiny paragraphs ("Share", "Advertisement"): too
// common to be informative and not worth recording.
const minBoilerplateLen = 25

// paraKey hashes a paragraph insensitive to case and spacing.
func paraKey(s string) uint64 {
	return xxhash.Sum64String(strings.ToLower(scan.CollapseSpace(s)))
}

// observe records the page's paragraphs and reports, for each, whether it
// is boilerplate on this site now (counting this page).
func (m *siteModel) observe(site, page string, paras []string) []bool {
	out := make([]bool, len(paras))
	if m == nil || m.minPages <= 0 || site == "" {
		return out
	}
	pk := xxhash.Sum64String(page)
	m.mu.Lock()
	defer m.mu.Unlock()
	st := m.sites[site]
	if st == nil {
		st = &siteStats{pages: map[uint64][]uint64{}}
		m.sites[site] = st
	}
	for i, p := range paras {
		if len(p) < minBoilerplateLen {
			continue
		}
		k := paraKey(p)
		seen, ok := st.pages[k]
		if !ok && len(st.pages) >= m.maxParas {
			continue
		}
		dup := false
		for _, s := range seen {
			if s == pk {
				dup = true
				break
			}
		}
		if !dup && len(seen) < m.minPages {
			seen = append(seen, pk)
			st.pages[k] = seen
		}
		out[i] = len(seen) >= m.minPages
	}
	return out
}
