package dedup

import (
	"cmp"
	"slices"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup/shingle"
)

// Probe is a text to look up in the clusterer: a page that may be a copy of an
// archived story. Only Text is required. Site, when the clusterer knows it,
// lets that site's boilerplate be discounted as it is for archived
// articles; Exclude names an archived article to leave out (the probe
// itself, when it is in the archive).
type Probe struct {
	Text    string
	Site    string
	Exclude string
}

// Match is the probe compared with one archived article, on the same
// cleaned feature sets and thresholds that Add uses.
type Match struct {
	ID      string       // the archived article
	Cluster string       // its cluster (its own id when unique)
	Role    article.Role // its role in the cluster
	// Shared is the number of cleaned features the two texts share;
	// ProbeFeatures and DocFeatures the sizes of their cleaned sets.
	Shared, ProbeFeatures, DocFeatures int
	// ProbeShare is the share of the probe's text found in the article
	// (the probe's copy share when the article is the original);
	// DocShare the share of the article's text found in the probe (the
	// original's share the probe carries).
	ProbeShare, DocShare float64
	// Containment (share of the smaller set in the larger) and Jaccard
	// are what the copy rule tests.
	Containment, Jaccard float64
	// Copy reports whether the probe passes the clusterer's copy thresholds
	// against this article.
	Copy bool
}

// Score orders matches: containment plus Jaccard, as Add ranks the
// clusters an article may join.
func (m Match) Score() float64 { return m.Containment + m.Jaccard }

// ClusterMatch is one cluster the probe shares text with.
type ClusterMatch struct {
	Cluster  string   // cluster id (an article id for a unique article)
	Original string   // id of the cluster's original
	Evidence []string // why the original was chosen
	Members  int      // articles in the cluster
	// ToOriginal is the probe compared with the original; Best is the
	// member the probe matches best (often the original, sometimes the
	// copy the probe was taken from).
	ToOriginal, Best Match
	// Copy reports whether the probe is a copy of the cluster's original
	// by the clusterer's rules: the test an archived article must pass to
	// join the cluster.
	Copy bool
}

// Score is the ranking score of a cluster match: a cluster whose original
// the probe copies ranks by that match; another by its best member.
func (c ClusterMatch) Score() float64 {
	if c.Copy {
		return 2 + c.ToOriginal.Score() // copies of the original first
	}
	return c.Best.Score()
}

// lookupCandidateFactor scales MaxCandidates into the articles a lookup
// verifies: more than Add verifies, because one lookup can afford what
// every Add cannot.
const lookupCandidateFactor = 4

// Lookup finds the archived articles and clusters whose text the probe
// shares, ranked with the clusters whose original the probe copies first
// (by containment plus Jaccard against the original), then the clusters
// it only shares some text with; at most limit clusters (all when limit
// ≤ 0). A cluster is listed when the probe shares at least MinShared
// cleaned features with one of its members.
//
// Lookup never changes the clusterer: it uses its own scratch space and reads
// stale feature partitions without rewriting them, so any number of
// lookups may run at once, as long as no Add runs concurrently (guard the
// clusterer with a RWMutex, lookups taking the read side).
func (ix *Clusterer) Lookup(p Probe, limit int) []ClusterMatch {
	lk := lookup{ix: ix}
	keys, ok := lk.probe(p)
	if !ok {
		return nil
	}
	lk.exclude, lk.hasExclude = ix.byID[p.Exclude]
	byCluster := map[string]*ClusterMatch{}
	var order []string
	for _, c := range lk.candidates(keys) {
		m := lk.compare(c)
		if m.Shared < ix.cfg.MinShared {
			continue
		}
		if cm, ok := byCluster[m.Cluster]; ok {
			if m.Score() > cm.Best.Score() {
				cm.Best = m
			}
			continue
		}
		byCluster[m.Cluster] = lk.clusterMatch(c, m)
		order = append(order, m.Cluster)
	}
	return ranked(byCluster, order, limit)
}

// lookup is the state of one Lookup: the probe's cleaned features and
// quoted features, the article left out, and its own scratch.
type lookup struct {
	ix         *Clusterer
	clean      []uint32
	quoted     []uint32
	exclude    uint32
	hasExclude bool
	scratch    []uint32
}

// probe reads the probe's features without the noise the clusterer knows
// (the probe's site's, when the clusterer knows the site) and returns its
// LSH band keys; false when nothing is left.
func (lk *lookup) probe(p Probe) ([]uint32, bool) {
	ix := lk.ix
	sh := shingle.New(ix.cfg.Shingle, ix.cfg.Sample)
	fs := sh.Features(p.Text, nil)
	lk.quoted = sh.QuotedFeatures()
	si, known := ix.siteByNm[siteKey(p.Site)]
	lk.clean = fs[:0:0]
	for _, f := range fs {
		if (known && ix.siteNoise(si, f)) || ix.globalNoise(f) {
			continue
		}
		lk.clean = append(lk.clean, f)
	}
	if len(lk.clean) == 0 {
		return nil, false
	}
	sk := make([]uint32, ix.cfg.Bands*ix.cfg.Rows)
	keys := make([]uint32, ix.cfg.Bands)
	sketch(lk.clean, sk)
	bandTags(sk, ix.cfg.Rows, keys)
	return keys, true
}

// candidates returns the live articles the LSH proposes for keys (not
// the one left out), at most lookupCandidateFactor times MaxCandidates,
// sorted.
func (lk *lookup) candidates(keys []uint32) []uint32 {
	ix := lk.ix
	seen := map[uint32]bool{}
	var cands []uint32
	maxC := ix.cfg.MaxCandidates * lookupCandidateFactor
	ix.lsh.candidates(keys, func(c uint32) bool {
		if seen[c] || ix.docs[c].dead || (lk.hasExclude && c == lk.exclude) {
			return true
		}
		seen[c] = true
		cands = append(cands, c)
		return len(cands) < maxC
	})
	slices.Sort(cands)
	return cands
}

// compare verifies the probe against article di.
func (lk *lookup) compare(di uint32) Match {
	ix := lk.ix
	var docSet []uint32
	docSet, lk.scratch = ix.cleanView(di, lk.scratch)
	m := matchOf(lk.clean, docSet, lk.quoted, ix.docs[di].quotedFeats())
	d := &ix.docs[di]
	role := d.role
	if ix.furniture(di) {
		role = article.RoleUnique // each page of a template is its own
	}
	cm := Match{ID: d.id, Cluster: d.id, Role: role, Shared: m.inter, ProbeFeatures: m.na, DocFeatures: m.nb,
		ProbeShare: round4(m.inA()), Containment: round4(m.containment()), Jaccard: round4(m.jaccard()), Copy: ix.isCopy(m)}
	cm.DocShare = round4(shareOf(m.inter, m.nb))
	if d.cluster != noCluster && !ix.furniture(di) {
		cm.Cluster = ix.clusters[d.cluster].id
	}
	return cm
}

// clusterMatch starts the match of the cluster of c, the first of its
// members the probe matches (m): with the match against its original
// (verified now when c is not the original).
func (lk *lookup) clusterMatch(c uint32, m Match) *ClusterMatch {
	ix := lk.ix
	d := &ix.docs[c]
	cm := &ClusterMatch{Cluster: m.Cluster, Original: m.ID, Members: 1, Evidence: []string{}, Best: m}
	switch {
	case ix.furniture(c):
		cm.ToOriginal = m
		cm.Evidence = append(cm.Evidence, article.EvidenceFurniture)
	case d.cluster != noCluster:
		cl := &ix.clusters[d.cluster]
		cm.Original, cm.Members = ix.docs[cl.original].id, len(cl.members)
		cm.Evidence = append(cm.Evidence, cl.evidence...)
		if cl.original == c {
			cm.ToOriginal = m
		} else if !(lk.hasExclude && cl.original == lk.exclude) && !ix.docs[cl.original].dead {
			cm.ToOriginal = lk.compare(cl.original)
		}
	default:
		cm.ToOriginal = m
	}
	return cm
}

// ranked returns the cluster matches in order of score (ties by cluster
// id), at most limit (all when limit ≤ 0); a cluster's best match is its
// original's when that scores as high.
func ranked(byCluster map[string]*ClusterMatch, order []string, limit int) []ClusterMatch {
	out := make([]ClusterMatch, 0, len(order))
	for _, id := range order {
		cm := byCluster[id]
		if cm.ToOriginal.Score() >= cm.Best.Score() && cm.ToOriginal.ID != "" {
			cm.Best = cm.ToOriginal
		}
		cm.Copy = cm.ToOriginal.Copy
		out = append(out, *cm)
	}
	slices.SortStableFunc(out, func(a, b ClusterMatch) int {
		return cmp.Or(cmp.Compare(b.Score(), a.Score()), cmp.Compare(a.Cluster, b.Cluster))
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// cleanView returns di's cleaned features without changing the clusterer:
// the partition stored with the document when it is current, else the
// features filtered anew into scratch (returned for reuse).
func (ix *Clusterer) cleanView(di uint32, scratch []uint32) ([]uint32, []uint32) {
	d := &ix.docs[di]
	st := &ix.sites[d.site]
	if d.cleaned && d.siteEpoch == st.epoch && d.globalEpoch == ix.globalEpoch {
		return d.feats[:d.nClean], scratch
	}
	out := scratch[:0]
	for _, f := range d.feats {
		if !ix.isNoise(d.site, f) {
			out = append(out, f)
		}
	}
	// The stored set is sorted in two runs (clean, then noise) once it
	// has been partitioned: sort the union for the merge in Shared.
	slices.Sort(out)
	return out, out
}

// siteNoise reports whether f is boilerplate of site si.
func (ix *Clusterer) siteNoise(si uint32, f uint32) bool {
	st := ix.sites[si].freq
	c := st.count(f)
	return c > 0 && c >= st.threshold(ix.cfg.SiteMinDocs, ix.cfg.SiteFrac)
}

// siteKey reduces a site or host name to the form the clusterer files sites
// under (lower case, without "www.").
func siteKey(s string) string {
	if s == "" {
		return ""
	}
	return siteName(&article.Article{Site: s})
}

func round4(x float64) float64 { return float64(int64(x*1e4+0.5)) / 1e4 }
