package dedup

import (
	"bytes"
	"encoding/gob"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/syndex/syndex/dedup/synth"
)

// stagedIndex returns a clusterer that ran the verifying stage on the
// incremental path over generated articles (dated), so that its
// checkpoint holds the stage's section.
func stagedIndex(t *testing.T) *Clusterer {
	t.Helper()
	opt := synth.Default()
	opt.Stories = 150
	texts := map[string]string{}
	ix := NewClusterer(DefaultConfig())
	ix.SetTexts(func(id string) (string, error) {
		if s, ok := texts[id]; ok {
			return s, nil
		}
		return "", errors.New("not stored")
	})
	for _, a := range synth.Generate(opt, 11) {
		texts[a.ID] = a.Text
		ix.Add(a)
	}
	if ix.inc == nil || len(ix.inc.posts) == 0 {
		t.Fatal("the stage kept no state: the articles are not dated?")
	}
	return ix
}

// sameStage reports whether two stages hold the same state (their
// scratch aside).
func sameStage(a, b *incVerify) bool {
	return a.docs == b.docs && reflect.DeepEqual(a.count, b.count) && reflect.DeepEqual(a.posts, b.posts) && reflect.DeepEqual(a.verified, b.verified)
}

// checkpoint returns ix's checkpoint and the offset where its verifying
// stage's section starts.
func checkpoint(t *testing.T, ix *Clusterer) ([]byte, int) {
	t.Helper()
	var buf bytes.Buffer
	if _, err := ix.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	inc := ix.inc
	ix.inc = nil
	var before bytes.Buffer
	_, err := ix.WriteTo(&before)
	ix.inc = inc
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), before.Len()
}

// TestVerifyCheckpointSums: the stage's counts are bytes, so a damaged
// count decodes as well as a sound one; every chunk of the stage's
// section carries a checksum, and a byte changed anywhere in the section
// (the counts, the postings, the header) is an error naming the part,
// never a clusterer with wrong counts. The sound checkpoint reads back to
// the same state.
func TestVerifyCheckpointSums(t *testing.T) {
	defer func(e int) { chunkEntries = e }(chunkEntries)
	chunkEntries = 1 << 16 // several chunks of counts and postings
	ix := stagedIndex(t)
	full, start := checkpoint(t, ix)
	back, err := ReadClusterer(bytes.NewReader(full), DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if !sameStage(back.inc, ix.inc) {
		t.Fatal("the stage's state read back differs")
	}
	if len(full)-start < 1<<wordTableBits {
		t.Fatalf("the stage's section is %d bytes: it should hold the counts", len(full)-start)
	}
	parts := map[string]int{}
	for k := range 400 {
		at := start + (len(full)-start)*k/400 + k%7
		bad := bytes.Clone(full)
		bad[at] ^= byte(1 + k%255)
		_, err := ReadClusterer(bytes.NewReader(bad), DefaultConfig())
		if err == nil {
			t.Fatalf("byte %d of %d (the stage's section starts at %d) changed: read without error", at, len(full), start)
		}
		for _, p := range []string{"verify word counts", "verify postings", "verify state"} {
			if strings.Contains(err.Error(), p) {
				parts[p]++
			}
		}
	}
	if parts["verify word counts"] == 0 || parts["verify postings"] == 0 {
		t.Errorf("errors by part %v: want damage found in the counts and in the postings", parts)
	}
}

// writeVerifyV0 writes the stage's section as a checkpoint did before the
// sums: counts in uint32 chunks, postings unsummed.
func writeVerifyV0(ix *Clusterer, enc *gob.Encoder, counts []uint32) error {
	iv := ix.inc
	type snapVerifyV0 struct {
		Docs                int64
		CountChunks, Posted int
		Verified            []uint32
	}
	h := snapVerifyV0{Docs: iv.docs, CountChunks: countChunks(), Posted: len(iv.posts)}
	for d, e := range iv.verified {
		h.Verified = append(h.Verified, d, e)
	}
	if err := enc.Encode(&h); err != nil {
		return err
	}
	for c := counts; len(c) > 0; {
		n := min(len(c), chunkEntries)
		if err := enc.Encode(c[:n]); err != nil {
			return err
		}
		c = c[n:]
	}
	type snapPostsV0 struct {
		Words []uint32
		Lens  []uint8
		Docs  []uint32
	}
	var p snapPostsV0
	for w, ds := range iv.posts {
		p.Words, p.Lens, p.Docs = append(p.Words, w), append(p.Lens, uint8(len(ds))), append(p.Docs, ds...)
	}
	return enc.Encode(&p)
}

// TestVerifyCheckpointFormat0: a checkpoint written before the stage's
// section was summed (uint32 counts) still loads, its counts cut to
// bytes (a count past 255 reads as 255, still not rare), the rest of
// the state as written.
func TestVerifyCheckpointFormat0(t *testing.T) {
	ix := stagedIndex(t)
	counts := make([]uint32, len(ix.inc.count))
	for i, n := range ix.inc.count {
		counts[i] = uint32(n)
	}
	counts[12345] = 70000
	var buf bytes.Buffer
	buf.WriteString(magic)
	enc := gob.NewEncoder(&buf)
	if err := ix.writeParts(enc); err != nil {
		t.Fatal(err)
	}
	if err := writeVerifyV0(ix, enc, counts); err != nil {
		t.Fatal(err)
	}
	back, err := ReadClusterer(&buf, DefaultConfig())
	if err != nil {
		t.Fatalf("a checkpoint from before the sums: %v", err)
	}
	ix.inc.count[12345] = 255
	if !sameStage(back.inc, ix.inc) {
		t.Fatal("the stage's state read back from format 0 differs")
	}
}
