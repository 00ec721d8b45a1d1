package index

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/syndex/syndex/internal/atomicfile"
	"github.com/syndex/syndex/internal/boltcheck"
)

// Bleve's segment files (zap) end with a CRC-32 of everything before it,
// which Bleve itself never checks: a damaged segment is searched as is and
// gives wrong hits, or none, without an error. An index is opened only
// after each segment in use passed that check once; segments never change
// after they are written, so a segment that passed is remembered (by name,
// size and modification time) in verifiedFile and not read again.

// verifiedFile, at the top of an index directory, lists the segments that
// passed their checksum.
const verifiedFile = ".segments-verified"

// segmentsMu serialises updates of verifiedFile within a process.
var segmentsMu sync.Mutex

// LiveSegments returns the segment files a shard's root.bolt names.
func LiveSegments(shardDir string) ([]string, error) {
	root := filepath.Join(shardDir, "store", "root.bolt")
	bf, err := boltcheck.Open(root)
	if err != nil {
		return nil, err
	}
	defer bf.Close()
	var segs []string
	seen := map[string]bool{}
	res := boltcheck.Check(bf, 5, func(_ [][]byte, k, v []byte) {
		// Scorch names each segment of a snapshot under key "p".
		if string(k) == "p" && strings.HasSuffix(string(v), ".zap") && !seen[string(v)] {
			seen[string(v)] = true
			segs = append(segs, filepath.Join(shardDir, "store", string(v)))
		}
	})
	if len(res.Problems) > 0 {
		return nil, fmt.Errorf("%s: %s", root, res.Problems[0])
	}
	return segs, nil
}

// SegmentCRC checks a segment file's trailing CRC-32 (IEEE, big-endian).
func SegmentCRC(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.Size() < 4 {
		return fmt.Errorf("segment %s: %d bytes", path, fi.Size())
	}
	h := crc32.NewIEEE()
	if _, err := io.Copy(h, io.NewSectionReader(f, 0, fi.Size()-4)); err != nil {
		return err
	}
	var tail [4]byte
	if _, err := f.ReadAt(tail[:], fi.Size()-4); err != nil {
		return err
	}
	if got, want := h.Sum32(), binary.BigEndian.Uint32(tail[:]); got != want {
		return fmt.Errorf("segment %s: checksum mismatch (stored %08x, computed %08x)", path, want, got)
	}
	return nil
}

// verifySegments checks the segments in use by every shard of the index in
// dir that did not pass before, and remembers those that pass (when the
// directory is writable). A segment that fails is corruption.
func verifySegments(dir string, shards int) error {
	segmentsMu.Lock()
	defer segmentsMu.Unlock()
	known := map[string]string{}
	if b, err := os.ReadFile(filepath.Join(dir, verifiedFile)); err == nil {
		json.Unmarshal(b, &known) // a damaged list only means checking again
	}
	next := map[string]string{}
	changed := false
	for i := range shards {
		segs, err := LiveSegments(shardDir(dir, i))
		if err != nil {
			if os.IsNotExist(err) {
				continue
			}
			return fmt.Errorf("shard %d: %w", i, classify(err))
		}
		for _, seg := range segs {
			fi, err := os.Stat(seg)
			if err != nil {
				return fmt.Errorf("shard %d: %w", i, classify(err))
			}
			name, _ := filepath.Rel(dir, seg)
			sig := fmt.Sprintf("%d %d", fi.Size(), fi.ModTime().UnixNano())
			if known[name] != sig {
				if err := SegmentCRC(seg); err != nil {
					return fmt.Errorf("shard %d: %w", i, classify(err))
				}
				changed = true
			}
			next[name] = sig
		}
	}
	if changed || len(next) != len(known) {
		if b, err := json.Marshal(next); err == nil {
			_ = atomicfile.WriteFile(filepath.Join(dir, verifiedFile), b) // read-only media: check again next time
		}
	}
	return nil
}
