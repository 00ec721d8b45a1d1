package facets

import (
	"sync"
)

// Memo remembers the facet counts of the last queries, for an index no
// batch has changed since: the web UI asks the same query again for each
// page of hits, and its facets do not change with the page. The counts
// are kept by a key naming what they depend on (the index's caller
// names the query's filters and text, not its sort, page or histogram
// interval) and the index's write count. The zero Memo is ready.
type Memo struct {
	mu      sync.Mutex
	writes  uint64
	entries map[string]Counts
	order   []string
}

// memoSize is how many queries' counts are kept.
const memoSize = 64

// Reset forgets every count.
func (m *Memo) Reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.entries, m.order = nil, nil
}

// Get returns the counts kept for key, counted on the index as it is at
// writes.
func (m *Memo) Get(key string, writes uint64) (Counts, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.writes != writes {
		return Counts{}, false
	}
	c, ok := m.entries[key]
	return c, ok
}

// Put keeps c for key, counted on the index as it was at writes.
func (m *Memo) Put(key string, writes uint64, c Counts) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.writes != writes || m.entries == nil {
		m.writes, m.entries, m.order = writes, map[string]Counts{}, nil
	}
	if _, ok := m.entries[key]; ok {
		return
	}
	if len(m.order) == memoSize {
		delete(m.entries, m.order[0])
		m.order = m.order[1:]
	}
	m.entries[key] = c
	m.order = append(m.order, key)
}
