package dedup

import (
	"bufio"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/internal/countio"
)

// magic starts every checkpoint; the digit is the format version (see
// WriteTo).
const magic = "syndex-dedup 2\n"

// ErrIncompatible is returned by ReadClusterer when the checkpoint was built
// with shingling or LSH settings that differ from the Config given.
var ErrIncompatible = errors.New("dedup checkpoint built with different shingle/sample/bands/rows")

type snapDoc struct {
	ID, Src                    string
	Site                       uint32
	Feats                      []uint32
	Quoted                     []uint32
	Published, Fetched         int64
	URLHash, SrcURL, CanonHash uint64
	Print                      uint64
	Cluster                    int32
	Original                   uint32
	Sim                        float32
	Role                       article.Role
	Dead                       bool
	Via                        uint32 // 1 + doc index, 0 for none
	NoIndex                    bool
	PlainPath, HasAuthor       bool
	NClean, SiteEpoch, GEpoch  uint32
	Cleaned                    bool
	Sents                      []uint16 // sentence sketch (align.go); absent in older checkpoints
}

type snapFreq struct {
	Slots []uint64
	Div   []uint32 // the global table's diversity counts (passage.go)
	Docs  uint32
	Seen  uint64
	Max   int
}

type snapSite struct {
	Name, Label string
	Freq        snapFreq
	Epoch       uint32
}

type snapCluster struct {
	ID        string
	Members   []uint32
	Original  uint32
	Evidence  []string
	Furniture bool
}

type snapshot struct {
	Shingle, Sample, Bands, Rows int
	Primed                       bool
	GlobalEpoch                  uint32
	Live                         int
	Docs                         []snapDoc
	Sites                        []snapSite
	Global                       []snapFreq
	Heads, Next, Tags            []uint32
	Used                         int
	Clusters                     []snapCluster
	SiteClusters                 map[uint32][]int32
	Pending                      []uint32 // crossed features awaiting their re-decision
	PendingAge                   int
}

func freqSnap(t *freqTable) snapFreq {
	return snapFreq{Slots: t.slots, Div: t.div, Docs: t.docs, Seen: t.seen, Max: t.max}
}

func freqFrom(s snapFreq) *freqTable {
	return &freqTable{slots: s.Slots, docs: s.Docs, seen: s.Seen, max: s.Max}
}

func globalSnap(g *shardedFreq) []snapFreq {
	out := make([]snapFreq, len(g.shards))
	for i, t := range g.shards {
		out[i] = freqSnap(t)
	}
	return out
}

// The checkpoint is written as a stream: a header (the settings, the
// frequency tables and the counts of what follows), then the sites, the
// documents, the LSH table and the clusters, each in chunks of bounded
// size. gob keeps a whole value in one buffer while it encodes or
// decodes it, so a checkpoint written as one value (format 1) needed its
// own size in memory twice over, on top of the clusterer, each time it was
// written or read: about 2 GB at a million articles. Chunks keep that
// under a few megabytes at any size. Format 1 is still read.
const (
	magicV1 = "syndex-dedup 1\n"
	// maxPrealloc bounds what a header's counts reserve before the data
	// is read: a damaged count must not allocate without bound.
	maxPrealloc = 1 << 22
)

// Chunk sizes (variables so that tests can cross chunk boundaries with
// small clusterers).
var (
	chunkDocs     = 4096    // documents per chunk
	chunkClusters = 8192    // clusters per chunk
	chunkSites    = 64      // sites per chunk (a site carries its tables)
	chunkEntries  = 1 << 18 // LSH entries per chunk
)

// snapHead is the first value of a format 2 checkpoint; the counts say
// how many sites, documents, LSH entries and clusters follow.
type snapHead struct {
	Shingle, Sample, Bands, Rows int
	Primed                       bool
	GlobalEpoch                  uint32
	Live                         int
	Global                       []snapFreq
	Used                         int
	SiteClusters                 map[uint32][]int32
	Pending                      []uint32
	PendingAge                   int
	Sites, Docs, Clusters        int
	Heads, Next                  int // len(Tags) == Next
}

// WriteTo writes a checkpoint of the whole clusterer state to w. Reading it
// back with ReadClusterer and replaying the articles added since gives the same
// state as never having stopped. It holds at most a chunk of the clusterer in
// memory besides the clusterer itself.
func (ix *Clusterer) WriteTo(w io.Writer) (int64, error) {
	cw := &countio.Writer{W: w}
	bw := bufio.NewWriterSize(cw, 1<<16)
	if err := ix.writeChunks(bw); err != nil {
		return cw.N, fmt.Errorf("write dedup checkpoint: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return cw.N, fmt.Errorf("write dedup checkpoint: %w", err)
	}
	return cw.N, nil
}

func (ix *Clusterer) writeChunks(bw *bufio.Writer) error {
	if _, err := bw.WriteString(magic); err != nil {
		return err
	}
	enc := gob.NewEncoder(bw)
	if err := ix.writeParts(enc); err != nil {
		return err
	}
	return ix.writeVerify(enc)
}

// writeParts writes the checkpoint from its header to the clusters: all
// but the verifying stage's section.
func (ix *Clusterer) writeParts(enc *gob.Encoder) error {
	if err := enc.Encode(ix.head()); err != nil {
		return err
	}
	if err := encodeChunks(enc, len(ix.sites), chunkSites, ix.snapSite); err != nil {
		return err
	}
	if err := encodeChunks(enc, len(ix.docs), chunkDocs, ix.snapDoc); err != nil {
		return err
	}
	for _, a := range [][]uint32{ix.lsh.heads, ix.lsh.next, ix.lsh.tags} {
		for len(a) > 0 {
			n := min(len(a), chunkEntries)
			if err := enc.Encode(a[:n]); err != nil {
				return err
			}
			a = a[n:]
		}
	}
	return encodeChunks(enc, len(ix.clusters), chunkClusters, ix.snapCluster)
}

// head is the checkpoint's header: the settings, the global state and
// the counts of the parts that follow.
func (ix *Clusterer) head() *snapHead {
	return &snapHead{Shingle: ix.cfg.Shingle, Sample: ix.cfg.Sample, Bands: ix.cfg.Bands, Rows: ix.cfg.Rows,
		Primed: ix.primed, GlobalEpoch: ix.globalEpoch, Live: ix.live, Global: globalSnap(ix.global), Used: ix.lsh.used,
		SiteClusters: ix.siteClusters, Pending: ix.pending, PendingAge: ix.pendingAge,
		Sites: len(ix.sites), Docs: len(ix.docs), Clusters: len(ix.clusters), Heads: len(ix.lsh.heads), Next: len(ix.lsh.next)}
}

// snapSite is site i as the checkpoint holds it.
func (ix *Clusterer) snapSite(i int) snapSite {
	st := &ix.sites[i]
	return snapSite{Name: st.name, Label: st.label, Freq: freqSnap(st.freq), Epoch: st.epoch}
}

// snapDoc is document i as the checkpoint holds it.
func (ix *Clusterer) snapDoc(i int) snapDoc {
	d := &ix.docs[i]
	return snapDoc{ID: d.id, Src: d.src, Site: d.site, Feats: d.feats, Quoted: d.quotedFeats(), Published: d.published,
		Fetched: d.fetched, URLHash: d.urlHash, SrcURL: d.srcURL, CanonHash: d.canonHash, Print: d.print,
		Cluster: d.cluster, Original: d.original, Sim: d.sim, Role: d.role, Dead: d.dead,
		Via: d.via, NoIndex: d.noindex, PlainPath: d.plainPath, HasAuthor: d.hasAuthor, NClean: d.nClean, SiteEpoch: d.siteEpoch, GEpoch: d.globalEpoch, Cleaned: d.cleaned,
		Sents: d.sents}
}

// snapCluster is cluster i as the checkpoint holds it.
func (ix *Clusterer) snapCluster(i int) snapCluster {
	c := &ix.clusters[i]
	return snapCluster{ID: c.id, Members: c.members, Original: c.original, Evidence: c.evidence, Furniture: c.furniture}
}

// encodeChunks encodes a part of n elements, snap(0) to snap(n-1), in
// chunks of at most size elements.
func encodeChunks[T any](enc *gob.Encoder, n, size int, snap func(i int) T) error {
	chunk := make([]T, 0, size)
	for i := range n {
		chunk = append(chunk, snap(i))
		if len(chunk) == size || i == n-1 {
			if err := enc.Encode(chunk); err != nil {
				return err
			}
			clear(chunk) // let go of the strings and features
			chunk = chunk[:0]
		}
	}
	return nil
}

// ReadClusterer restores a clusterer written by WriteTo (or by an earlier
// version's, format 1). The thresholds of cfg apply from now on; its
// shingling and LSH settings must match the checkpoint's
// (ErrIncompatible otherwise).
func ReadClusterer(r io.Reader, cfg Config) (*Clusterer, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	head := make([]byte, len(magic))
	if _, err := io.ReadFull(br, head); err != nil || (string(head) != magic && string(head) != magicV1) {
		return nil, fmt.Errorf("read dedup checkpoint: not a syndex dedup checkpoint (header %q)", head)
	}
	if string(head) == magicV1 {
		return readIndexV1(br, cfg)
	}
	cr := &countReader{r: br, n: int64(len(magic))}
	ix, err := readChunks(gob.NewDecoder(cr), cr, cfg)
	if err != nil {
		return nil, fmt.Errorf("read dedup checkpoint: %w", err)
	}
	return ix, nil
}

// readChunks reads a format 2 checkpoint after its magic line: the
// header, then each part in the order writeParts wrote it.
// cr counts what dec has read.
func readChunks(dec *gob.Decoder, cr *countReader, cfg Config) (*Clusterer, error) {
	var h snapHead
	if err := dec.Decode(&h); err != nil {
		return nil, err
	}
	if err := h.check(cfg); err != nil {
		return nil, err
	}
	ix, err := fromHead(&h, cfg)
	if err != nil {
		return nil, err
	}
	for _, read := range []func(*gob.Decoder, *snapHead) error{ix.readSites, ix.readDocs, ix.readLSH, ix.readClusters} {
		if err := read(dec, &h); err != nil {
			return nil, err
		}
	}
	if err := ix.readVerify(dec, cr); err != nil {
		return nil, err
	}
	return ix, nil
}

// check refuses a header written under other shingling or LSH settings
// than cfg's, or whose counts cannot be right.
func (h *snapHead) check(cfg Config) error {
	if h.Shingle != cfg.Shingle || h.Sample != cfg.Sample || h.Bands != cfg.Bands || h.Rows != cfg.Rows {
		return fmt.Errorf("%w: checkpoint %d/%d/%d/%d, config %d/%d/%d/%d", ErrIncompatible,
			h.Shingle, h.Sample, h.Bands, h.Rows, cfg.Shingle, cfg.Sample, cfg.Bands, cfg.Rows)
	}
	if h.Sites < 0 || h.Docs < 0 || h.Clusters < 0 || h.Heads <= 0 || h.Heads&(h.Heads-1) != 0 || h.Next != h.Docs*cfg.Bands {
		return fmt.Errorf("malformed header (%d sites, %d documents, %d clusters, LSH %d/%d)", h.Sites, h.Docs, h.Clusters, h.Heads, h.Next)
	}
	return nil
}

// fromHead is a clusterer with the global state of the header h and
// room for the parts it counts.
func fromHead(h *snapHead, cfg Config) (*Clusterer, error) {
	ix := NewClusterer(cfg)
	if err := ix.restoreGlobal(&snapshot{Global: h.Global, Primed: h.Primed, Live: h.Live, GlobalEpoch: h.GlobalEpoch}); err != nil {
		return nil, err
	}
	ix.pending, ix.pendingAge, ix.lsh.used = h.Pending, h.PendingAge, h.Used
	if h.SiteClusters != nil {
		ix.siteClusters = h.SiteClusters
	}
	ix.sites = make([]site, 0, min(h.Sites, maxPrealloc))
	ix.docs = make([]doc, 0, min(h.Docs, maxPrealloc))
	ix.byID = make(map[string]uint32, min(h.Live, maxPrealloc))
	ix.clusters = make([]cluster, 0, min(h.Clusters, maxPrealloc))
	return ix, nil
}

// readSites reads the sites part.
func (ix *Clusterer) readSites(dec *gob.Decoder, h *snapHead) error {
	return decodePart(dec, h.Sites, "sites", func(chunk []snapSite) error {
		for _, st := range chunk {
			ix.siteByNm[st.Name] = uint32(len(ix.sites))
			ix.sites = append(ix.sites, site{name: st.Name, label: st.Label, freq: freqFrom(st.Freq), epoch: st.Epoch})
		}
		return nil
	})
}

// readDocs reads the documents part, every reference checked to be in
// range.
func (ix *Clusterer) readDocs(dec *gob.Decoder, h *snapHead) error {
	return decodePart(dec, h.Docs, "documents", func(chunk []snapDoc) error {
		for _, d := range chunk {
			if err := ix.restoreDoc(d, h.Docs, h.Sites, h.Clusters); err != nil {
				return err
			}
		}
		return nil
	})
}

// readLSH reads the LSH table's three parts: the heads and chains, every
// entry checked to be in range, and the tags.
func (ix *Clusterer) readLSH(dec *gob.Decoder, h *snapHead) error {
	var err error
	if ix.lsh.heads, err = decodeEntries(dec, h.Heads, "LSH heads", h.Next); err != nil {
		return err
	}
	if ix.lsh.next, err = decodeEntries(dec, h.Next, "LSH chains", h.Next); err != nil {
		return err
	}
	ix.lsh.tags, err = decodeEntries(dec, h.Next, "LSH tags", math.MaxInt) // tags are hashes, not positions
	return err
}

// readClusters reads the clusters part, every member checked to be in
// range.
func (ix *Clusterer) readClusters(dec *gob.Decoder, h *snapHead) error {
	return decodePart(dec, h.Clusters, "clusters", func(chunk []snapCluster) error {
		for _, c := range chunk {
			if err := ix.restoreCluster(c); err != nil {
				return err
			}
		}
		return nil
	})
}

// decodeEntries reads a part of the LSH table of n entries, none above
// limit.
func decodeEntries(dec *gob.Decoder, n int, part string, limit int) ([]uint32, error) {
	a := make([]uint32, 0, min(n, maxPrealloc))
	err := decodePart(dec, n, part, func(chunk []uint32) error {
		for _, e := range chunk {
			if int(e) > limit {
				return fmt.Errorf("LSH entry %d out of range", e)
			}
		}
		a = append(a, chunk...)
		return nil
	})
	return a, err
}

// decodePart reads a part of n elements chunk by chunk, handing each
// chunk to add.
func decodePart[T any](dec *gob.Decoder, n int, part string, add func(chunk []T) error) error {
	for left := n; left > 0; {
		var chunk []T
		if err := decodeChunk(dec, &chunk, left, part); err != nil {
			return err
		}
		if err := add(chunk); err != nil {
			return err
		}
		left -= len(chunk)
	}
	return nil
}

// countReader counts the bytes read through it: where in the checkpoint
// a part starts, for errors and to tell its end from damage.
type countReader struct {
	r *bufio.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.n++
	}
	return b, err
}

// decodeChunk decodes the next chunk of a part into chunk: at least one
// element and at most left.
func decodeChunk[T any](dec *gob.Decoder, chunk *[]T, left int, part string) error {
	if err := dec.Decode(chunk); err != nil {
		return fmt.Errorf("%s: %w", part, err)
	}
	if len(*chunk) == 0 || len(*chunk) > left {
		return fmt.Errorf("%s: a chunk of %d where %d remain", part, len(*chunk), left)
	}
	return nil
}

// readIndexV1 reads a format 1 checkpoint (one gob value) after its magic
// line.
func readIndexV1(r io.Reader, cfg Config) (*Clusterer, error) {
	s, err := readSnapshot(r, cfg)
	if err != nil {
		return nil, err
	}
	ix := NewClusterer(cfg)
	if err := ix.restoreGlobal(s); err != nil {
		return nil, err
	}
	if err := ix.restoreLSH(s); err != nil {
		return nil, err
	}
	ix.pending, ix.pendingAge = s.Pending, s.PendingAge
	if s.SiteClusters != nil {
		ix.siteClusters = s.SiteClusters
	}
	if err := ix.restoreRecords(s); err != nil {
		return nil, fmt.Errorf("read dedup checkpoint: %w", err)
	}
	if len(ix.lsh.next) != len(ix.docs)*cfg.Bands {
		return nil, fmt.Errorf("read dedup checkpoint: LSH table has %d entries for %d documents", len(ix.lsh.next), len(ix.docs))
	}
	return ix, nil
}

// restoreRecords restores the snapshot's documents, sites and clusters.
func (ix *Clusterer) restoreRecords(s *snapshot) error {
	ix.docs = make([]doc, 0, len(s.Docs))
	for _, d := range s.Docs {
		if err := ix.restoreDoc(d, len(s.Docs), len(s.Sites), len(s.Clusters)); err != nil {
			return err
		}
	}
	for i, st := range s.Sites {
		ix.sites = append(ix.sites, site{name: st.Name, label: st.Label, freq: freqFrom(st.Freq), epoch: st.Epoch})
		ix.siteByNm[st.Name] = uint32(i)
	}
	for _, c := range s.Clusters {
		if err := ix.restoreCluster(c); err != nil {
			return err
		}
	}
	return nil
}

// readSnapshot decodes a format 1 checkpoint (after its magic line) and
// refuses one written under other shingling, sampling or LSH parameters
// than cfg's.
func readSnapshot(r io.Reader, cfg Config) (*snapshot, error) {
	var s snapshot
	if err := gob.NewDecoder(r).Decode(&s); err != nil {
		return nil, fmt.Errorf("read dedup checkpoint: %w", err)
	}
	if s.Shingle != cfg.Shingle || s.Sample != cfg.Sample || s.Bands != cfg.Bands || s.Rows != cfg.Rows {
		return nil, fmt.Errorf("%w: checkpoint %d/%d/%d/%d, config %d/%d/%d/%d", ErrIncompatible,
			s.Shingle, s.Sample, s.Bands, s.Rows, cfg.Shingle, cfg.Sample, cfg.Bands, cfg.Rows)
	}
	return &s, nil
}

// restoreGlobal restores the global frequency tables and epochs.
func (ix *Clusterer) restoreGlobal(s *snapshot) error {
	if len(s.Global) != globalShards {
		return fmt.Errorf("read dedup checkpoint: %d global shards, want %d", len(s.Global), globalShards)
	}
	ix.primed, ix.live, ix.globalEpoch = s.Primed, s.Live, s.GlobalEpoch
	for i, g := range s.Global {
		t := freqFrom(g)
		if len(g.Div) == len(g.Slots) {
			t.div = g.Div
		} else {
			t.div = make([]uint32, len(g.Slots)) // a checkpoint from before passages were counted
		}
		ix.global.shards[i] = t
	}
	return nil
}

// restoreLSH restores the LSH table, every entry checked to be in range.
func (ix *Clusterer) restoreLSH(s *snapshot) error {
	if len(s.Heads) == 0 || len(s.Heads)&(len(s.Heads)-1) != 0 || len(s.Tags) != len(s.Next) {
		return fmt.Errorf("read dedup checkpoint: malformed LSH table")
	}
	ix.lsh.heads, ix.lsh.next, ix.lsh.tags, ix.lsh.used = s.Heads, s.Next, s.Tags, s.Used
	for _, a := range [][]uint32{s.Heads, s.Next} {
		for _, e := range a {
			if int(e) > len(s.Next) {
				return fmt.Errorf("read dedup checkpoint: LSH entry %d out of range", e)
			}
		}
	}
	return nil
}

// restoreDoc appends a document of a checkpoint with nDocs documents,
// nSites sites and nClusters clusters, its references checked to be in
// range, and indexes its id when it is live.
func (ix *Clusterer) restoreDoc(d snapDoc, nDocs, nSites, nClusters int) error {
	i := len(ix.docs)
	if int(d.Site) >= nSites || int(d.Original) >= nDocs || int(d.Cluster) >= nClusters || int(d.Via) > nDocs {
		return fmt.Errorf("document %d refers past the end of the checkpoint", i)
	}
	if !validSketch(d.Sents) {
		return fmt.Errorf("document %d has a malformed sentence sketch", i)
	}
	feats := d.Feats
	if len(d.Quoted) > 0 {
		feats = append(append(make([]uint32, 0, len(d.Feats)+len(d.Quoted)), d.Feats...), d.Quoted...)[:len(d.Feats)]
	}
	ix.docs = append(ix.docs, doc{id: d.ID, src: d.Src, site: d.Site, feats: feats, nQuoted: uint32(len(d.Quoted)), published: d.Published,
		fetched: d.Fetched, urlHash: d.URLHash, srcURL: d.SrcURL, canonHash: d.CanonHash, print: d.Print,
		cluster: d.Cluster, original: d.Original, sim: d.Sim, role: d.Role, dead: d.Dead,
		via: d.Via, noindex: d.NoIndex, plainPath: d.PlainPath, hasAuthor: d.HasAuthor, nClean: d.NClean, siteEpoch: d.SiteEpoch, globalEpoch: d.GEpoch, cleaned: d.Cleaned,
		sents: d.Sents})
	if !d.Dead {
		ix.byID[d.ID] = uint32(i)
	}
	return nil
}

// restoreCluster appends a cluster of a checkpoint whose documents are
// restored, every member checked to be in range.
func (ix *Clusterer) restoreCluster(c snapCluster) error {
	for _, m := range c.Members {
		if int(m) >= len(ix.docs) {
			return fmt.Errorf("cluster %s member %d out of range", c.ID, m)
		}
	}
	if len(c.Members) > 0 {
		ix.clusterByID[c.ID] = int32(len(ix.clusters))
	}
	ix.clusters = append(ix.clusters, cluster{id: c.ID, members: c.Members, original: c.Original, evidence: c.Evidence, furniture: c.Furniture})
	return nil
}
