package check

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/index"
	"github.com/syndex/syndex/internal/atomicfile"
	"github.com/syndex/syndex/store"
	"github.com/syndex/syndex/warc"
)

// repair rebuilds what inspect found wrong, in dependency order: the
// store first (everything else is checked against it), the WARC files'
// torn ends and CDXJ indexes, then the dedup checkpoint and the search
// index, which the archive rebuilds from the store when it opens; lost
// articles are re-extracted from the WARC files last.
func repair(ctx context.Context, dir string, opt Options, st *state) ([]Finding, error) {
	done := &Report{Dir: dir}
	var sv *store.Salvaged
	if st.storeDamaged {
		var err error
		if sv, err = repairStore(dir, done); err != nil {
			return nil, err
		}
	}
	if err := repairWARCs(dir, st, done); err != nil {
		return nil, err
	}
	// The dedup checkpoint names the last arrival number it took in: when
	// a salvage lost the store's count, it says how many articles there
	// were (read before removeDerived removes it).
	var dedupLast uint64
	if sv != nil && sv.CountLost {
		dedupLast = checkpointSeq(filepath.Join(dir, archive.DedupFile))
	}
	if err := removeDerived(dir, st, done); err != nil {
		return nil, err
	}
	if err := reopen(ctx, dir, opt, st, sv, dedupLast, done); err != nil {
		return nil, err
	}
	caughtUp(st, done)
	return done.Findings, nil
}

// caughtUp records the dedup checkpoint and search index that were only
// behind the store (not removed): reopening brought them up to date.
func caughtUp(st *state, done *Report) {
	for _, part := range st.behind {
		if part == "dedup" && !(st.dedupBad || st.storeDamaged) {
			done.add(Repaired, "dedup", archive.DedupFile, "brought up to date with the store")
		}
		if part == "index" && !(st.indexBad || st.storeDamaged) {
			done.add(Repaired, "index", archive.BleveDir, "brought up to date with the store")
		}
	}
}

// repairStore salvages a damaged store (salvageStore).
func repairStore(dir string, done *Report) (*store.Salvaged, error) {
	sv, moved, err := salvageStore(dir)
	if err != nil {
		return nil, err
	}
	done.add(Repaired, "store", store.FileName, "%d articles kept in a new store (%d of them found by scanning every page); the damaged file is kept as %s",
		sv.Articles, sv.Scanned, filepath.Base(moved))
	return sv, nil
}

// repairWARCs trims each WARC file's torn end and rewrites the CDXJ
// indexes that are missing, damaged or of a trimmed file.
func repairWARCs(dir string, st *state, done *Report) error {
	for _, ws := range st.warcs {
		if ws.Tail < 0 {
			continue
		}
		end := ws.GoodEnd()
		if err := os.Truncate(ws.Path, end); err != nil {
			return fmt.Errorf("repair %s: %w", ws.Path, err)
		}
		done.add(Repaired, "warc", rel(dir, ws.Path), "trimmed to its last whole record (%d bytes cut)", ws.Size-end)
		st.cdxBad[filepath.Base(ws.Path)] = true
	}
	for _, ws := range st.warcs {
		base := filepath.Base(ws.Path)
		cdx := strings.TrimSuffix(ws.Path, ".warc.gz") + ".cdxj"
		if _, err := os.Stat(cdx); !st.cdxBad[base] && err == nil {
			continue
		}
		n, err := rewriteCDXJ(cdx, ws)
		if err != nil {
			return err
		}
		done.add(Repaired, "cdxj", rel(dir, cdx), "rewritten from the %d records of %s", n, base)
	}
	return nil
}

// removeDerived removes a damaged or outdated dedup checkpoint and
// search index (all of them after a store salvage): opening the archive
// rebuilds them from the store.
func removeDerived(dir string, st *state, done *Report) error {
	if st.dedupBad || st.storeDamaged {
		if err := os.Remove(filepath.Join(dir, archive.DedupFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("repair: %w", err)
		}
		done.add(Repaired, "dedup", archive.DedupFile, "rebuilt from the store")
	}
	if st.indexBad || st.storeDamaged {
		if err := index.Remove(filepath.Join(dir, archive.BleveDir)); err != nil {
			return fmt.Errorf("repair: %w", err)
		}
		done.add(Repaired, "index", archive.BleveDir, "rebuilt from the store")
	}
	return nil
}

// reopen opens the archive, which replays the dedup checkpoint and
// rebuilds the index from the store, re-extracts from the WARC files
// the articles a salvage lost, and counts those that stay lost.
func reopen(ctx context.Context, dir string, opt Options, st *state, sv *store.Salvaged, dedupLast uint64, done *Report) error {
	aopt := opt.Archive
	aopt.Log = opt.Log
	a, err := archive.Open(ctx, dir, aopt)
	if err != nil {
		return fmt.Errorf("repair: %w", err)
	}
	if sv != nil && (len(sv.Lost) > 0 || sv.Structural) {
		if _, err := recoverFromWARC(ctx, a, st.warcs, sv.Lost, done); err != nil {
			a.Close()
			return err
		}
	}
	// Articles that no surviving entry named are counted, whether or not
	// the WARC files were searched for them.
	if sv != nil {
		countLost(sv, dedupLast, a.Store.Count(), done)
	}
	if err := a.Close(); err != nil {
		return fmt.Errorf("repair: %w", err)
	}
	return nil
}

// countLost reports the articles a store salvage (sv) lost for good,
// now articles being back: the damaged store's count says how many it
// held, or, when that count was lost, the dedup checkpoint's last
// arrival number (dedupLast) does.
func countLost(sv *store.Salvaged, dedupLast uint64, now int, done *Report) {
	unknown := sv.CountLost
	if unknown && dedupLast > 0 && dedupLast <= uint64(2*sv.Held+1000) {
		// The checkpoint, written after the store, vouches for the
		// number of articles the lost count held (a header far beyond
		// the highest arrival number found is garbage, not a count).
		sv.Held, unknown = max(sv.Held, int(dedupLast)), false
	}
	switch {
	case sv.Held > now:
		done.add(Error, "store", store.FileName, "the damaged store held %d articles, %d are back: %d are lost (imported from JSONL or in damaged WARC records; import them again)",
			sv.Held, now, sv.Held-now)
	case unknown:
		// The count was in a damaged page: a loss cannot be ruled out,
		// and saying nothing would pass it off as none.
		done.add(Error, "store", store.FileName, "the damaged store's article count was in a damaged page: %d articles are back, and articles that no surviving page names (imported from JSONL, the newest first) may be lost; import them again", now)
	}
}

// salvageStore copies what is readable of a damaged store into a new
// file that takes its place; the damaged one is kept beside it.
func salvageStore(dir string) (*store.Salvaged, string, error) {
	unlock, err := store.Lock(dir, true)
	if err != nil {
		return nil, "", err
	}
	defer unlock()
	path := filepath.Join(dir, store.FileName)
	tmp := path + ".salvage"
	sv, err := store.Salvage(path, tmp)
	if err != nil {
		return nil, "", fmt.Errorf("repair: %w", err)
	}
	moved := path + ".damaged-" + time.Now().UTC().Format("20060102T150405Z")
	if err := os.Rename(path, moved); err != nil {
		return nil, "", fmt.Errorf("repair: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, "", fmt.Errorf("repair: %w (the damaged store is %s)", err, moved)
	}
	atomicfile.SyncDir(dir)
	return sv, moved, nil
}

// rewriteCDXJ writes the CDXJ index of a WARC file from its readable
// response and revisit records, sorted, through a temporary file.
func rewriteCDXJ(path string, ws *warc.Verified) (int, error) {
	var lines []string
	base := filepath.Base(ws.Path)
	for _, r := range ws.Records {
		if r.Type != "response" && r.Type != "revisit" {
			continue
		}
		mime := r.MIME
		if r.Type == "revisit" {
			mime = "warc/revisit"
		}
		lines = append(lines, warc.CDXJLine(r.URI, r.Date, mime, r.Status, r.PayloadDigest,
			warc.Location{File: base, Offset: r.Offset, Length: r.Length}))
	}
	slices.Sort(lines)
	err := atomicfile.Write(path, func(w io.Writer) error {
		for _, l := range lines {
			if _, err := io.WriteString(w, l); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("repair %s: %w", path, err)
	}
	return len(lines), nil
}

// recoverFromWARC re-extracts the archive's own WARC files, as an import
// of them would, so that articles the damaged store lost come back
// (articles still stored are left as they are), and reports which of the
// lost ones it found.
func recoverFromWARC(ctx context.Context, a *archive.Archive, warcs []*warc.Verified, lost []store.LostArticle, done *Report) (int, error) {
	var paths []string
	for _, ws := range warcs {
		paths = append(paths, ws.Path)
	}
	before := a.Store.Count()
	var bad int
	_, err := a.ImportWARC(ctx, paths, archive.WARCImport{Again: true, Bad: func(error) { bad++ }})
	var be *archive.BadInputError
	if err != nil && !errors.As(err, &be) {
		return 0, fmt.Errorf("repair: re-extract from the WARC files: %w", err)
	}
	added := a.Store.Count() - before
	back, gone := foundAgain(a.Store, lost)
	msg := fmt.Sprintf("re-extracted %d articles from %d WARC files", added, len(paths))
	if len(lost) > 0 {
		msg += fmt.Sprintf("; %d of the %d articles the damaged store still named are back", back, len(lost))
	}
	done.add(Repaired, "store", store.FileName, "%s", msg)
	if len(gone) > 0 {
		done.add(Error, "store", store.FileName, "%d articles are lost: in no readable WARC record (imported from JSONL, or their record is damaged too; import them again): %s",
			len(gone), strings.Join(gone[:min(len(gone), 10)], ", "))
	}
	return added, nil
}

// foundAgain counts the lost articles the store holds again (by id, or
// by URL when one is known) and names the others: by URL, else by id
// when it is printable.
func foundAgain(st *store.Store, lost []store.LostArticle) (back int, gone []string) {
	for _, l := range lost {
		if _, err := st.Article(l.ID); err == nil {
			back++
			continue
		}
		if l.URL != "" {
			if _, err := st.ArticleByURL(l.URL); err == nil {
				back++
				continue
			}
			gone = append(gone, l.URL)
			continue
		}
		if utf8.ValidString(l.ID) && !strings.ContainsFunc(l.ID, unicode.IsControl) {
			gone = append(gone, l.ID)
		}
	}
	return back, gone
}

// checkpointSeq returns the arrival number in the header of the dedup
// checkpoint at path (0 when there is none or it cannot be read).
func checkpointSeq(path string) uint64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	var hdr [8]byte
	if _, err := io.ReadFull(f, hdr[:]); err != nil {
		return 0
	}
	return binary.BigEndian.Uint64(hdr[:])
}
