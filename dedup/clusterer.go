package dedup

import (
	"encoding/binary"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/cespare/xxhash/v2"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup/shingle"
)

const (
	noCluster   = -1
	siteSlots   = 256
	siteMax     = 4096
	globalSlots = 4096
	globalMax   = 1 << 18
)

// doc is one article as the clusterer remembers it: identity, the facts the
// original decision needs, and a range of the feature arena.
type doc struct {
	id  string
	src string // normalised attribution (site, or name) if any
	// feats holds the sampled shingle hashes: the first nClean, sorted,
	// are the cleaned set (noise removed as of the epochs below), the
	// rest, sorted, the noise. Past its length, in its capacity, the
	// nQuoted features that stand inside quotation marks, sorted (one
	// allocation for both; see quotedFeats).
	feats       []uint32
	site        uint32
	nQuoted     uint32
	nClean      uint32
	siteEpoch   uint32  // site's epoch when feats was partitioned
	globalEpoch uint32  // ix.globalEpoch then
	cluster     int32   // index into ix.clusters, noCluster when unique
	original    uint32  // doc index of the original (self when unique)
	sim         float32 // similarity to the original
	// via is 1 + the doc index of the copy this copy was taken from, 0
	// when none (see vias).
	via       uint32
	published int64 // unix seconds, 0 if unknown
	fetched   int64
	urlHash   uint64 // 0 if no URL
	srcURL    uint64 // hash of Source when it is a URL
	canonHash uint64 // hash of a cross-site canonical URL
	print     uint64 // fingerprint of what dedup reads of the article (0: unknown)
	role      article.Role
	cleaned   bool // feats has been partitioned at least once
	dead      bool
	noindex   bool // the page was marked noindex
	plainPath bool // its URL is not a story's (furniture.go)
	hasAuthor bool // the page names an author
	// sents is the sentence sketch of a dated article's text (align.go).
	sents []uint16
}

// cluster is a group of copies: its id (the first member's article id),
// members (doc indexes in arrival order), original and evidence.
type cluster struct {
	id       string
	members  []uint32
	original uint32
	evidence []string
	// furniture: the members are one template page on many sites
	// (furniture.go), reported as unique.
	furniture bool
}

type site struct {
	name  string // host, e.g. "example.org"
	label string // first host label, e.g. "example"
	freq  *freqTable
	epoch uint32 // bumped when the site learns new boilerplate
}

// Clusterer is the incremental near-duplicate clusterer. It keeps, per article,
// a sampled feature set (about a quarter of its shingles, 4 bytes each)
// and its LSH entries. Add must be called by one goroutine at a time; the
// read methods may not run concurrently with Add either.
type Clusterer struct {
	cfg  Config
	docs []doc
	byID map[string]uint32
	// primed is set by Run after it has counted every article's features
	// into the site and global tables ahead of adding them.
	primed      bool
	globalEpoch uint32 // bumped when a feature becomes globally common
	sites       []site
	siteByNm    map[string]uint32
	clusterByID map[string]int32
	// siteClusters lists, per site, the clusters that have had a member
	// from it (may repeat or be stale; used to recheck after learning).
	siteClusters map[uint32][]int32
	global       *shardedFreq
	lsh          *lsh
	clusters     []cluster
	live         int

	// scratch
	sh    shingle.Shingler
	sk    []uint32
	keys  []uint32
	seen  map[uint32]struct{}
	part  []uint32
	noise []uint32
	rkeys []uint32 // band keys of a member looking for a new cluster
	psc   passageScratch
	// wasPassage holds, during an Add, which of the article's features
	// were recurring passages before it was counted.
	wasPassage []bool
	// The journal of one reporting Add: each document's state before the
	// Add first changed it, in first-touch order.
	journaling bool
	jDocs      []uint32
	jBefore    []state
	jSeen      map[uint32]struct{}
	crossed    []uint32 // features that just became globally common or passages
	// pending collects crossed features until their clusters are
	// re-decided (see add); pendingAge counts the Adds since the first.
	pending    []uint32
	pendingAge int
	// stolen lists, after a join, the members of other clusters that the
	// joining article may take from them (see join).
	stolen []uint32
	// gramDF counts the grams of the dated articles' sentence sketches
	// (align.go); nil until first used.
	gramDF *gramTable
	// texts reads earlier articles' texts for the verifying stage on the
	// incremental path (verifyinc.go), whose state is inc; adding is the
	// text of the article being added.
	texts    Texts
	inc      *incVerify
	adding   string
	addWords []uint32 // its words (wordsOf), nil when not computed
}

// NewClusterer returns an empty clusterer. cfg should have passed Validate.
func NewClusterer(cfg Config) *Clusterer {
	ix := &Clusterer{
		cfg:          cfg,
		byID:         make(map[string]uint32),
		siteByNm:     make(map[string]uint32),
		clusterByID:  make(map[string]int32),
		siteClusters: make(map[uint32][]int32),
		global:       newShardedFreq(),
		lsh:          newLSH(cfg.Bands),
	}
	ix.initScratch()
	return ix
}

func (ix *Clusterer) initScratch() {
	ix.sh = shingle.New(ix.cfg.Shingle, ix.cfg.Sample)
	ix.sk = make([]uint32, ix.cfg.Bands*ix.cfg.Rows)
	ix.keys = make([]uint32, ix.cfg.Bands)
	ix.seen = make(map[uint32]struct{})
	ix.rkeys = make([]uint32, ix.cfg.Bands)
	ix.jSeen = make(map[uint32]struct{})
}

// reserve makes room for n more articles, so a large batch does not grow
// (and copy) the per-article arrays step by step.
func (ix *Clusterer) reserve(n int) {
	ix.docs = slices.Grow(ix.docs, n)
	if len(ix.byID) == 0 {
		ix.byID = make(map[string]uint32, n)
	}
}

// Len returns the number of articles in the clusterer.
func (ix *Clusterer) Len() int { return ix.live }

// Add clusters a (new or changed) article and returns its Assignment
// followed by the Assignments of other members whose cluster, role,
// original, via or cluster evidence changed because of it.
//
// Re-adding an article unchanged (same text, site, URL, dates of
// publication, canonical and source; a new fetch time does not count) is a
// no-op that returns its current Assignment: a restart, a recrawl or a
// second import of the same file never changes a cluster.
func (ix *Clusterer) Add(a *article.Article) []article.Assignment {
	return ix.AddPrepared(a, nil)
}

// Prepared is what Add reads of an article's text (its features and
// sentence sketch), computed ahead by a Preparer, so that an importer can
// do that part on other goroutines than the one that adds.
type Prepared struct {
	text  string
	feats []uint32
	nq    uint32
	sents []uint16
	words []uint32 // the verifying stage's word hashes (wordsOf)
}

// Preparer computes Prepared texts for a clusterer's configuration. One
// Preparer is for one goroutine; it never reads the clusterer.
type Preparer struct {
	sh     shingle.Shingler
	align  bool
	verify bool
}

// Preparer returns a Preparer for ix's configuration.
func (ix *Clusterer) Preparer() *Preparer {
	return &Preparer{sh: shingle.New(ix.cfg.Shingle, ix.cfg.Sample), align: ix.cfg.Align > 0, verify: ix.cfg.Verify > 0}
}

// Prepare computes what Add reads of a's text.
func (p *Preparer) Prepare(a *article.Article) *Prepared {
	fs, nq := p.sh.FeaturesQuoted(a.Text)
	pr := &Prepared{text: a.Text, feats: fs, nq: nq}
	if p.verify && !a.Published.IsZero() {
		pr.words = wordsOf(nil, p.sh.WordHashes())
	}
	if p.align && !a.Published.IsZero() {
		pr.sents = sentenceSketch(a.Text)
	}
	return pr
}

// AddPrepared is Add with the text's part computed ahead (p from a
// Preparer of a clusterer of the same configuration, for a's text as it is
// now; nil, or p of another text: computed here). Each p is used once.
func (ix *Clusterer) AddPrepared(a *article.Article, p *Prepared) []article.Assignment {
	d, name := docFrom(a)
	d.print = fingerprint(a, a.Text)
	if old, ok := ix.byID[d.id]; ok && d.print == ix.docs[old].print {
		return []article.Assignment{ix.assignment(old)}
	}
	d.site = ix.siteIndex(name)
	fs := ix.sketchText(&d, a.Text, p)
	ix.adding = a.Text
	defer func() { ix.adding, ix.addWords = "", ix.addWords[:0] }()
	return ix.add(d, fs, nil, true)
}

// sketchText returns the features of d's text and sets d's quoted count
// and sentence sketch, and the words the verifying stage counts, from p
// when it was prepared for this text, else computed here.
func (ix *Clusterer) sketchText(d *doc, text string, p *Prepared) []uint32 {
	var fs []uint32
	if p != nil && p.text == text {
		fs, d.nQuoted, d.sents = p.feats, p.nq, p.sents
		ix.addWords = p.words
	} else {
		fs, d.nQuoted = ix.sh.FeaturesQuoted(text)
		if ix.texts != nil && ix.cfg.Verify > 0 && d.published != 0 {
			ix.addWords = wordsOf(ix.addWords[:0], ix.sh.WordHashes())
		}
	}
	switch {
	case ix.cfg.Align <= 0 || d.published == 0:
		d.sents = nil
	case d.sents == nil:
		d.sents = sentenceSketch(text)
	}
	return fs
}

// fingerprint hashes what dedup reads of an article with the given text,
// except the fetch time: an article re-added with the same fingerprint is
// unchanged. It is never 0.
func fingerprint(a *article.Article, text string) uint64 {
	h := xxhash.New()
	for _, s := range []string{text, a.Site, a.URL, a.Canonical, a.Source} {
		h.WriteString(s)
		h.Write([]byte{0})
	}
	var pub [8]byte
	if !a.Published.IsZero() {
		binary.LittleEndian.PutUint64(pub[:], uint64(a.Published.UnixNano()))
	}
	h.Write(pub[:])
	return max(h.Sum64(), 1)
}

// prepare partitions fs (sorted) in place for site si, computes the band
// keys of the clean part into keys (len Bands; left zero when the clean
// part is empty) and returns the clean part's length. It only reads the
// clusterer, so several goroutines may run it while nothing is added; sk and
// filled are the caller's scratch. Run prepares every document this way,
// writing the keys straight into the document's slots of the LSH tag
// array, where they cost no memory of their own while they wait.
func (ix *Clusterer) prepare(si uint32, fs []uint32, noise, sk []uint32, filled []bool, keys []uint32) (uint32, []uint32) {
	noise = noise[:0]
	n := 0
	for _, f := range fs {
		if ix.isNoise(si, f) {
			noise = append(noise, f)
		} else {
			fs[n] = f
			n++
		}
	}
	copy(fs[n:], noise)
	if n > 0 {
		sketchInto(fs[:n], sk, filled)
		bandTags(sk, ix.cfg.Rows, keys)
	}
	return uint32(n), noise
}

// addPlaced adds document di, which Run has already placed in ix.docs
// (every document before it added, none after it) and prepared: its
// clean part partitioned and its band keys in its slots of the LSH tags.
func (ix *Clusterer) addPlaced(di uint32) {
	d := &ix.docs[di]
	if old, ok := ix.byID[d.id]; ok && d.print == ix.docs[old].print {
		// An unchanged repeat of an earlier line: the earlier one stands.
		d.dead, d.feats, d.nQuoted, d.nClean, d.sents = true, nil, 0, 0, nil
		ix.lsh.insert(di, nil)
		return
	}
	ix.add(*d, nil, &di, false)
}

// add adds d (from docFrom, with its site set) with feature set fs, or,
// when placed is not nil, the document Run placed and prepared at
// ix.docs[*placed]. report asks for the list of changed assignments.
// The steps: place d (replacing an earlier version), learn its features
// in the noise tables, re-decide the clusters whose features became
// noise, then group d through the LSH.
func (ix *Clusterer) add(d doc, fs []uint32, placed *uint32, report bool) []article.Assignment {
	ix.startJournal(report)
	di, changed := ix.placeDoc(d, fs, placed)
	var recheck []int32
	if !ix.primed {
		var learned bool
		recheck, learned = ix.learnFeatures(d, fs)
		changed = changed || learned
	}
	if changed {
		ix.globalEpoch++
	}
	ix.recheckClusters(ix.dueRechecks(recheck))
	if ix.bandKeys(di, placed != nil) {
		ix.lsh.insert(di, ix.keys)
		ix.group(di)
	} else {
		ix.lsh.insert(di, nil)
	}
	if placed == nil && ix.texts != nil {
		ix.verifyAdded(di, ix.adding, ix.addWords)
	}
	if !report {
		return nil
	}
	return ix.changes(di)
}

// startJournal begins an Add: the journal of changed members is emptied
// and kept only when report is set.
func (ix *Clusterer) startJournal(report bool) {
	ix.journaling = report
	ix.jDocs, ix.jBefore = ix.jDocs[:0], ix.jBefore[:0]
	if len(ix.jSeen) > 256 {
		ix.jSeen = make(map[uint32]struct{}) // clearing costs its peak size
	} else {
		clear(ix.jSeen)
	}
	ix.crossed = ix.crossed[:0]
}

// placeDoc puts d in ix.docs (or takes the document Run placed there),
// removing an earlier version of the same id; changed reports whether
// that removal changed the global noise set.
func (ix *Clusterer) placeDoc(d doc, fs []uint32, placed *uint32) (di uint32, changed bool) {
	if old, ok := ix.byID[d.id]; ok {
		changed = ix.remove(old)
	}
	if placed != nil {
		di = *placed
		ix.docs[di].original = di
	} else {
		di = uint32(len(ix.docs))
		d.feats, d.original = fs, di
		ix.docs = append(ix.docs, d)
	}
	ix.byID[d.id] = di
	ix.live++
	return di, changed
}

// learnFeatures counts d's features in its site's table, the global table, the
// diversity counts and the gram table. It returns the clusters of d's
// site to re-decide (when the site learned new boilerplate) and whether
// the global noise set changed.
func (ix *Clusterer) learnFeatures(d doc, fs []uint32) (recheck []int32, changed bool) {
	if st := &ix.sites[d.site]; st.freq.add(fs, ix.cfg.SiteMinDocs, ix.cfg.SiteFrac) {
		st.epoch++
		recheck = slices.Clone(ix.siteClusters[d.site])
	}
	before := ix.passagesOf(fs, ix.wasPassage[:0])
	if ix.global.addCollect(fs, ix.cfg.GlobalMinDocs, ix.cfg.GlobalFrac, &ix.crossed) {
		changed = true
	}
	ix.global.addDiverse(ix.diverseFor(fs, &ix.psc), 1)
	ix.grams().add(d.sents, 1)
	if ix.passageFlips(fs, before) {
		changed = true
	}
	ix.wasPassage = before
	return recheck, changed
}

// dueRechecks adds to recheck the clusters formed on features that have
// since become noise, when they are due. Finding them scans every
// cluster, so features that cross one or two at a time (common phrases,
// which rarely hold a cluster together) wait and are handled together,
// once per recheckAdds Adds or one Add per recheckShare clusters,
// whichever is longer, while a passage (a template's two sentences and
// more, many features crossing at once) is handled at once.
func (ix *Clusterer) dueRechecks(recheck []int32) []int32 {
	ix.pending = append(ix.pending, ix.crossed...)
	if len(ix.pending) > 0 {
		ix.pendingAge++
		wait := max(recheckAdds, len(ix.clusterByID)/recheckShare)
		if len(ix.crossed) >= recheckBurst || ix.pendingAge >= wait {
			slices.Sort(ix.pending)
			recheck = append(recheck, ix.clustersSharing(slices.Compact(ix.pending))...)
			ix.pending, ix.pendingAge = ix.pending[:0], 0
		}
	}
	return recheck
}

// recheckClusters re-decides the clusters listed: some features just became site
// boilerplate, globally common or recurring passages, and clusters formed
// on them before may not hold any more.
func (ix *Clusterer) recheckClusters(clusters []int32) {
	if len(clusters) == 0 {
		return
	}
	slices.Sort(clusters)
	for _, c := range slices.Compact(clusters) {
		if len(ix.clusters[c].members) > 1 {
			ix.touchCluster(c)
			ix.settle(c)
		}
	}
}

// bandKeys puts di's LSH band keys in ix.keys (those Run computed, when
// di was placed by Run) and reports whether it has any (a document
// without clean features has none).
func (ix *Clusterer) bandKeys(di uint32, placed bool) bool {
	if placed {
		dd := &ix.docs[di]
		dd.cleaned, dd.siteEpoch, dd.globalEpoch = true, ix.sites[dd.site].epoch, ix.globalEpoch
		if dd.nClean == 0 {
			return false
		}
		// tag() is never 0: the slots hold the keys
		base := int(di) * ix.cfg.Bands
		copy(ix.keys, ix.lsh.tags[base:base+ix.cfg.Bands])
		return true
	}
	clean := ix.cleanSet(di)
	if len(clean) == 0 {
		return false
	}
	sketch(clean, ix.sk)
	bandTags(ix.sk, ix.cfg.Rows, ix.keys)
	return true
}

// group joins di, whose band keys are in ix.keys, to the cluster (or
// unique article) it is a copy of, with the members it takes from other
// clusters (see join), and settles that cluster.
func (ix *Clusterer) group(di uint32) {
	target, ok, _ := ix.join(di, ix.keys, nil, true)
	if !ok {
		return
	}
	// The members di may take join it wherever it goes; copy the list,
	// as settling their old clusters joins again.
	others := slices.Clone(ix.stolen)
	for _, c := range others {
		ix.detach(c)
	}
	ix.touchGroup(target)
	ix.attach(di, target)
	for _, c := range others {
		if c != target && ix.docs[c].cluster == noCluster {
			ix.touch(c)
			ix.attach(c, di)
		}
	}
	ix.settle(ix.docs[di].cluster)
}

// changes ends a reporting Add: di's assignment and those of the
// journaled members whose assignment changed.
func (ix *Clusterer) changes(di uint32) []article.Assignment {
	ix.journaling = false
	out := []article.Assignment{ix.assignment(di)}
	for i, m := range ix.jDocs {
		now := &ix.docs[m]
		if m == di || now.dead {
			continue
		}
		if b := ix.jBefore[i]; b.cluster != now.cluster || b.role != now.role || b.original != now.original || b.via != now.via ||
			b.evidence != ix.evidenceKey(now.cluster) {
			out = append(out, ix.assignment(m))
		}
	}
	return out
}

// touch journals m's state before a reporting Add first changes it.
func (ix *Clusterer) touch(m uint32) {
	if !ix.journaling {
		return
	}
	if _, ok := ix.jSeen[m]; ok {
		return
	}
	ix.jSeen[m] = struct{}{}
	d := &ix.docs[m]
	ix.jDocs = append(ix.jDocs, m)
	ix.jBefore = append(ix.jBefore, state{d.cluster, d.role, d.original, d.via, ix.evidenceKey(d.cluster)})
}

// touchCluster journals every member of cluster c.
func (ix *Clusterer) touchCluster(c int32) {
	if !ix.journaling {
		return
	}
	for _, m := range ix.clusters[c].members {
		ix.touch(m)
	}
}

// touchGroup journals m and, when it is in a cluster, all its members.
func (ix *Clusterer) touchGroup(m uint32) {
	if c := ix.docs[m].cluster; c != noCluster {
		ix.touchCluster(c)
	}
	ix.touch(m)
}

// state is the part of a doc's assignment whose change is reported.
type state struct {
	cluster  int32
	role     article.Role
	original uint32
	via      uint32
	evidence string // the cluster's evidence, joined (see evidenceKey)
}

// evidenceKey is cluster c's evidence as one comparable string, "" for
// no cluster: a member whose cluster gains or loses a piece of evidence
// (a noindex copy joins) has a changed assignment too.
func (ix *Clusterer) evidenceKey(c int32) string {
	if c == noCluster {
		return ""
	}
	if ix.clusters[c].furniture {
		return article.EvidenceFurniture
	}
	return strings.Join(ix.clusters[c].evidence, ",")
}

// docFrom extracts from a the identity and the facts the original decision
// uses; it returns them with the article's site name. It touches no clusterer
// state, so Run calls it while decoding.
func docFrom(a *article.Article) (doc, string) {
	siteName := siteName(a)
	d := doc{
		id:        a.ID,
		cluster:   noCluster,
		role:      article.RoleUnique,
		sim:       1,
		noindex:   a.NoIndex,
		hasAuthor: byPerson(a, siteName),
	}
	if !a.Published.IsZero() {
		d.published = a.Published.Unix()
	}
	if !a.Fetched.IsZero() {
		d.fetched = a.Fetched.Unix()
	}
	if a.URL != "" {
		d.urlHash = urlKey(a.URL)
		d.plainPath = plainPath(a.URL)
	}
	if a.Canonical != "" && article.SiteOf(a.Canonical) != siteName {
		d.canonHash = urlKey(a.Canonical)
	}
	if src := strings.TrimSpace(a.Source); src != "" {
		if s := article.SiteOf(src); s != "" && strings.Contains(src, "/") {
			d.src = s
			d.srcURL = urlKey(src)
		} else {
			d.src = nameKey(src)
		}
	}
	return d, siteName
}

// siteIndex returns the index of the named site, adding it if new.
func (ix *Clusterer) siteIndex(name string) uint32 {
	si, ok := ix.siteByNm[name]
	if !ok {
		si = uint32(len(ix.sites))
		label, _, _ := strings.Cut(name, ".")
		ix.sites = append(ix.sites, site{name: name, label: label, freq: newFreqTable(siteSlots, siteMax)})
		ix.siteByNm[name] = si
	}
	return si
}

// siteFor returns the named site's record, adding it if new.
func (ix *Clusterer) siteFor(name string) *site { return &ix.sites[ix.siteIndex(name)] }

// urlKey hashes a URL ignoring scheme, "www.", fragment and a trailing
// slash, so http/https and canonical variants meet.
func urlKey(raw string) uint64 {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return xxhash.Sum64String(strings.ToLower(raw))
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	p := strings.TrimSuffix(u.EscapedPath(), "/")
	s := host + p
	if u.RawQuery != "" {
		s += "?" + u.RawQuery
	}
	return xxhash.Sum64String(s)
}

// nameKey reduces an outlet name or host to lower-case letters and digits
// ("The Daily Star" -> "thedailystar", "dailystar.example" stays a host).
func nameKey(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if strings.Contains(s, ".") && !strings.Contains(s, " ") {
		return strings.TrimPrefix(s, "www.")
	}
	var b strings.Builder
	for _, r := range s {
		if shingle.FoldRune(r) >= 0 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// remove takes an article out of its cluster before it is re-added; the
// cluster re-decides and its members are journaled. Unless the tables
// were primed (they then count every input line), the article's features
// are uncounted from its site's and the global frequency tables, so
// re-crawling a page does not make its own text look like boilerplate.
// It reports whether the global noise set may have changed (features that
// became passages are added to ix.crossed).
func (ix *Clusterer) remove(di uint32) bool {
	d := &ix.docs[di]
	d.dead = true
	ix.live--
	ix.forgetVerified(di)
	changed := false
	if !ix.primed {
		if st := &ix.sites[d.site]; st.freq.sub(d.feats, ix.cfg.SiteMinDocs, ix.cfg.SiteFrac) {
			st.epoch++
		}
		before := ix.passagesOf(d.feats, ix.wasPassage[:0])
		ix.global.addDiverse(ix.diverseFor(d.feats, &ix.psc), -1)
		ix.grams().add(d.sents, -1)
		changed = ix.global.sub(d.feats, ix.cfg.GlobalMinDocs, ix.cfg.GlobalFrac)
		changed = ix.passageFlips(d.feats, before) || changed
		ix.wasPassage = before
	}
	d.feats, d.nQuoted, d.nClean, d.sents = nil, 0, 0, nil // a dead article is never compared again
	c := d.cluster
	if c == noCluster {
		return changed
	}
	ix.touchCluster(c)
	cl := &ix.clusters[c]
	cl.members = slices.DeleteFunc(cl.members, func(m uint32) bool { return m == di })
	if !ix.dissolveIfAlone(c) {
		ix.settle(c)
	}
	return changed
}

// detach takes member m out of its cluster, which is settled again (or
// dissolved when one member is left), and makes it unique: a stronger
// link than the one that held it there has arrived (see join).
func (ix *Clusterer) detach(m uint32) {
	c := ix.docs[m].cluster
	if c == noCluster {
		return
	}
	ix.touchCluster(c)
	cl := &ix.clusters[c]
	cl.members = slices.DeleteFunc(cl.members, func(x uint32) bool { return x == m })
	ix.makeUnique(m)
	if !ix.dissolveIfAlone(c) {
		ix.settle(c)
	}
}

// dissolveIfAlone makes the last member of cluster c unique and retires
// the cluster when fewer than two members are left; it reports whether it
// did.
func (ix *Clusterer) dissolveIfAlone(c int32) bool {
	cl := &ix.clusters[c]
	if len(cl.members) > 1 {
		return false
	}
	for _, m := range cl.members {
		ix.makeUnique(m)
	}
	cl.members = nil
	delete(ix.clusterByID, cl.id)
	return true
}

func (ix *Clusterer) makeUnique(m uint32) {
	d := &ix.docs[m]
	d.cluster, d.role, d.original, d.sim, d.via = noCluster, article.RoleUnique, m, 1, 0
}

// isNoise reports whether feature f is boilerplate of site s, globally
// common or a recurring passage.
func (ix *Clusterer) isNoise(s uint32, f uint32) bool {
	return ix.globalNoise(f) || ix.siteNoise(s, f)
}

// globalNoise reports whether f is globally common or a recurring
// passage, with one look-up in the global table.
func (ix *Clusterer) globalNoise(f uint32) bool {
	c, div := ix.global.diverse(f)
	return c > 0 && (c >= ix.global.shards[0].threshold(ix.cfg.GlobalMinDocs, ix.cfg.GlobalFrac) || ix.isPassage(c, div))
}

// cleanSet returns di's features without noise, re-partitioning them when
// the site or global tables have learned new noise since the last time.
func (ix *Clusterer) cleanSet(di uint32) []uint32 {
	d := &ix.docs[di]
	st := &ix.sites[d.site]
	if d.cleaned && d.siteEpoch == st.epoch && d.globalEpoch == ix.globalEpoch {
		return d.feats[:d.nClean]
	}
	all := d.feats
	if d.cleaned && d.nClean < uint32(len(all)) {
		all = append(ix.part[:0], d.feats...)
		slices.Sort(all)
		ix.part = all
	}
	noise := ix.noise[:0]
	i := 0
	for _, f := range all {
		if ix.isNoise(d.site, f) {
			noise = append(noise, f)
		} else {
			d.feats[i] = f
			i++
		}
	}
	d.nClean = uint32(i)
	copy(d.feats[i:], noise)
	ix.noise = noise
	d.cleaned, d.siteEpoch, d.globalEpoch = true, st.epoch, ix.globalEpoch
	return d.feats[:d.nClean]
}

// match is the verification of one pair on cleaned feature sets: the
// shared features and the set sizes, and the same without the features
// that stand inside quotation marks (for the shared ones: in both).
type match struct {
	inter, na, nb    int
	interU, naU, nbU int
}

// matchOf verifies two cleaned feature sets (sorted); qa and qb are the
// articles' quoted features (sorted, possibly noise among them).
func matchOf(a, b, qa, qb []uint32) match {
	m := match{na: len(a), nb: len(b)}
	i, j, p, q := 0, 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			m.inter++
			if !(has(qa, &p, a[i]) && has(qb, &q, a[i])) {
				m.interU++
			}
			i++
			j++
		}
	}
	m.naU, m.nbU = len(a)-Shared(a, qa), len(b)-Shared(b, qb)
	return m
}

// has reports whether the sorted set s holds f, for f increasing over
// successive calls; *at is the caller's position in s.
func has(s []uint32, at *int, f uint32) bool {
	for *at < len(s) && s[*at] < f {
		*at++
	}
	return *at < len(s) && s[*at] == f
}

// containment returns the share of the smaller set found in the larger.
func (m match) containment() float64 { return shareOf(m.inter, min(m.na, m.nb)) }

// inA returns the share of a's set found in b's.
func (m match) inA() float64 { return shareOf(m.inter, m.na) }

func (m match) jaccard() float64 { return jaccardOf(m.inter, m.na, m.nb) }

// verify compares two articles on their cleaned feature sets.
func (ix *Clusterer) verify(a, b uint32) match {
	return matchOf(ix.cleanSet(a), ix.cleanSet(b), ix.docs[a].quotedFeats(), ix.docs[b].quotedFeats())
}

// quotedFeats returns the features of d that stand inside quotation
// marks, kept past the end of d.feats.
func (d *doc) quotedFeats() []uint32 {
	return d.feats[len(d.feats) : len(d.feats)+int(d.nQuoted)]
}

// isCopy applies the thresholds to a verified pair. When a third or more
// of what the two share is quoted, the containment must also hold on the
// text outside quotations: independent reports of one event share the
// quotes of a speech or a press conference, not the reporting around
// them. An article that is (almost) all quotation is judged as a whole.
func (ix *Clusterer) isCopy(m match) bool {
	if m.inter < ix.cfg.MinShared || m.containment() < ix.cfg.Containment || m.jaccard() < ix.cfg.Jaccard {
		return false
	}
	quoted := m.inter - m.interU
	small := min(m.naU, m.nbU)
	if 3*quoted < m.inter || small < ix.cfg.MinShared {
		return true
	}
	return float64(m.interU)/float64(small) >= ix.cfg.Containment
}

// related reports whether indexed articles a and b (verified as m) go
// in one cluster by the clusterer's rules: a copy (isCopy) when the later of
// the two takes at least cfg.Rewrite of its cleaned features from the
// earlier (derivesFrom), else a rewrite (isRewrite) or aligned
// (isAligned). Containment is of the smaller set, so a later article
// three times the length of an earlier story that it holds whole passes
// isCopy; when less than cfg.Rewrite of it comes from that story it is a
// longer report of its own that carries the story (COUNTER's newspapers
// that print the agency's text inside their own reporting: at best
// partially derived), and no weaker rule makes it a copy either (the
// alignment rule reads only the top of a text, which is the story it
// carries). A shorter later article (a truncated copy, a teaser) takes
// most of itself from the earlier one and is not touched.
func (ix *Clusterer) related(m match, a, b uint32) bool {
	if ix.isCopy(m) {
		return ix.derivesFrom(m, a, b)
	}
	return ix.isRewrite(m, a, b) || ix.isAligned(m, a, b)
}

// copyOfMember reports whether di is a copy (copyOf) of one of members
// other than skip (at most maxCompare of them): a later article that
// holds an earlier truncated copy whole is not derived from it, but it
// may be a copy of the story that truncated copy was taken from.
func (ix *Clusterer) copyOfMember(di uint32, members []uint32, skip uint32) bool {
	for i, x := range members {
		if i >= maxCompare {
			break
		}
		if x == di || x == skip {
			continue
		}
		if ix.copyOf(ix.verify(di, x), di, x) {
			return true
		}
	}
	return false
}

// copyOf is isCopy for two indexed articles a and b: the pair passes
// isCopy and derivesFrom (see related).
func (ix *Clusterer) copyOf(m match, a, b uint32) bool {
	return ix.isCopy(m) && ix.derivesFrom(m, a, b)
}

// derivesFrom reports whether, of articles a and b (verified as m), the
// one published later takes at least cfg.Rewrite of its cleaned features
// from the earlier; true when neither was published before the other,
// when the earlier credits another site (it is a copy itself, perhaps
// truncated, and a later text that holds it whole may be a fuller copy
// of the same source), or when the rewrite rule is off.
func (ix *Clusterer) derivesFrom(m match, a, b uint32) bool {
	if ix.cfg.Rewrite <= 0 {
		return true
	}
	n, earlier := m.na, b // the later article's features, and the earlier article
	switch {
	case ix.publishedBefore(b, a):
	case ix.publishedBefore(a, b):
		n, earlier = m.nb, a
	default:
		return true
	}
	return ix.creditsOther(earlier) || shareOf(m.inter, n) >= ix.cfg.Rewrite
}

// creditsOther reports whether article di names another site as its
// source (a credit line or a cross-site canonical link).
func (ix *Clusterer) creditsOther(di uint32) bool {
	d := &ix.docs[di]
	if d.canonHash != 0 {
		return true
	}
	s := &ix.sites[d.site]
	return d.src != "" && d.src != s.name && d.src != nameKey(s.label)
}

// isRewrite reports whether, of articles a and b (verified as m), the one
// published later is a rewrite of the earlier: at least cfg.Rewrite of
// its cleaned features are found in the earlier one. A rewrite of agency
// copy condenses and rephrases it, so it may share too little for
// isCopy, but what it shares is most of what it says; an independent
// report of the same event shares names and figures, little else. The
// order comes from the publication dates alone (see publishedBefore): a
// fetch time says when a page was crawled, not who wrote first. As in
// isCopy, when a third or more of what the two share is quoted, the share
// must also hold outside quotations.
func (ix *Clusterer) isRewrite(m match, a, b uint32) bool {
	if ix.cfg.Rewrite <= 0 || m.inter < ix.cfg.MinShared {
		return false
	}
	var n, nU int // the later article's features, and those outside quotations
	switch {
	case ix.publishedBefore(b, a):
		n, nU = m.na, m.naU
	case ix.publishedBefore(a, b):
		n, nU = m.nb, m.nbU
	default:
		return false
	}
	if shareOf(m.inter, n) < ix.cfg.Rewrite {
		return false
	}
	if quoted := m.inter - m.interU; 3*quoted < m.inter || nU < ix.cfg.MinShared {
		return true
	}
	return shareOf(m.interU, nU) >= ix.cfg.Rewrite
}

// publishedBefore reports whether article a was published strictly before
// article b: both have a publication date, and a's is earlier (by day
// when either is a bare date).
func (ix *Clusterer) publishedBefore(a, b uint32) bool {
	pa, pb := ix.docs[a].published, ix.docs[b].published
	return pa != 0 && pb != 0 && timeBefore(pa, pb)
}

// join verifies the LSH candidates of di (whose band keys are keys)
// and returns the article di should be grouped with: the original of the
// best cluster whose original di matches, or the best matching unique
// article; the highest containment plus Jaccard wins.
//
// When steal is set, ix.stolen lists the members of clusters whose
// original di does not match that di is a copy of (or that are copies of
// di) while they are held in their cluster by the alignment rule alone:
// their stronger link is to di, so the caller takes them out and puts
// them in di's cluster (see add), and which article arrives first does
// not decide where a rewrite that others copied ends up. When di matches
// nothing else, the best of them is the answer (stolen is then true).
func (ix *Clusterer) join(di uint32, keys []uint32, skip []int32, steal bool) (target uint32, ok, stolen bool) {
	ix.stolen = ix.stolen[:0]
	pick := joinPick{best: -1}
	matched := make(map[int32]bool) // per cluster checked: whether di matches its original
	for _, c := range ix.candidatesOf(di, keys) {
		target, cl, skipped := ix.targetOf(c, skip)
		if skipped {
			continue
		}
		m, ok, done := ix.matchOnce(di, target, cl, matched)
		if !ok && steal && c != target {
			ix.steal(di, c, target, &pick)
		}
		if ok && !done {
			pick.offer(c, m, target)
		}
	}
	return pick.target, pick.best >= 0, pick.stolen
}

// matchOnce reports whether di matches target, which stands for cluster
// cl, checking each cluster once (matched, keyed by cluster; unique
// articles are not recorded); done is true when cl was checked before,
// and m is then zero.
func (ix *Clusterer) matchOnce(di, target uint32, cl int32, matched map[int32]bool) (m match, ok, done bool) {
	if ok, done = matched[cl]; done {
		return m, ok, done
	}
	m, ok = ix.belongsWith(di, target, cl)
	if cl != noCluster {
		matched[cl] = ok
	}
	return m, ok, false
}

// offer makes candidate c, standing for target, the pick when its match
// scores higher (containment plus Jaccard), or the pick was stolen.
func (p *joinPick) offer(c uint32, m match, target uint32) {
	if score := m.containment() + m.jaccard(); score > p.score || p.stolen {
		*p = joinPick{int(c), score, target, false}
	}
}

// joinPick is join's choice so far: the candidate, its score, the
// article di would be grouped with, and whether that is a member di
// takes from its cluster (see join).
// belongsWith verifies di against target, a candidate's article (of
// cluster cl, or noCluster), and reports whether di belongs with it:
// related to it, or a copy of another member of its cluster.
func (ix *Clusterer) belongsWith(di, target uint32, cl int32) (match, bool) {
	m := ix.verify(di, target)
	ok := ix.related(m, di, target)
	if !ok && cl != noCluster && ix.isCopy(m) {
		ok = ix.copyOfMember(di, ix.clusters[cl].members, target)
	}
	return m, ok
}

type joinPick struct {
	best   int
	score  float64
	target uint32
	stolen bool
}

// targetOf returns the article a candidate c stands for, which a new
// article must match to be grouped with it: c itself, or its cluster's
// original; skipped when c's cluster is in skip.
func (ix *Clusterer) targetOf(c uint32, skip []int32) (target uint32, cl int32, skipped bool) {
	cl = ix.docs[c].cluster
	if cl == noCluster {
		return c, cl, false
	}
	return ix.clusters[cl].original, cl, slices.Contains(skip, cl)
}

// candidatesOf returns di's LSH candidates (live, other than di, at most
// cfg.MaxCandidates), sorted.
func (ix *Clusterer) candidatesOf(di uint32, keys []uint32) []uint32 {
	clear(ix.seen)
	var cands []uint32
	ix.lsh.candidates(keys, func(c uint32) bool {
		if _, dup := ix.seen[c]; dup || ix.docs[c].dead || c == di {
			return true
		}
		ix.seen[c] = struct{}{}
		cands = append(cands, c)
		return len(cands) < ix.cfg.MaxCandidates
	})
	slices.Sort(cands)
	return cands
}

// steal lists member c (of the cluster whose original, orig, di does not
// match) in ix.stolen when di may take it (see stealable), and makes it
// the pick when di matches nothing better.
func (ix *Clusterer) steal(di, c, orig uint32, pick *joinPick) {
	sc, ok := ix.stealable(di, c, orig)
	if !ok {
		return
	}
	ix.stolen = append(ix.stolen, c)
	if sc > pick.score && (pick.best < 0 || pick.stolen) {
		*pick = joinPick{int(c), sc, c, true}
	}
}

// alignedOnly reports whether member c is in its cluster by the
// alignment rule alone: aligned to orig, its original, neither a copy
// nor a rewrite of it.
func (ix *Clusterer) alignedOnly(c, orig uint32) bool {
	m := ix.verify(c, orig)
	return !ix.isCopy(m) && !ix.isRewrite(m, c, orig) && ix.isAligned(m, c, orig)
}

// stealable reports whether di and c are copies (isCopy) while c is
// only aligned to orig, its cluster's original, with the pair's score.
func (ix *Clusterer) stealable(di, c, orig uint32) (float64, bool) {
	if ix.cfg.Align <= 0 || len(ix.docs[c].sents) == 0 {
		return 0, false // not aligned to anything
	}
	m := ix.verify(di, c)
	if !ix.copyOf(m, di, c) || !ix.alignedOnly(c, orig) {
		return 0, false
	}
	return m.containment() + m.jaccard(), true
}

// attach adds di to target's cluster (creating it when target is unique);
// the caller then settles the cluster.
func (ix *Clusterer) attach(di, target uint32) {
	cl := ix.docs[target].cluster
	if cl == noCluster {
		cl = int32(len(ix.clusters))
		id := ix.docs[target].id
		if _, taken := ix.clusterByID[id]; taken {
			id = fmt.Sprintf("%s~%d", id, cl)
		}
		ix.clusters = append(ix.clusters, cluster{id: id, members: []uint32{target}, original: target})
		ix.clusterByID[id] = cl
		ix.docs[target].cluster = cl
	}
	ix.clusters[cl].members = append(ix.clusters[cl].members, di)
	ix.docs[di].cluster = cl
	for _, m := range []uint32{target, di} {
		sc := ix.siteClusters[ix.docs[m].site]
		if len(sc) == 0 || sc[len(sc)-1] != cl {
			ix.siteClusters[ix.docs[m].site] = append(sc, cl)
		}
	}
}

// recheckBurst, recheckAdds and recheckShare batch the re-decision of
// clusters whose shared features became noise (see add).
const (
	recheckBurst = 8
	recheckAdds  = 64
	recheckShare = 16
)

// maxSettle bounds the evictions and re-joins one settle may make, so a
// pathological cascade cannot stall an Add (what is left stays unique).
const maxSettle = 4096

// settle re-decides the original of cluster c and verifies every member
// against it: members that are no longer copies of it (the original
// changed, or features they shared became noise) leave the cluster and
// look for another one through the LSH (never one they left during this
// settle), becoming unique when none matches; a cluster they join is
// settled in turn. Every member whose state may change is journaled first.
func (ix *Clusterer) settle(c int32) {
	first := ix.evict(c)
	if len(first) == 0 {
		return // the common case: every member is a copy of the original
	}
	var work []int32
	// Every eviction of this settle, in order; exits[next:] have not
	// looked for a new cluster yet.
	exits := evictions(make([]eviction, 0, len(first)), first, c)
	next := 0
	for steps := 0; len(work) > 0 || next < len(exits); steps++ {
		if len(work) > 0 {
			c, work = work[0], work[1:]
			exits = evictions(exits, ix.evict(c), c)
			continue
		}
		m := exits[next].doc
		next++
		if steps > maxSettle || ix.docs[m].cluster != noCluster {
			continue
		}
		if target, ok := ix.rejoin(m, evictedFrom(exits, m)); ok {
			ix.touchGroup(target)
			ix.attach(m, target)
			work = append(work, ix.docs[m].cluster)
		}
	}
}

// eviction is a document settle took out of a cluster.
type eviction struct {
	doc     uint32
	cluster int32
}

// evictions appends to exits the eviction of each of docs from cluster c.
func evictions(exits []eviction, docs []uint32, c int32) []eviction {
	for _, m := range docs {
		exits = append(exits, eviction{m, c})
	}
	return exits
}

// evictedFrom returns the clusters document m was evicted from, in order.
func evictedFrom(exits []eviction, m uint32) []int32 {
	var from []int32
	for _, e := range exits {
		if e.doc == m {
			from = append(from, e.cluster)
		}
	}
	return from
}

// evict decides cluster c's original and removes the members that are not
// copies of it, repeating until the remaining members all are (each
// removal may change the decision); it returns the removed members, now
// unique.
func (ix *Clusterer) evict(c int32) []uint32 {
	var out []uint32
	for len(ix.clusters[c].members) > 1 {
		gone := ix.decide(c)
		if len(gone) == 0 {
			return out
		}
		cl := &ix.clusters[c]
		cl.members = slices.DeleteFunc(cl.members, func(m uint32) bool { return slices.Contains(gone, m) })
		for _, m := range gone {
			ix.makeUnique(m)
		}
		out = append(out, gone...)
		ix.dissolveIfAlone(c)
	}
	return out
}

// rejoin looks for a cluster (or unique article) that m, just made
// unique, is a copy of, using the band keys of its current clean set;
// clusters in skip are not considered.
func (ix *Clusterer) rejoin(m uint32, skip []int32) (uint32, bool) {
	clean := ix.cleanSet(m)
	if len(clean) == 0 {
		return 0, false
	}
	sketch(clean, ix.sk)
	bandTags(ix.sk, ix.cfg.Rows, ix.rkeys)
	target, ok, _ := ix.join(m, ix.rkeys, skip, false)
	return target, ok
}

// clustersSharing returns the clusters (of two or more members) whose
// original has one of the features fs: the only ones whose members can
// have been verified through them.
func (ix *Clusterer) clustersSharing(fs []uint32) []int32 {
	var out []int32
	for c := range ix.clusters {
		cl := &ix.clusters[c]
		if len(cl.members) < 2 {
			continue
		}
		if d := &ix.docs[cl.original]; meets(d.feats[:d.nClean], fs) || meets(d.feats[d.nClean:], fs) {
			out = append(out, int32(c))
		}
	}
	return out
}

// meets reports whether the sorted sets a and b share a value.
func meets(a, b []uint32) bool {
	if len(b) < 4 {
		return hasAny(a, b)
	}
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			return true
		}
	}
	return false
}

// hasAny reports whether the sorted set s holds one of fs.
func hasAny(s, fs []uint32) bool {
	for _, f := range fs {
		if _, ok := slices.BinarySearch(s, f); ok {
			return true
		}
	}
	return false
}

// Assignment returns the current assignment of article id.
func (ix *Clusterer) Assignment(id string) (article.Assignment, bool) {
	di, ok := ix.byID[id]
	if !ok {
		return article.Assignment{}, false
	}
	return ix.assignment(di), true
}

func (ix *Clusterer) assignment(di uint32) article.Assignment {
	d := &ix.docs[di]
	if ix.furniture(di) {
		return article.Assignment{ID: d.id, Cluster: d.id, Role: article.RoleUnique, Original: d.id,
			Similarity: 1, OriginalShare: 1, CopyShare: 1, Evidence: []string{article.EvidenceFurniture}}
	}
	as := article.Assignment{ID: d.id, Cluster: d.id, Role: d.role, Original: ix.docs[d.original].id,
		Similarity: round4(float64(d.sim)), OriginalShare: 1, CopyShare: 1, Evidence: []string{}}
	if d.role == article.RoleCopy {
		as.OriginalShare, as.CopyShare = ix.shares(di, d.original)
		if d.via != 0 {
			as.Via = ix.docs[d.via-1].id
		}
	}
	if d.cluster != noCluster {
		cl := &ix.clusters[d.cluster]
		as.Cluster = cl.id
		as.Evidence = append(as.Evidence, cl.evidence...)
	}
	return as
}

// furniture reports whether document di is in a cluster of site
// furniture (furniture.go), and so reported as unique.
func (ix *Clusterer) furniture(di uint32) bool {
	c := ix.docs[di].cluster
	return c != noCluster && ix.clusters[c].furniture
}

// Members returns the article ids of a cluster in arrival order; for the
// cluster id of a unique article (a furniture page included) it returns
// that article alone.
func (ix *Clusterer) Members(cluster string) []string {
	return members(cluster, ix.clusterByID, ix.clusters, ix.byID,
		func(d uint32) string { return ix.docs[d].id }, func(d uint32) int32 { return ix.docs[d].cluster })
}

func members(cluster string, clusterByID map[string]int32, clusters []cluster, byID map[string]uint32,
	id func(uint32) string, clusterOf func(uint32) int32) []string {
	if i, ok := clusterByID[cluster]; ok {
		if cl := &clusters[i]; len(cl.members) > 0 && !cl.furniture {
			out := make([]string, len(cl.members))
			for j, d := range cl.members {
				out[j] = id(d)
			}
			return out
		}
	}
	if di, ok := byID[cluster]; ok {
		if c := clusterOf(di); c == noCluster || clusters[c].furniture {
			return []string{cluster}
		}
	}
	return nil
}

// Membership is the part of a clusterer that says which articles each
// cluster holds: what building the search index reads. It keeps about a
// tenth of the clusterer's memory (the ids, the clusters and the maps that
// find them), so that the rest (the features, the LSH and frequency
// tables) is freed once the clusterer itself is dropped.
type Membership struct {
	ids         []string
	cluster     []int32
	byID        map[string]uint32
	clusters    []cluster
	clusterByID map[string]int32
}

// Membership returns the clusterer's cluster membership as it is now. Adding
// to the clusterer afterwards does not change it, and must not happen while
// it is used (it shares the clusterer's maps and clusters).
func (ix *Clusterer) Membership() *Membership {
	m := &Membership{ids: make([]string, len(ix.docs)), cluster: make([]int32, len(ix.docs)),
		byID: ix.byID, clusters: ix.clusters, clusterByID: ix.clusterByID}
	for i := range ix.docs {
		m.ids[i], m.cluster[i] = ix.docs[i].id, ix.docs[i].cluster
	}
	return m
}

// Members is Clusterer.Members.
func (m *Membership) Members(cluster string) []string {
	return members(cluster, m.clusterByID, m.clusters, m.byID,
		func(d uint32) string { return m.ids[d] }, func(d uint32) int32 { return m.cluster[d] })
}
