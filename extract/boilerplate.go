package extract

import (
	"slices"
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
		if len(p) >= minBoilerplateLen {
			out[i] = m.record(st, paraKey(p), pk)
		}
	}
	return out
}

// record notes that the paragraph of key k is on the page of key pk (up to
// minPages pages, for at most maxParas paragraphs) and reports whether it
// is on enough pages to be boilerplate.
func (m *siteModel) record(st *siteStats, k, pk uint64) bool {
	seen, ok := st.pages[k]
	if !ok && len(st.pages) >= m.maxParas {
		return false
	}
	if !slices.Contains(seen, pk) && len(seen) < m.minPages {
		seen = append(seen, pk)
		st.pages[k] = seen
	}
	return len(seen) >= m.minPages
}
