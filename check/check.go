// Package check verifies an archive directory and repairs what can be
// rebuilt: the store against itself (its file structure, each article
// record's checksum, arrival order and URL index), the WARC files (each
// gzip member, block and payload digests) and their CDXJ indexes, the
// articles' WARC locations, the dedup checkpoint and the search index
// against the store. It owns no data: Repair salvages the store into a new
// file, re-extracts lost articles from the WARC files, trims a WARC file's
// torn end, rewrites CDXJ indexes and lets the archive rebuild the dedup
// checkpoint and the search index from the store.
package check

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/index"
	"github.com/syndex/syndex/store"
	"github.com/syndex/syndex/warc"
)

// Severity ranks a finding.
type Severity int

// Severities, from harmless to fixed.
const (
	OK       Severity = iota // a part checked and found sound
	Warning                  // left by a crash and tidied by the next writer or --repair; nothing is lost
	Error                    // damage: something stored is wrong or missing
	Repaired                 // what --repair did
)

func (s Severity) String() string {
	return [...]string{"ok", "warning", "error", "repaired"}[s]
}

// Finding is one line of a check's report.
type Finding struct {
	Severity Severity
	Part     string // store, warc, cdxj, articles, dedup, index
	File     string // the file or directory, relative to the archive
	Msg      string
}

func (f Finding) String() string {
	return fmt.Sprintf("%-8s %-8s %s: %s", f.Severity, f.Part, f.File, f.Msg)
}

// Report is the outcome of Run.
type Report struct {
	Dir      string
	Findings []Finding
}

// Count returns how many findings have severity s.
func (r *Report) Count(s Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == s {
			n++
		}
	}
	return n
}

// First returns the first finding of severity s.
func (r *Report) First(s Severity) (Finding, bool) {
	for _, f := range r.Findings {
		if f.Severity == s {
			return f, true
		}
	}
	return Finding{}, false
}

func (r *Report) add(s Severity, part, file, format string, args ...any) {
	r.Findings = append(r.Findings, Finding{Severity: s, Part: part, File: file, Msg: fmt.Sprintf(format, args...)})
}

// Options tune Run.
type Options struct {
	// Repair rebuilds what can be rebuilt; it needs the archive to itself.
	Repair bool
	// Archive configures the archive opened to rebuild the dedup
	// checkpoint and the index and to re-extract lost articles (dedup
	// and extraction settings of the configuration).
	Archive archive.Options
	// Log receives progress; slog.Default if nil.
	Log *slog.Logger
}

// maxListed bounds the problems listed per part.
const maxListed = 20

// Run checks the archive in dir and, with opt.Repair, repairs it and
// checks it again. The report lists every finding; the error is for a
// check that could not run at all (no archive, the archive in use).
func Run(ctx context.Context, dir string, opt Options) (*Report, error) {
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	if err := finishInterruptedRepair(dir, opt.Repair); err != nil {
		return nil, err
	}
	st, err := inspect(ctx, dir, opt)
	if err != nil {
		return nil, err
	}
	if !opt.Repair || st.rep.Count(Error)+st.rep.Count(Warning) == 0 {
		return st.rep, nil
	}
	done, err := repair(ctx, dir, opt, st)
	if err != nil {
		return nil, err
	}
	after, err := inspect(ctx, dir, Options{Archive: opt.Archive, Log: opt.Log})
	if err != nil {
		return nil, err
	}
	after.rep.Findings = append(done, after.rep.Findings...)
	return after.rep, nil
}

// finishInterruptedRepair finishes a repair killed between moving the damaged
// store aside and moving the salvaged one in, which leaves no store but
// the salvaged file: with repair it moves that file in, without it the
// check cannot run.
func finishInterruptedRepair(dir string, repair bool) error {
	path := filepath.Join(dir, store.FileName)
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if _, err := os.Stat(path + ".salvage"); err != nil {
		return nil
	}
	if !repair {
		return fmt.Errorf("check %s: a repair was interrupted (%s.salvage is there, %s is not): run `syndex check --repair` to finish it", dir, store.FileName, store.FileName)
	}
	if err := os.Rename(path+".salvage", path); err != nil {
		return fmt.Errorf("check %s: finish an interrupted repair: %w", dir, err)
	}
	return nil
}

// state is what inspect learned, for repair.
type state struct {
	rep          *Report
	storeDamaged bool
	warcs        []*warc.Verified
	cdxBad       map[string]bool // WARC files whose CDXJ index needs rewriting
	dedupBad     bool
	indexBad     bool
	behind       []string // parts the archive brings up to date when it opens (dedup, index)
}

func inspect(ctx context.Context, dir string, opt Options) (*state, error) {
	st := &state{rep: &Report{Dir: dir}, cdxBad: map[string]bool{}}
	unlock, err := store.Lock(dir, false)
	if err != nil {
		return nil, err
	}
	defer unlock()
	// The store, with plain reads: damage cannot crash the check.
	if err := st.checkStoreFile(dir); err != nil {
		return nil, err
	}
	warcDir := filepath.Join(dir, archive.WARCDir)
	byName, err := st.checkWARCs(ctx, dir, warcDir)
	if err != nil {
		return nil, err
	}
	// What needs the store read through bbolt waits for a sound store.
	if st.storeDamaged {
		st.rep.add(Error, "dedup", archive.DedupFile, "not checked: the store is damaged")
		st.rep.add(Error, "index", archive.BleveDir, "not checked: the store is damaged")
		return st, nil
	}
	if err := st.checkStored(ctx, dir, warcDir, byName, opt); err != nil {
		return nil, err
	}
	return st, nil
}

// checkStoreFile checks the store's file with plain reads.
func (st *state) checkStoreFile(dir string) error {
	rep := st.rep
	srep, err := store.CheckFile(filepath.Join(dir, store.FileName), maxListed, true)
	if err != nil {
		return fmt.Errorf("check %s: %w", dir, err)
	}
	if srep.MetaNote != "" {
		rep.add(Warning, "store", store.FileName, "%s", srep.MetaNote)
	}
	for _, p := range srep.Problems {
		rep.add(Error, "store", store.FileName, "%s", p)
	}
	if srep.More > 0 {
		rep.add(Error, "store", store.FileName, "and %d more problems", srep.More)
	}
	st.storeDamaged = !srep.OK()
	if srep.OK() {
		rep.add(OK, "store", store.FileName, "%d articles (%d written before records had checksums), %d pages", srep.Articles, srep.Unsealed, srep.Pages)
	}
	return nil
}

// checkWARCs verifies the WARC files and their CDXJ indexes; it returns
// the sound files by name.
func (st *state) checkWARCs(ctx context.Context, dir, warcDir string) (map[string]*warc.Verified, error) {
	files, _ := filepath.Glob(filepath.Join(warcDir, "*.warc.gz"))
	slices.Sort(files)
	byName := map[string]*warc.Verified{}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ws, err := warc.Verify(f)
		if err != nil {
			st.rep.add(Error, "warc", rel(dir, f), "%v", err)
			continue
		}
		st.warcs = append(st.warcs, ws)
		byName[filepath.Base(f)] = ws
		reportWARC(st.rep, dir, ws)
	}
	checkCDXJ(st.rep, dir, warcDir, byName, st.cdxBad)
	return byName, nil
}

// checkStored checks what needs the (sound) store read through bbolt:
// bbolt's own check, the articles' WARC locations, the dedup checkpoint
// and the search index.
func (st *state) checkStored(ctx context.Context, dir, warcDir string, byName map[string]*warc.Verified, opt Options) error {
	rep := st.rep
	s, err := store.Open(dir, store.Options{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("check %s: %w", dir, err)
	}
	defer s.Close()
	for _, p := range s.BoltCheck() {
		rep.add(Error, "store", store.FileName, "bbolt's check: %s", p)
		st.storeDamaged = true
	}
	arts, err := readArticles(s)
	if err != nil {
		rep.add(Error, "store", store.FileName, "%v", err)
		st.storeDamaged = true
		return nil
	}
	checkLocations(rep, dir, warcDir, arts, byName)
	st.dedupBad = checkDedup(rep, dir, arts, s.LastSeq(), opt)
	st.indexBad = checkIndex(ctx, rep, dir, arts, s.LastSeq())
	for _, f := range rep.Findings {
		if f.Severity == Warning && (f.Part == "dedup" || f.Part == "index") {
			st.behind = append(st.behind, f.Part)
		}
	}
	return nil
}

// art is what the cross-checks need of a stored article.
type art struct {
	id, cluster, warc string
	seq               uint64
}

func readArticles(s *store.Store) ([]art, error) {
	var out []art
	for a, err := range s.Arrivals(0) {
		if err != nil {
			return nil, err
		}
		out = append(out, art{id: a.ID, cluster: a.Cluster, warc: a.WARC, seq: a.Seq})
	}
	return out, nil
}

func rel(dir, path string) string {
	if r, err := filepath.Rel(dir, path); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return path
}

func reportWARC(rep *Report, dir string, ws *warc.Verified) {
	name := rel(dir, ws.Path)
	listed := 0
	for _, b := range ws.Bad {
		if ws.Tail >= 0 && b.Offset >= ws.Tail {
			continue
		}
		if listed < maxListed {
			rep.add(Error, "warc", name, "unreadable record at offset %d: %v", b.Offset, b.Err)
		}
		listed++
	}
	if ws.Tail >= 0 {
		rep.add(Warning, "warc", name, "ends in a record cut short at offset %d (%d bytes; a write interrupted by a crash): `--repair` trims it", ws.Tail, ws.Size-ws.Tail)
	}
	if listed == 0 {
		rep.add(OK, "warc", name, "%d records", len(ws.Records))
	}
}

// cdxLine is one CDXJ line's fields that can be checked.
type cdxLine struct {
	URL      string `json:"url"`
	Filename string `json:"filename"`
	Offset   string `json:"offset"`
	Length   string `json:"length"`
	Digest   string `json:"digest"`
}

// checkCDXJ checks every CDXJ file against the WARC records it indexes,
// and that every response and revisit is indexed.
func checkCDXJ(rep *Report, dir, warcDir string, warcs map[string]*warc.Verified, bad map[string]bool) {
	indexed := map[string]map[int64]bool{}
	cdxs, _ := filepath.Glob(filepath.Join(warcDir, "*.cdxj"))
	slices.Sort(cdxs)
	for _, c := range cdxs {
		checkCDXJFile(rep, dir, c, warcs, bad, indexed)
	}
	names := make([]string, 0, len(warcs))
	for n := range warcs {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		missing := 0
		for _, r := range warcs[n].Records {
			if (r.Type == "response" || r.Type == "revisit") && !indexed[n][r.Offset] {
				missing++
			}
		}
		if missing > 0 {
			rep.add(Warning, "cdxj", strings.TrimSuffix(n, ".warc.gz")+".cdxj", "%d records of %s are not indexed (a crawl killed between the two writes): `--repair` rewrites the index", missing, n)
			bad[n] = true
		}
	}
}

// checkCDXJFile checks one CDXJ index: whole, sorted lines, each naming
// a readable record of the URL it says at its offset; the records it
// names go to indexed, and its WARC file to bad when it must be rewritten.
func checkCDXJFile(rep *Report, dir, c string, warcs map[string]*warc.Verified, bad map[string]bool, indexed map[string]map[int64]bool) {
	name := rel(dir, c)
	base := strings.TrimSuffix(filepath.Base(c), ".cdxj") + ".warc.gz"
	b, err := os.ReadFile(c)
	if err != nil {
		rep.add(Error, "cdxj", name, "%v", err)
		bad[base] = true
		return
	}
	n, problems, sorted, cut := scanCDXJ(b, warcs, indexed)
	if cut {
		rep.add(Warning, "cdxj", name, "last line cut short (a crash while writing); the next crawl or `--repair` drops it")
		bad[base] = true
	}
	if reportCDXJ(rep, name, n, problems, sorted) {
		bad[base] = true
	}
}

// scanCDXJ reads the lines of the CDXJ file b: each record's WARC offset
// goes into indexed (by file name), each bad record's problem into
// problems. It returns how many whole lines there are, whether they are
// sorted, and whether the last line is cut short (then it is not read).
func scanCDXJ(b []byte, warcs map[string]*warc.Verified, indexed map[string]map[int64]bool) (n int, problems []string, sorted, cut bool) {
	var prev []byte
	sorted = true
	for i, l := range bytes.SplitAfter(b, []byte("\n")) {
		if len(l) == 0 {
			continue
		}
		if l[len(l)-1] != '\n' {
			return n, problems, sorted, true
		}
		n++
		if prev != nil && bytes.Compare(prev, l) > 0 {
			sorted = false
		}
		prev = l
		file, off, problem := cdxRecord(i+1, l, warcs)
		if problem != "" {
			problems = append(problems, problem)
			continue
		}
		if indexed[file] == nil {
			indexed[file] = map[int64]bool{}
		}
		indexed[file][off] = true
	}
	return n, problems, sorted, false
}

// reportCDXJ reports what checkCDXJFile found in CDXJ file name (lines
// whole lines, the problems of its lines, whether they were sorted), and
// whether the file must be rewritten.
func reportCDXJ(rep *Report, name string, lines int, problems []string, sorted bool) (rewrite bool) {
	listProblems(rep, "cdxj", name, "and %d more problems", problems)
	if !sorted {
		rep.add(Warning, "cdxj", name, "not sorted (a crawl killed before it finished the file); the next crawl or `--repair` sorts it")
	}
	if len(problems) == 0 && sorted {
		rep.add(OK, "cdxj", name, "%d lines", lines)
	}
	return len(problems) > 0 || !sorted
}

// cdxRecord reads CDXJ line number n and returns the WARC file and
// offset it names, or what is wrong with it: not a CDXJ line, a bad
// offset, a file not in the archive, no readable record of its URL there.
func cdxRecord(n int, l []byte, warcs map[string]*warc.Verified) (file string, off int64, problem string) {
	f := strings.SplitN(strings.TrimSpace(string(l)), " ", 3)
	var cl cdxLine
	if len(f) != 3 || json.Unmarshal([]byte(f[2]), &cl) != nil {
		return "", 0, fmt.Sprintf("line %d is not a CDXJ line", n)
	}
	off, err := strconv.ParseInt(cl.Offset, 10, 64)
	ws := warcs[cl.Filename]
	switch {
	case err != nil:
		return "", 0, fmt.Sprintf("line %d: offset %q", n, cl.Offset)
	case ws == nil:
		return "", 0, fmt.Sprintf("line %d: %s is not in the archive", n, cl.Filename)
	case ws.ByOffset[off] == nil:
		return "", 0, fmt.Sprintf("line %d: no readable record of %s at offset %d (%s)", n, cl.Filename, off, cl.URL)
	case ws.ByOffset[off].URI != cl.URL:
		return "", 0, fmt.Sprintf("line %d: the record at offset %d is %s, not %s", n, off, ws.ByOffset[off].URI, cl.URL)
	}
	return cl.Filename, off, ""
}

// checkLocations checks that each article's WARC location names a record.
func checkLocations(rep *Report, dir, warcDir string, arts []art, warcs map[string]*warc.Verified) {
	if abs, err := filepath.Abs(warcDir); err == nil {
		warcDir = abs
	}
	var problems []string
	n := 0
	for _, a := range arts {
		if a.warc == "" {
			continue // imported from JSONL
		}
		n++
		if p := locationProblem(rep, a, warcDir, warcs); p != "" {
			problems = append(problems, p)
		}
	}
	listProblems(rep, "articles", store.FileName, "and %d more", problems)
	if len(problems) == 0 {
		rep.add(OK, "articles", store.FileName, "%d WARC locations name their records", n)
	}
}

// locationProblem says what is wrong with article a's WARC location
// ("" when it names a readable record of the archive's WARC files in
// warcDir). A location in a WARC file elsewhere (an import) is only
// warned about when the file is gone.
func locationProblem(rep *Report, a art, warcDir string, warcs map[string]*warc.Verified) string {
	name, o, ok := strings.Cut(a.warc, "#")
	off, err := strconv.ParseInt(o, 10, 64)
	if !ok || err != nil {
		return fmt.Sprintf("article %s: WARC location %q", a.id, a.warc)
	}
	if filepath.IsAbs(name) && filepath.Dir(name) != warcDir {
		// Imported from a WARC file elsewhere.
		if _, err := os.Stat(name); err != nil {
			rep.add(Warning, "articles", store.FileName, "article %s: its imported WARC file is gone: %v", a.id, err)
		}
		return ""
	}
	ws := warcs[filepath.Base(name)]
	switch {
	case ws == nil:
		return fmt.Sprintf("article %s: %s is not in the archive", a.id, filepath.Base(name))
	case ws.ByOffset[off] == nil:
		return fmt.Sprintf("article %s: no readable record of %s at offset %d", a.id, filepath.Base(name), off)
	}
	return ""
}

// listProblems reports each problem found in part's file name as an
// error, the first maxListed of them one by one and then how many more
// (more: a format with one %d).
func listProblems(rep *Report, part, name, more string, problems []string) {
	for i, p := range problems {
		if i == maxListed {
			rep.add(Error, part, name, more, len(problems)-i)
			break
		}
		rep.add(Error, part, name, "%s", p)
	}
}

// checkDedup checks the dedup checkpoint against the store: it must not
// be ahead of it, and must hold exactly the articles stored up to it.
func checkDedup(rep *Report, dir string, arts []art, last uint64, opt Options) bool {
	path := filepath.Join(dir, archive.DedupFile)
	name := archive.DedupFile
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		if len(arts) > 0 {
			rep.add(Warning, "dedup", name, "no checkpoint: the next writer rebuilds it from the store")
		}
		return false
	}
	if err != nil {
		rep.add(Error, "dedup", name, "%v", err)
		return true
	}
	defer f.Close()
	cfg := dedup.DefaultConfig()
	if opt.Archive.Dedup != nil {
		cfg = *opt.Archive.Dedup
	}
	seq, ix, err := archive.ReadCheckpoint(f, cfg)
	if err != nil {
		rep.add(Error, "dedup", name, "unreadable: %v", err)
		return true
	}
	if seq > last {
		rep.add(Error, "dedup", name, "checkpoint at article %d is ahead of the store (%d): it holds articles the store does not", seq, last)
		return true
	}
	return checkCoverage(rep, arts, seq, last, ix)
}

// checkCoverage reports whether the dedup checkpoint's index ix, written
// at arrival seq of the store's last, holds exactly the stored articles
// up to seq, and says so in rep.
func checkCoverage(rep *Report, arts []art, seq, last uint64, ix *dedup.Clusterer) bool {
	name := archive.DedupFile
	covered, missing, first := coverage(arts, seq, ix)
	bad := false
	if missing > 0 {
		rep.add(Error, "dedup", name, "%d stored articles are missing from the checkpoint (the first %s)", missing, first)
		bad = true
	}
	if ix.Len() > covered {
		rep.add(Error, "dedup", name, "holds %d articles, the store %d up to the checkpoint: %d are not stored", ix.Len(), covered, ix.Len()-covered)
		bad = true
	}
	if !bad {
		behind := ""
		if seq < last {
			behind = fmt.Sprintf("; %d stored after it are replayed on the next open", last-seq)
		}
		rep.add(OK, "dedup", name, "%d articles up to arrival %d%s", ix.Len(), seq, behind)
	}
	return bad
}

// coverage counts the stored articles up to arrival seq and those of them
// the clusterer misses (first names one).
func coverage(arts []art, seq uint64, ix *dedup.Clusterer) (covered, missing int, first string) {
	for _, a := range arts {
		if a.seq > seq {
			continue
		}
		covered++
		if _, ok := ix.Assignment(a.id); !ok {
			if missing == 0 {
				first = a.id
			}
			missing++
		}
	}
	return covered, missing, first
}

// checkIndex checks the search index against the store: its checkpoint
// not ahead, one document per story when it is up to date, and the CRC
// of every segment file in use.
func checkIndex(ctx context.Context, rep *Report, dir string, arts []art, last uint64) bool {
	path := filepath.Join(dir, archive.BleveDir)
	name := archive.BleveDir
	ix, err := index.OpenReader(path)
	if err != nil {
		return unopenedIndex(rep, name, err, len(arts) > 0)
	}
	defer ix.Close()
	bad := false
	bad = checkSegments(rep, dir, path) || bad
	cp, err := ix.Checkpoint()
	if err != nil {
		rep.add(Error, "index", name, "%v", err)
		return true
	}
	if cp > last {
		rep.add(Error, "index", name, "checkpoint at article %d is ahead of the store (%d)", cp, last)
		return true
	}
	n, err := ix.Count()
	if err != nil {
		rep.add(Error, "index", name, "%v", err)
		return true
	}
	if cp < last {
		rep.add(Warning, "index", name, "%d stories up to arrival %d, behind the store (%d): the next writer catches it up", n, cp, last)
		return bad
	}
	if stories := storyCount(arts); n != uint64(stories) {
		rep.add(Error, "index", name, "%d documents for %d stories in the store", n, stories)
		return true
	}
	if !bad {
		rep.add(OK, "index", name, "%d stories, up to date with the store", n)
	}
	return bad
}

// unopenedIndex reports why the search index could not be opened (err,
// from index.OpenReader) and whether it must be rebuilt: a missing index
// matters only when the store has articles (any), and is built, not
// rebuilt.
func unopenedIndex(rep *Report, name string, err error, any bool) (bad bool) {
	switch {
	case errors.Is(err, index.ErrNoIndex):
		if any {
			rep.add(Warning, "index", name, "no search index: the next writer builds it from the store")
		}
		return false
	case errors.Is(err, index.ErrUnfinished):
		rep.add(Warning, "index", name, "its creation was interrupted: the next writer builds it from the store")
		return true
	case errors.Is(err, index.ErrIncompatible):
		rep.add(Warning, "index", name, "built by another version: the next writer rebuilds it from the store")
		return true
	}
	rep.add(Error, "index", name, "%v", err)
	return errors.Is(err, index.ErrCorrupt)
}

// storyCount is the number of stories among the store's articles: the
// search index holds one document for each (a cluster, or an article of
// no cluster).
func storyCount(arts []art) int {
	stories := map[string]bool{}
	for _, a := range arts {
		c := a.cluster
		if c == "" {
			c = a.id
		}
		stories[c] = true
	}
	return len(stories)
}

// checkSegments verifies the CRC-32 that ends every Bleve segment file
// (zap) a shard's root.bolt names.
func checkSegments(rep *Report, dir, path string) bool {
	bad := false
	shards, _ := filepath.Glob(filepath.Join(path, "shard-*"))
	for _, sd := range shards {
		segs, err := index.LiveSegments(sd)
		if err != nil {
			rep.add(Error, "index", rel(dir, sd), "%v", err)
			bad = true
			continue
		}
		for _, seg := range segs {
			if err := index.SegmentCRC(seg); err != nil {
				rep.add(Error, "index", rel(dir, seg), "%v", err)
				bad = true
			}
		}
	}
	return bad
}
