package dedup

import (
	"bufio"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/syndex/syndex/article"
)

// magic starts every checkpoint; the digit is the format version.
const magic = "syndex-dedup 1\n"

// ErrIncompatible is returned by ReadIndex when the checkpoint was built
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

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// WriteTo writes a checkpoint of the whole index state to w. Reading it
// back with ReadIndex and replaying the articles added since gives the same
// state as never having stopped.
func (ix *Index) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	bw := bufio.NewWriterSize(cw, 1<<16)
	s := snapshot{Shingle: ix.cfg.Shingle, Sample: ix.cfg.Sample, Bands: ix.cfg.Bands, Rows: ix.cfg.Rows,
		Primed: ix.primed, GlobalEpoch: ix.globalEpoch, Live: ix.live, Global: globalSnap(ix.global), Heads: ix.lsh.heads, Next: ix.lsh.next, Tags: ix.lsh.tags, Used: ix.lsh.used,
		SiteClusters: ix.siteClusters, Pending: ix.pending, PendingAge: ix.pendingAge}
	s.Docs = make([]snapDoc, len(ix.docs))
	for i, d := range ix.docs {
		s.Docs[i] = snapDoc{ID: d.id, Src: d.src, Site: d.site, Feats: d.feats, Quoted: d.quotedFeats(), Published: d.published,
			Fetched: d.fetched, URLHash: d.urlHash, SrcURL: d.srcURL, CanonHash: d.canonHash, Print: d.print,
			Cluster: d.cluster, Original: d.original, Sim: d.sim, Role: d.role, Dead: d.dead,
			Via: d.via, NoIndex: d.noindex, PlainPath: d.plainPath, HasAuthor: d.hasAuthor, NClean: d.nClean, SiteEpoch: d.siteEpoch, GEpoch: d.globalEpoch, Cleaned: d.cleaned}
	}
	for _, st := range ix.sites {
		s.Sites = append(s.Sites, snapSite{Name: st.name, Label: st.label, Freq: freqSnap(st.freq), Epoch: st.epoch})
	}
	for _, c := range ix.clusters {
		s.Clusters = append(s.Clusters, snapCluster{ID: c.id, Members: c.members, Original: c.original, Evidence: c.evidence, Furniture: c.furniture})
	}
	if _, err := bw.WriteString(magic); err != nil {
		return cw.n, fmt.Errorf("write dedup checkpoint: %w", err)
	}
	if err := gob.NewEncoder(bw).Encode(&s); err != nil {
		return cw.n, fmt.Errorf("write dedup checkpoint: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return cw.n, fmt.Errorf("write dedup checkpoint: %w", err)
	}
	return cw.n, nil
}

// ReadIndex restores an index written by WriteTo. The thresholds of cfg
// apply from now on; its shingling and LSH settings must match the
// checkpoint's (ErrIncompatible otherwise).
func ReadIndex(r io.Reader, cfg Config) (*Index, error) {
	s, err := readSnapshot(r, cfg)
	if err != nil {
		return nil, err
	}
	ix := NewIndex(cfg)
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
	if err := ix.restoreDocs(s); err != nil {
		return nil, err
	}
	for i, st := range s.Sites {
		ix.sites = append(ix.sites, site{name: st.Name, label: st.Label, freq: freqFrom(st.Freq), epoch: st.Epoch})
		ix.siteByNm[st.Name] = uint32(i)
	}
	if err := ix.restoreClusters(s); err != nil {
		return nil, err
	}
	if len(ix.lsh.next) != len(ix.docs)*cfg.Bands {
		return nil, fmt.Errorf("read dedup checkpoint: LSH table has %d entries for %d documents", len(ix.lsh.next), len(ix.docs))
	}
	return ix, nil
}

// readSnapshot decodes a checkpoint and refuses one written under other
// shingling, sampling or LSH parameters than cfg's.
func readSnapshot(r io.Reader, cfg Config) (*snapshot, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	head := make([]byte, len(magic))
	if _, err := io.ReadFull(br, head); err != nil || string(head) != magic {
		return nil, fmt.Errorf("read dedup checkpoint: not a syndex dedup checkpoint (header %q)", head)
	}
	var s snapshot
	if err := gob.NewDecoder(br).Decode(&s); err != nil {
		return nil, fmt.Errorf("read dedup checkpoint: %w", err)
	}
	if s.Shingle != cfg.Shingle || s.Sample != cfg.Sample || s.Bands != cfg.Bands || s.Rows != cfg.Rows {
		return nil, fmt.Errorf("%w: checkpoint %d/%d/%d/%d, config %d/%d/%d/%d", ErrIncompatible,
			s.Shingle, s.Sample, s.Bands, s.Rows, cfg.Shingle, cfg.Sample, cfg.Bands, cfg.Rows)
	}
	return &s, nil
}

// restoreGlobal restores the global frequency tables and epochs.
func (ix *Index) restoreGlobal(s *snapshot) error {
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
func (ix *Index) restoreLSH(s *snapshot) error {
	if len(s.Heads) == 0 || len(s.Heads)&(len(s.Heads)-1) != 0 || len(s.Tags) != len(s.Next) {
		return fmt.Errorf("read dedup checkpoint: malformed LSH table")
	}
	ix.lsh.heads, ix.lsh.next, ix.lsh.tags, ix.lsh.used = s.Heads, s.Next, s.Tags, s.Used
	for _, e := range append(slices.Clip(s.Heads), s.Next...) {
		if int(e) > len(s.Next) {
			return fmt.Errorf("read dedup checkpoint: LSH entry %d out of range", e)
		}
	}
	return nil
}

// restoreDocs restores the documents, each reference checked to be in
// range, and the id index of the live ones.
func (ix *Index) restoreDocs(s *snapshot) error {
	ix.docs = make([]doc, len(s.Docs))
	for i, d := range s.Docs {
		if int(d.Site) >= len(s.Sites) || int(d.Original) >= len(s.Docs) || int(d.Cluster) >= len(s.Clusters) || int(d.Via) > len(s.Docs) {
			return fmt.Errorf("read dedup checkpoint: document %d refers past the end of the checkpoint", i)
		}
		feats := d.Feats
		if len(d.Quoted) > 0 {
			feats = append(append(make([]uint32, 0, len(d.Feats)+len(d.Quoted)), d.Feats...), d.Quoted...)[:len(d.Feats)]
		}
		ix.docs[i] = doc{id: d.ID, src: d.Src, site: d.Site, feats: feats, nQuoted: uint32(len(d.Quoted)), published: d.Published,
			fetched: d.Fetched, urlHash: d.URLHash, srcURL: d.SrcURL, canonHash: d.CanonHash, print: d.Print,
			cluster: d.Cluster, original: d.Original, sim: d.Sim, role: d.Role, dead: d.Dead,
			via: d.Via, noindex: d.NoIndex, plainPath: d.PlainPath, hasAuthor: d.HasAuthor, nClean: d.NClean, siteEpoch: d.SiteEpoch, globalEpoch: d.GEpoch, cleaned: d.Cleaned}
		if !d.Dead {
			ix.byID[d.ID] = uint32(i)
		}
	}
	return nil
}

// restoreClusters restores the clusters, every member checked to be in
// range.
func (ix *Index) restoreClusters(s *snapshot) error {
	for i, c := range s.Clusters {
		for _, m := range c.Members {
			if int(m) >= len(ix.docs) {
				return fmt.Errorf("read dedup checkpoint: cluster %s member %d out of range", c.ID, m)
			}
		}
		ix.clusters = append(ix.clusters, cluster{id: c.ID, members: c.Members, original: c.Original, evidence: c.Evidence, furniture: c.Furniture})
		if len(c.Members) > 0 {
			ix.clusterByID[c.ID] = int32(i)
		}
	}
	return nil
}
