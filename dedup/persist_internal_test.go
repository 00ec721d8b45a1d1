package dedup

import (
	"bufio"
	"bytes"
	"encoding/gob"
	"io"
	"reflect"
	"testing"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup/synth"
)

// writeV1 writes ix as a format 1 checkpoint: the whole state as one gob
// value, as syndex did before the chunked format.
func writeV1(ix *Clusterer, w io.Writer) error {
	bw := bufio.NewWriter(w)
	s := snapshot{Shingle: ix.cfg.Shingle, Sample: ix.cfg.Sample, Bands: ix.cfg.Bands, Rows: ix.cfg.Rows,
		Primed: ix.primed, GlobalEpoch: ix.globalEpoch, Live: ix.live, Global: globalSnap(ix.global), Heads: ix.lsh.heads, Next: ix.lsh.next, Tags: ix.lsh.tags, Used: ix.lsh.used,
		SiteClusters: ix.siteClusters, Pending: ix.pending, PendingAge: ix.pendingAge}
	for i := range ix.docs {
		d := &ix.docs[i]
		s.Docs = append(s.Docs, snapDoc{ID: d.id, Src: d.src, Site: d.site, Feats: d.feats, Quoted: d.quotedFeats(), Published: d.published,
			Fetched: d.fetched, URLHash: d.urlHash, SrcURL: d.srcURL, CanonHash: d.canonHash, Print: d.print,
			Cluster: d.cluster, Original: d.original, Sim: d.sim, Role: d.role, Dead: d.dead,
			Via: d.via, NoIndex: d.noindex, PlainPath: d.plainPath, HasAuthor: d.hasAuthor, NClean: d.nClean, SiteEpoch: d.siteEpoch, GEpoch: d.globalEpoch, Cleaned: d.cleaned})
	}
	for _, st := range ix.sites {
		s.Sites = append(s.Sites, snapSite{Name: st.name, Label: st.label, Freq: freqSnap(st.freq), Epoch: st.epoch})
	}
	for _, c := range ix.clusters {
		s.Clusters = append(s.Clusters, snapCluster{ID: c.id, Members: c.members, Original: c.original, Evidence: c.evidence, Furniture: c.furniture})
	}
	bw.WriteString(magicV1)
	if err := gob.NewEncoder(bw).Encode(&s); err != nil {
		return err
	}
	return bw.Flush()
}

// TestCheckpointFormats restores a clusterer from a chunked checkpoint (in
// many chunks of each part) and from a
// format 1 one, and checks that each restored clusterer, given the rest of
// the articles, ends where the clusterer that never stopped does.
func TestCheckpointFormats(t *testing.T) {
	defer func(d, c, s, e int) { chunkDocs, chunkClusters, chunkSites, chunkEntries = d, c, s, e }(chunkDocs, chunkClusters, chunkSites, chunkEntries)
	chunkDocs, chunkClusters, chunkSites, chunkEntries = 97, 31, 5, 1000
	opt := synth.Default()
	arts := synth.Generate(opt, 3)
	cut := 2 * len(arts) / 3
	cfg := DefaultConfig()
	straight := NewClusterer(cfg)
	for _, a := range arts {
		straight.Add(a)
	}
	half := NewClusterer(cfg)
	for _, a := range arts[:cut] {
		half.Add(a)
	}
	if len(half.sites) <= chunkSites || len(half.docs) <= chunkDocs || len(half.clusters) <= chunkClusters || len(half.lsh.heads) <= chunkEntries {
		t.Fatalf("%d sites, %d documents, %d clusters, %d LSH heads: too few to fill a chunk", len(half.sites), len(half.docs), len(half.clusters), len(half.lsh.heads))
	}
	for _, format := range []string{"chunked", "format 1"} {
		var buf bytes.Buffer
		if format == "format 1" {
			if err := writeV1(half, &buf); err != nil {
				t.Fatal(err)
			}
		} else if n, err := half.WriteTo(&buf); err != nil || n != int64(buf.Len()) {
			t.Fatalf("WriteTo = %d, %v; buffer has %d", n, err, buf.Len())
		}
		back, err := ReadClusterer(&buf, cfg)
		if err != nil {
			t.Fatalf("%s: ReadClusterer: %v", format, err)
		}
		if !reflect.DeepEqual(back.lsh, half.lsh) || len(back.docs) != len(half.docs) || len(back.clusters) != len(half.clusters) {
			t.Fatalf("%s: restored %d docs, %d clusters (LSH equal %v), want %d, %d", format,
				len(back.docs), len(back.clusters), reflect.DeepEqual(back.lsh, half.lsh), len(half.docs), len(half.clusters))
		}
		for _, a := range arts[cut:] {
			back.Add(a)
		}
		for _, a := range arts {
			want, _ := straight.Assignment(a.ID)
			got, ok := back.Assignment(a.ID)
			if !ok || !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: %s = %+v, want %+v", format, a.ID, got, want)
			}
		}
	}
}

// TestCheckpointDamaged cuts a chunked checkpoint short at many places and
// flips bytes in it: ReadClusterer must return an error (or, for a flip that
// gob cannot tell, a clusterer), never panic or hang.
func TestCheckpointDamaged(t *testing.T) {
	defer func(d, c, s, e int) { chunkDocs, chunkClusters, chunkSites, chunkEntries = d, c, s, e }(chunkDocs, chunkClusters, chunkSites, chunkEntries)
	chunkDocs, chunkClusters, chunkSites, chunkEntries = 97, 31, 5, 1000
	opt := synth.Default()
	opt.Stories = 300
	ix := NewClusterer(DefaultConfig())
	for _, a := range synth.Generate(opt, 5) {
		ix.Add(a)
	}
	ix.Add(&article.Article{ID: "extra", Text: "one more article with a few words in it"})
	var buf bytes.Buffer
	if _, err := ix.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	full := buf.Bytes()
	for _, n := range []int{0, 5, len(magic), len(magic) + 10, len(full) / 4, len(full) / 2, len(full) - 100, len(full) - 1} {
		if _, err := ReadClusterer(bytes.NewReader(full[:n]), DefaultConfig()); err == nil {
			t.Errorf("checkpoint cut at %d of %d bytes read without error", n, len(full))
		}
	}
	for _, at := range []int{len(magic) + 40, len(full) / 3, len(full) / 2, len(full) - 50} {
		bad := bytes.Clone(full)
		bad[at] ^= 0xff
		ReadClusterer(bytes.NewReader(bad), DefaultConfig())
	}
}
