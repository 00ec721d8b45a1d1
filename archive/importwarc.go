package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/html"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/crawler"
	"github.com/syndex/syndex/internal/robotsmeta"
	"github.com/syndex/syndex/warc"
)

// WARCImport configures ImportWARC.
type WARCImport struct {
	// Include and Exclude filter captures by URI: when Include is set a
	// URI must match one of its expressions, and it must match none of
	// Exclude.
	Include, Exclude []*regexp.Regexp
	// From and To bound the capture date (zero: open).
	From, To time.Time
	// Sites keeps only captures of these hosts and their subdomains
	// ("www." ignored); empty keeps all.
	Sites []string
	// Workers is how many extractions run at once (default GOMAXPROCS).
	Workers int
	// MaxBody is the most bytes of a payload read (default
	// warc.DefaultMaxBody).
	MaxBody int64
	// Again reads files that were imported completely before (their
	// captures still change nothing that is already archived).
	Again bool
	// Batch is how many articles are stored per transaction (default
	// DefaultImportBatch); the position saved after each batch is where an
	// interrupted import continues.
	Batch int
	// Progress, when set, is called about four times a second and once
	// at the end.
	Progress func(ImportProgress)
	// Bad receives each piece of bad input (a file that is not an
	// archive, a damaged record: file and offset are in the error) as it
	// is found; nil logs them as warnings.
	Bad func(error)
	// Last says the archive is closed after this import, ingesting
	// nothing more: the dedup index (about 1.2 KB of heap per article) is
	// then written out and let go of before the search index is built, as
	// ImportJSONL does, which a large import's peak memory needs.
	Last bool
	// IndexStart, when set, is called once when every record is read and
	// stored, before the search index is brought up to date (unless the
	// import was interrupted): the command paces its garbage collector
	// apart for the two stages.
	IndexStart func()
	// afterBatch, when set, is called by the writer after each batch is
	// stored, with the HTML captures handled so far (tests interrupt an
	// import at a point that does not depend on timing).
	afterBatch func(html int64)
}

// ImportProgress is a snapshot of a running import.
type ImportProgress struct {
	File              string // the file being read
	FilesDone, Files  int
	Bytes, TotalBytes int64 // input read so far, and to read in all (what earlier runs read is left out)
	Records           int64 // records read (any type)
	HTML              int64 // HTML captures found
	Articles          int64 // articles added or updated
	Elapsed           time.Duration
}

// ImportStats summarises an import.
type ImportStats struct {
	Files        int   // record streams read (a WACZ holds several)
	AlreadyDone  int   // streams skipped: imported completely before
	NotArchives  int   // files that are not WARC, ARC or WACZ
	Records      int64 // records read, of any type
	Bytes        int64 // input bytes read
	HTML         int64 // HTML captures (revisits resolved included)
	Articles     int64 // new articles
	Updated      int64 // stored articles replaced by a newer version or an earlier capture of the same text
	Unchanged    int64 // captures of articles already archived as they are
	NotArticles  int64 // pages that are not articles (home, section pages, noindex) or could not be extracted
	Revisits     int64 // revisit records of HTML pages
	Resolved     int64 // revisits whose original was found
	Unresolved   int64 // revisits whose original is not in the input nor in earlier imports
	BadRecords   int64 // damaged records skipped
	ReadTime     time.Duration
	ExtractTime  time.Duration // summed over workers
	IngestTime   time.Duration // storing and deduplicating
	IndexTime    time.Duration // bringing the search index up to date, at the end
	Elapsed      time.Duration
	BadInputErrs []error // what Bad received (the first 100)

	// Where the pipeline waits (wall-clock times): the extraction
	// workers for a page to extract (summed over workers), the reader for
	// the writer or the workers to take the next page (back-pressure), and
	// the writer for the extraction of the next page in input order.
	WorkersIdle, ReaderBlocked, WriterWait time.Duration
	// IndexIdle is the processor time (GOMAXPROCS times the wall-clock
	// time) of the index build at the end in which the Go scheduler had
	// nothing to run, as the runtime accounts it (its
	// /cpu/classes/idle:cpu-seconds, which it updates at each garbage
	// collection, so both ends are those of the collection before): what
	// a core could have done had the build given it work. A busy machine
	// does not inflate it.
	IndexIdle time.Duration
}

// An import stores articles in batches of WARCImport.Batch, or what it
// has after importFlushEvery; the position saved after each is where an
// interrupted import continues.
const importFlushEvery = 15 * time.Second

// importLead is how many pages per worker the reader may run ahead of the
// writer (which waits for each page's extraction in input order).
const importLead = 16

// importJob is one unit of work, handed from the reader through the
// extraction workers to the writer in input order.
type importJob struct {
	src  int // index into the import's streams
	cap  *warc.Capture
	bad  error         // a damaged record or unreadable stream
	pos  warc.Position // where the stream continues after this job
	recs int64         // records of the stream read after this job
	end  bool          // the stream is finished
	art  *article.Article
	note string // "not-article", "unchanged" (known before extraction)
	// pending is an unresolved revisit to keep for a later attempt;
	// resolved names a kept one that was resolved now.
	pending  *warc.Capture
	resolved string
	done     chan struct{}
}

// importStream is one record stream to read.
type importStream struct {
	src   warc.Source
	fp    string
	state *sourceState
	skip  bool  // imported completely before
	left  int64 // bytes to read in this import
}

// ImportWARC imports the HTML captures of web archives (WARC, ARC and
// WACZ files; directories and globs are expanded): each page is extracted
// with its URL and capture date as fetched, then deduplicated, stored and
// indexed as a crawl would. Extraction runs on Workers goroutines; one
// writer ingests in input order, so the result does not depend on timing.
//
// It can be interrupted at any time: the position after the last stored
// record of each file is kept in the archive and the next import of the
// same file continues there; a file imported completely is skipped (unless
// Again). An article already archived is replaced only by a newer version
// of its text, or by an earlier capture of the same text.
//
// Bad input does not stop it: an argument that matches nothing, a file that
// is not an archive, a damaged record are reported (Bad) with file and
// offset, and the rest is imported. The error returned lists them, or is
// the failure that stopped the import.
func (a *Archive) ImportWARC(ctx context.Context, paths []string, opt WARCImport) (ImportStats, error) {
	imp := newImporter(a, opt)
	imp.openStreams(paths)
	var listed []string
	for _, st := range imp.streams {
		listed = append(listed, st.src.Path)
	}
	if err := warc.AddImported(filepath.Join(a.Dir, WARCDir), listed); err != nil {
		return imp.stats, err
	}
	stop, stopped := make(chan struct{}), make(chan struct{})
	go imp.reportProgress(stop, stopped)
	// A bulk load: articles are stored as they come and the search index
	// is brought up to date once, at the end (in one pass when it was
	// empty), instead of in many small segments that cost merging.
	a.BeginBulk()
	runErr := imp.run(ctx, imp.read)
	if runErr == nil {
		runErr = imp.run(ctx, imp.readPending)
	}
	close(stop)
	<-stopped
	runErr = imp.indexAtEnd(ctx, runErr)
	imp.finishStats()
	if runErr != nil {
		return imp.stats, runErr
	}
	if len(imp.badErrs) > 0 {
		return imp.stats, &BadInputError{Errs: imp.badErrs}
	}
	return imp.stats, nil
}

// newImporter starts an import into a with opt, its defaults filled in.
func newImporter(a *Archive, opt WARCImport) *importer {
	imp := &importer{a: a, opt: opt, start: time.Now(), payloads: map[string]string{}, recent: map[string]string{}}
	if imp.opt.Workers <= 0 {
		imp.opt.Workers = runtime.GOMAXPROCS(0)
	}
	if imp.opt.MaxBody <= 0 {
		imp.opt.MaxBody = warc.DefaultMaxBody
	}
	if imp.opt.Batch <= 0 {
		imp.opt.Batch = DefaultImportBatch
	}
	if opt.Bad == nil {
		imp.opt.Bad = func(err error) { a.log.Warn("bad input", "err", err) }
	}
	for _, s := range opt.Sites {
		s = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(s)), "www.")
		if s != "" {
			imp.sites = append(imp.sites, s)
		}
	}
	return imp
}

// openStreams expands paths into the record streams to read (imp.streams)
// and the bytes left to read in them (imp.total); what cannot be read is
// reported as bad input.
func (imp *importer) openStreams(paths []string) {
	files, err := warc.Expand(paths)
	if err != nil {
		imp.bad(err)
	}
	for _, f := range files {
		if abs, err := filepath.Abs(f); err == nil {
			f = abs
		}
		srcs, err := warc.Sources(f)
		if err != nil {
			if errors.Is(err, warc.ErrNotArchive) {
				imp.stats.NotArchives++
			}
			imp.bad(err)
			continue
		}
		for _, s := range srcs {
			st, err := imp.stream(s)
			if err != nil {
				imp.bad(err)
				continue
			}
			if !st.skip {
				st.left = s.Size - st.state.Pos.Offset
			}
			imp.streams = append(imp.streams, st)
			imp.total += st.left
		}
	}
}

// indexAtEnd brings the search index up to date at the end of the import,
// unless it was interrupted, and returns runErr, the error that stopped
// the reading if any, or else the index's.
func (imp *importer) indexAtEnd(ctx context.Context, runErr error) error {
	a, opt := imp.a, imp.opt
	t0, idle0 := time.Now(), idleCPU()
	// What was stored is searchable when the import returns, unless it is
	// interrupted: then the index build stops (an interrupt in the middle
	// of it too) and is left to the next writer that opens the archive,
	// which catches the index up from the store's journal of pending
	// clusters, instead of making Ctrl-C wait for the whole build.
	if ctx.Err() == nil {
		if opt.IndexStart != nil {
			opt.IndexStart()
		}
		var err error
		pprof.Do(ctx, stageLabel("index"), func(ctx context.Context) {
			// The build reads only which articles each cluster holds.
			if opt.Last {
				if err = a.dropDedup(); err != nil {
					return
				}
			}
			if err = a.EndBulk(ctx); err == nil {
				err = a.Flush(ctx)
			}
		})
		if err != nil && ctx.Err() == nil && runErr == nil {
			runErr = err
		}
	}
	if ctx.Err() != nil {
		a.leaveIndexBehind()
		if runErr == nil {
			runErr = ctx.Err()
		}
	}
	imp.stats.IndexTime = time.Since(t0)
	imp.stats.IndexIdle = idleCPU() - idle0
	return runErr
}

// finishStats fills in the import's statistics from its counters.
func (imp *importer) finishStats() {
	imp.stats.Revisits = imp.revisits.Load()
	imp.stats.Resolved = imp.resolved.Load()
	imp.stats.Unresolved = imp.unresolved.Load()
	imp.stats.Elapsed = time.Since(imp.start)
	imp.stats.Records = imp.records.Load()
	imp.stats.Bytes = imp.readBytes.Load()
	imp.stats.ExtractTime = time.Duration(imp.extractNanos.Load())
	imp.stats.ReadTime = time.Duration(imp.readNanos.Load())
	imp.stats.WorkersIdle = time.Duration(imp.idleNanos.Load())
	imp.stats.ReaderBlocked = time.Duration(imp.blockedNanos.Load())
	imp.stats.BadInputErrs = imp.badErrs
	if len(imp.stats.BadInputErrs) > 100 {
		imp.stats.BadInputErrs = imp.stats.BadInputErrs[:100]
	}
}

// idleCPU is the processor time the Go scheduler has found nothing to run
// since the process started (runtime/metrics' estimate, from the time its
// processors spent idle, not from the operating system's accounting).
func idleCPU() time.Duration {
	s := []metrics.Sample{{Name: "/cpu/classes/idle:cpu-seconds"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindFloat64 {
		return 0
	}
	return time.Duration(s[0].Value.Float64() * float64(time.Second))
}

// stageLabel names the stage of an import that a goroutine works on
// (read: reading, decompressing and decoding records; extract: the
// extraction workers; write: dedup and the store, in input order; index:
// the search index build at the end) in CPU profiles, so that
// `go tool pprof -tags` splits an import's CPU time by stage. Goroutines a
// stage starts carry its label too.
func stageLabel(stage string) pprof.LabelSet { return pprof.Labels("import", stage) }

// leaveIndexBehind ends a bulk load without bringing the search index up
// to date: the clusters it has not indexed stay in the store's journal of
// pending clusters (or the index stays empty), and the next writer to open
// the archive indexes them; Close does not.
func (a *Archive) leaveIndexBehind() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.bulk = false
	if a.flushTimer != nil {
		a.flushTimer.Stop()
		a.flushTimer = nil
	}
	clear(a.pending)
	a.pendingArts, a.pendingSince = 0, time.Time{}
}

// BadInputError lists the bad input an import skipped (each error names
// the file and offset); everything else was imported.
type BadInputError struct{ Errs []error }

func (e *BadInputError) Error() string {
	msg := fmt.Sprintf("%d problem(s) in the input skipped: ", len(e.Errs))
	for i, err := range e.Errs {
		if i == 3 {
			msg += fmt.Sprintf("; and %d more", len(e.Errs)-3)
			break
		}
		if i > 0 {
			msg += "; "
		}
		msg += err.Error()
	}
	return msg
}

type importer struct {
	start   time.Time
	a       *Archive
	opt     WARCImport
	sites   []string
	streams []*importStream
	total   int64

	stats   ImportStats
	badErrs []error
	counts  PageCounts

	// payloads are locations of HTML payloads read since the last save
	// (written with the progress); recent are those of this import, for
	// revisits that follow their original before it was saved.
	mu       sync.Mutex
	payloads map[string]string
	recent   map[string]string

	// progress, updated by the reader (stream, bytes, files, records)
	// and the writer (html, articles)
	reading      atomic.Int64 // stream being read
	readBytes    atomic.Int64 // input bytes read, all streams
	readFiles    atomic.Int64 // streams read to their end
	html         atomic.Int64
	articles     atomic.Int64
	records      atomic.Int64
	extractNanos atomic.Int64
	readNanos    atomic.Int64
	idleNanos    atomic.Int64
	blockedNanos atomic.Int64
	revisits     atomic.Int64
	resolved     atomic.Int64
	unresolved   atomic.Int64
}

func (imp *importer) bad(err error) {
	imp.badErrs = append(imp.badErrs, err)
	imp.opt.Bad(err)
}

// stream looks up what earlier imports did with s.
func (imp *importer) stream(s warc.Source) (*importStream, error) {
	fp, err := s.Fingerprint()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", s, err)
	}
	st, err := imp.a.loadSourceState(fp)
	if err != nil {
		return nil, err
	}
	is := &importStream{src: s, fp: fp}
	switch {
	case st == nil:
		st = &sourceState{Started: time.Now().UTC()}
	case st.Done && st.Size == s.Size && !imp.opt.Again:
		is.skip = true
	case st.Done || st.Pos.Offset > s.Size:
		// Read again (Again), or grown since: continue after what was
		// read when it was smaller, or start over if it shrank.
		if st.Pos.Offset > s.Size || imp.opt.Again {
			st.Pos = warc.Position{}
		}
		st.Done = false
	}
	st.Path, st.Entry, st.Size = s.Path, s.Entry, s.Size
	is.state = st
	return is, nil
}

// keep decides on a capture from its URI and date, before its block is read.
func (imp *importer) keep(uri string, date time.Time) bool {
	return imp.inDates(date) && imp.onSites(uri) && imp.urlWanted(uri)
}

// inDates reports whether a capture made at date is within --from and
// --to.
func (imp *importer) inDates(date time.Time) bool {
	if !imp.opt.From.IsZero() && date.Before(imp.opt.From) {
		return false
	}
	return imp.opt.To.IsZero() || !date.After(imp.opt.To)
}

// onSites reports whether uri is on one of the sites kept (or their
// subdomains), when sites are given.
func (imp *importer) onSites(uri string) bool {
	if len(imp.sites) == 0 {
		return true
	}
	host := article.SiteOf(uri)
	return slices.ContainsFunc(imp.sites, func(s string) bool {
		return host == s || strings.HasSuffix(host, "."+s)
	})
}

// urlWanted reports whether uri matches an --url-include expression
// (when there are any) and no --url-exclude one.
func (imp *importer) urlWanted(uri string) bool {
	if len(imp.opt.Include) > 0 && !matchesAny(imp.opt.Include, uri) {
		return false
	}
	return !matchesAny(imp.opt.Exclude, uri)
}

// matchesAny reports whether one of res matches s.
func matchesAny(res []*regexp.Regexp, s string) bool {
	for _, re := range res {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

func (imp *importer) run(ctx context.Context, read func(ctx context.Context, send sendFunc) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// The writer takes the pages in input order: one slow page holds the
	// pages read after it in order until it is extracted, and with room
	// for only a few the other workers ran out of pages meanwhile (idle
	// 1.4–2.9 % of their time). Extracted pages wait there without their
	// bodies (dropped by the worker), so the room costs little memory;
	// what is held with its body is bounded by work and the workers.
	work := make(chan *importJob, imp.opt.Workers*2)
	order := make(chan *importJob, imp.opt.Workers*importLead)
	var wg sync.WaitGroup
	for range imp.opt.Workers {
		wg.Add(1)
		go pprof.Do(ctx, stageLabel("extract"), func(ctx context.Context) {
			defer wg.Done()
			imp.extractJobs(ctx, work)
		})
	}
	send := func(j *importJob, extract bool) error {
		j.done = make(chan struct{})
		t0 := time.Now()
		defer func() { imp.blockedNanos.Add(int64(time.Since(t0))) }()
		select {
		case order <- j:
		case <-ctx.Done():
			return ctx.Err()
		}
		if !extract {
			close(j.done)
			return nil
		}
		select {
		case work <- j:
			return nil
		case <-ctx.Done():
			close(j.done)
			return ctx.Err()
		}
	}
	readErr := make(chan error, 1)
	go pprof.Do(ctx, stageLabel("read"), func(ctx context.Context) {
		err := read(ctx, send)
		close(work)
		close(order)
		readErr <- err
	})
	var werr error
	pprof.Do(ctx, stageLabel("write"), func(ctx context.Context) { werr = imp.write(ctx, order) })
	if werr != nil {
		cancel()
		for j := range order { // let the reader finish
			<-j.done
		}
	}
	wg.Wait()
	rerr := <-readErr
	if werr != nil {
		return werr
	}
	if rerr != nil {
		return rerr
	}
	return ctx.Err()
}

// extractJobs extracts the pages of work until it is closed, counting
// the time it waited for them.
func (imp *importer) extractJobs(ctx context.Context, work <-chan *importJob) {
	for {
		t0 := time.Now()
		j, ok := <-work
		imp.idleNanos.Add(int64(time.Since(t0)))
		if !ok {
			return
		}
		imp.extract(ctx, j)
		if j.art != nil || j.note != "" {
			j.cap.Body = nil // extracted: the writer needs its place, not its page
		}
		close(j.done)
	}
}

// sendFunc hands a job to the writer (in order) and, when extract is set,
// to the extraction workers.
type sendFunc func(j *importJob, extract bool) error

// read walks the streams in order and hands every capture on.
func (imp *importer) read(ctx context.Context, send sendFunc) error {
	p := &readProgress{imp: imp}
	ropt := warc.ReadOptions{MaxBody: imp.opt.MaxBody, Keep: imp.keep, Progress: p.update}
	for i, st := range imp.streams {
		p.start(i)
		if err := imp.readStream(i, st, ropt, send); err != nil {
			return err
		}
	}
	if n := len(imp.streams); n > 0 {
		imp.readFiles.Store(int64(n))
		imp.readBytes.Store(imp.total)
	}
	return nil
}

// readProgress turns the progress of the stream being read into the
// import's: the records and the input bytes read over all streams.
type readProgress struct {
	imp     *importer
	done    int64 // bytes of the streams before this one
	base    int64 // where reading this one started
	counted int64 // records of this one counted
}

// start moves on to stream i.
func (p *readProgress) start(i int) {
	imp := p.imp
	imp.reading.Store(int64(i))
	if i > 0 {
		p.done += imp.streams[i-1].left
		imp.readFiles.Add(1)
	}
	imp.readBytes.Store(p.done)
	p.base, p.counted = imp.streams[i].state.Pos.Offset, 0
}

// update counts what the stream's reader reports: records read, and
// its offset.
func (p *readProgress) update(records, offset int64) {
	p.imp.records.Add(records - p.counted)
	p.counted = records
	p.imp.readBytes.Store(p.done + offset - p.base)
}

// readStream reads stream i from its position and hands every record on,
// the last job marking the stream's end (with the error that ended it,
// when it could not be read to its end).
func (imp *importer) readStream(i int, st *importStream, ropt warc.ReadOptions, send sendFunc) error {
	if st.skip {
		return send(&importJob{src: i, end: true, pos: st.state.Pos}, false)
	}
	r, err := st.src.Open(st.state.Pos, ropt)
	if err != nil {
		return send(&importJob{src: i, bad: fmt.Errorf("open %s: %w", st.src, err), end: true, pos: st.state.Pos}, false)
	}
	recs0 := st.state.Records
	for {
		t0 := time.Now()
		c, err := r.Next()
		imp.readNanos.Add(int64(time.Since(t0)))
		ropt.Progress(r.Records(), r.Offset())
		j := &importJob{src: i, pos: r.Pos(), recs: recs0 + r.Records()}
		var re *warc.RecordError
		if err == io.EOF || (err != nil && !errors.As(err, &re)) {
			j.end = true
			if err != io.EOF {
				j.bad = fmt.Errorf("read %s: %w", st.src, err) // the stream cannot be read further
			}
			r.Close()
			return send(j, false)
		}
		if err != nil {
			j.bad = err // this record only
			err = send(j, false)
		} else {
			err = imp.readCapture(j, c, send)
		}
		if err != nil {
			r.Close()
			return err
		}
	}
}

// readCapture hands an HTML capture on with j; a revisit goes as its
// original when that is known, else is kept pending (its original may
// come later in this import or in a later one). Other captures are left.
func (imp *importer) readCapture(j *importJob, c *warc.Capture, send sendFunc) error {
	if c.Type == "revisit" {
		imp.revisits.Add(1)
		orig := imp.resolve(c)
		if orig == nil {
			j.pending = c
			return send(j, false)
		}
		imp.resolved.Add(1)
		c = orig
	} else if c.HTML {
		imp.remember(c)
	}
	if !c.HTML {
		return nil
	}
	return imp.dispatch(j, c, send)
}

// dispatch sends an HTML capture to extraction, or straight to the writer
// when it is the capture an archived article was made from.
func (imp *importer) dispatch(j *importJob, c *warc.Capture, send sendFunc) error {
	j.cap = c
	if imp.known(c) {
		j.note = "unchanged"
		return send(j, false)
	}
	return send(j, true)
}

// readPending tries again the revisits whose original was not found when
// they were read (in this import or an earlier one).
func (imp *importer) readPending(ctx context.Context, send sendFunc) error {
	after := ""
	for {
		batch, err := imp.a.pendingRevisits(after, 1000)
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		for _, p := range batch {
			after = p.key
			if ctx.Err() != nil {
				return ctx.Err()
			}
			orig := imp.resolve(p.rv)
			if orig == nil {
				imp.unresolved.Add(1)
				continue
			}
			imp.resolved.Add(1)
			j := &importJob{src: -1, resolved: p.key}
			if !orig.HTML {
				if err := send(j, false); err != nil {
					return err
				}
				continue
			}
			if err := imp.dispatch(j, orig, send); err != nil {
				return err
			}
		}
	}
}

// remember notes where an HTML payload is, for revisits.
func (imp *importer) remember(c *warc.Capture) {
	loc := c.Location()
	imp.mu.Lock()
	defer imp.mu.Unlock()
	if len(imp.recent) > 50_000 {
		clear(imp.recent) // older ones are in the store by now
	}
	for _, k := range payloadKeys(c.PayloadDigest, c.URI, c.Date) {
		imp.recent[k] = loc
		imp.payloads[k] = loc
	}
}

// resolve finds the original capture a revisit repeats: by payload digest
// or by the URI and date it refers to, in this import or an earlier one.
// It returns the original's payload under the revisit's URI and date.
func (imp *importer) resolve(rv *warc.Capture) *warc.Capture {
	keys := payloadKeys(rv.PayloadDigest, "", time.Time{})
	keys = append(keys, payloadKeys("", rv.RefersToURI, rv.RefersToDate)...)
	for _, k := range keys {
		imp.mu.Lock()
		loc := imp.recent[k]
		imp.mu.Unlock()
		if loc == "" {
			loc = imp.a.payloadLocation(k)
		}
		if loc == "" {
			continue
		}
		orig, err := warc.ReadCapture(loc, warc.ReadOptions{MaxBody: imp.opt.MaxBody})
		if err != nil {
			imp.a.log.Warn("original of a revisit unreadable", "revisit", rv.Location(), "original", loc, "err", err)
			continue
		}
		out := *orig
		out.URI, out.Date, out.Type = rv.URI, rv.Date, "revisit"
		out.RecordID = rv.RecordID
		// The capture is the revisit record: its article points there,
		// not at the original's record (RevisitOriginal finds that).
		out.Source, out.Offset, out.Index = rv.Source, rv.Offset, rv.Index
		if rv.Status == http.StatusNotModified || rv.Status == 0 {
			out.Status = orig.Status
		}
		return &out
	}
	return nil
}

// RevisitOriginal returns the location of the record whose payload the
// revisit record at loc repeats, as an import resolved it: "" when the
// record at loc is not a revisit, or its original was never imported.
// An article extracted from a revisit points at the revisit record; this
// finds the page it shows.
func (a *Archive) RevisitOriginal(loc string) string {
	rv, err := warc.ReadCapture(loc, warc.ReadOptions{MaxBody: 1})
	if err != nil || rv.Type != "revisit" {
		return ""
	}
	keys := payloadKeys(rv.PayloadDigest, "", time.Time{})
	keys = append(keys, payloadKeys("", rv.RefersToURI, rv.RefersToDate)...)
	for _, k := range keys {
		if orig := a.payloadLocation(k); orig != "" && orig != loc {
			return orig
		}
	}
	return ""
}

// known reports whether c is the very capture an archived article was
// made from (the same file read again, or a crawl's own WARC), so it needs
// no extraction.
func (imp *importer) known(c *warc.Capture) bool {
	old, err := imp.a.Store.ArticleByURL(c.URI)
	if err != nil {
		return false
	}
	if old.WARC == c.Location() {
		return true
	}
	return !old.Fetched.IsZero() && old.Fetched.Truncate(time.Second).Equal(c.Date.Truncate(time.Second))
}

// extract turns a capture into an article (nil when it is not one).
func (imp *importer) extract(ctx context.Context, j *importJob) {
	if ctx.Err() != nil {
		return
	}
	t0 := time.Now()
	c := j.cap
	h := http.Header{}
	for k, v := range c.Header {
		h[k] = v
	}
	for _, k := range []string{"Content-Encoding", "Content-Length", "Transfer-Encoding"} {
		h.Del(k)
	}
	if c.ContentType != "" {
		h.Set("Content-Type", c.ContentType)
	}
	status := c.Status
	if status == 0 {
		status = http.StatusOK
	}
	p := &crawler.Page{URL: c.URI, FinalURL: c.URI, Status: status, Header: h, Body: c.Body, Fetched: c.Date,
		WARC: c.Location(), Truncated: c.Truncated != "", NoIndex: noIndex(c.Header, c.Body)}
	art := ArticleOf(ctx, imp.a.extractor, p, &imp.counts, imp.a.log)
	if ctx.Err() != nil {
		return // not done: the writer stops before this job
	}
	j.art = art
	if art == nil {
		j.note = "not-article"
	}
	imp.extractNanos.Add(int64(time.Since(t0)))
}

// write applies the jobs in input order: it decides what each article
// changes, ingests in batches and saves each stream's progress after its
// batch is stored.
func (imp *importer) write(ctx context.Context, order <-chan *importJob) error {
	w := &importWriter{imp: imp, ctx: ctx, inBatch: map[string]*article.Article{}, lastFlush: time.Now()}
	for j := range order {
		t0 := time.Now()
		<-j.done
		imp.stats.WriterWait += time.Since(t0)
		if j.cap != nil && j.art == nil && j.note == "" {
			break // interrupted before it was extracted: stop before it
		}
		if err := w.take(j); err != nil {
			return err
		}
		imp.html.Store(imp.stats.HTML)
		imp.articles.Store(imp.stats.Articles + imp.stats.Updated)
	}
	return w.flush()
}

// importWriter is the state of an import's writer (importer.write): the
// batch of articles to ingest and the jobs whose effects wait for it.
type importWriter struct {
	imp       *importer
	ctx       context.Context
	batch     []*article.Article
	inBatch   map[string]*article.Article
	pending   []*importJob // jobs whose effects wait for the batch
	lastFlush time.Time
}

// take applies job j, the next in input order, and stores the batch when
// it is full, old enough or j ends its stream.
func (w *importWriter) take(j *importJob) error {
	imp := w.imp
	var st *sourceState
	if j.src >= 0 {
		st = imp.streams[j.src].state
	}
	if j.bad != nil {
		var re *warc.RecordError
		if errors.As(j.bad, &re) {
			imp.stats.BadRecords++
			st.Bad++
		}
		imp.bad(j.bad)
	}
	if j.cap != nil {
		w.count(j, st)
	}
	if st != nil {
		st.Pos, st.Records = j.pos, max(st.Records, j.recs)
	}
	// The job waits for its batch to be stored only to record the
	// stream's position: its page (the capture's body can be
	// megabytes) and article are not kept that long, or a batch of
	// unchanged or rejected pages holds every body read until the
	// next flush.
	j.cap, j.art = nil, nil
	w.pending = append(w.pending, j)
	if j.end {
		if !imp.streams[j.src].skip {
			st.Done = j.bad == nil || !strings.HasPrefix(j.bad.Error(), "open ")
			imp.stats.Files++
		} else {
			imp.stats.AlreadyDone++
		}
		return w.flush()
	}
	if len(w.batch) >= imp.opt.Batch || time.Since(w.lastFlush) > importFlushEvery {
		return w.flush()
	}
	return nil
}

// count counts job j's HTML capture and adds its article, if it changes
// anything, to the batch.
func (w *importWriter) count(j *importJob, st *sourceState) {
	imp := w.imp
	imp.stats.HTML++
	switch {
	case j.note == "unchanged":
		imp.stats.Unchanged++
	case j.art == nil:
		imp.stats.NotArticles++
	default:
		imp.apply(j.art, &w.batch, w.inBatch, st)
	}
}

// flush stores the batch and then the progress of the jobs waiting for it.
func (w *importWriter) flush() error {
	imp := w.imp
	if len(w.batch) > 0 {
		t0 := time.Now()
		// An interrupted import still stores what it extracted.
		if err := imp.a.Ingest(context.WithoutCancel(w.ctx), w.batch); err != nil {
			return err
		}
		imp.stats.IngestTime += time.Since(t0)
	}
	if err := imp.save(w.pending); err != nil {
		return err
	}
	w.batch, w.pending = w.batch[:0], w.pending[:0]
	clear(w.inBatch)
	w.lastFlush = time.Now()
	// The store's pages that deduplication and the look-ups of this
	// batch read stay mapped, and resident, until released: over a
	// long import that is the whole store, growing with the archive.
	imp.a.releaseStorePages()
	if imp.opt.afterBatch != nil {
		imp.opt.afterBatch(imp.stats.HTML)
	}
	return nil
}

// save records, after their articles are stored, the progress of the
// streams the jobs belong to (the last job of each tells), the payload
// locations read since the last save and the revisits left unresolved or
// resolved now.
func (imp *importer) save(jobs []*importJob) error {
	last := map[int]*importJob{}
	var add []*warc.Capture
	var del []string
	for _, j := range jobs {
		if j.src >= 0 && !imp.streams[j.src].skip {
			last[j.src] = j
		}
		if j.pending != nil {
			add = append(add, j.pending)
		}
		if j.resolved != "" {
			del = append(del, j.resolved)
		}
	}
	imp.mu.Lock()
	payloads := imp.payloads
	imp.payloads = map[string]string{}
	imp.mu.Unlock()
	var states []streamSave
	for src := range last {
		is := imp.streams[src]
		states = append(states, streamSave{fp: is.fp, st: is.state})
	}
	if len(states) > 0 {
		// What extraction learned of each site's boilerplate is written
		// before the position it goes with: a kill -9 then leaves a model
		// at least as new as the position, and the pages read again after
		// it are extracted as an uninterrupted import extracts them
		// (learning a page twice changes nothing: pages are counted once).
		// Without it the model of every page since the last dedup
		// checkpoint was lost, and the next pages of each site kept its
		// footers and appeals in their text.
		if err := imp.a.saveModel(); err != nil {
			return err
		}
	}
	return imp.a.saveImport(states, payloads, add, del)
}

// apply decides what an extracted article changes: a new article is added;
// an archived one is replaced by a newer version of its text, or by an
// earlier capture of the same text (which is the earliest evidence of it).
func (imp *importer) apply(art *article.Article, batch *[]*article.Article, inBatch map[string]*article.Article, st *sourceState) {
	if st == nil {
		st = &sourceState{}
	}
	cur := inBatch[art.ID]
	if cur == nil {
		if old, err := imp.a.Store.Article(art.ID); err == nil {
			cur = old
		}
	}
	switch {
	case cur == nil:
		imp.stats.Articles++
		st.Articles++
	case cur.Text == art.Text && cur.Title == art.Title:
		if !art.Fetched.Before(cur.Fetched) {
			imp.stats.Unchanged++
			return
		}
		imp.stats.Updated++
	default:
		if !art.Fetched.After(cur.Fetched) {
			imp.stats.Unchanged++
			return
		}
		imp.stats.Updated++
	}
	if prev := inBatch[art.ID]; prev != nil {
		*prev = *art
		return
	}
	inBatch[art.ID] = art
	*batch = append(*batch, art)
}

// snapshot is the import's progress now.
func (imp *importer) snapshot() ImportProgress {
	p := ImportProgress{FilesDone: int(imp.readFiles.Load()), Files: len(imp.streams), Bytes: imp.readBytes.Load(), TotalBytes: imp.total,
		Records: imp.records.Load(), HTML: imp.html.Load(), Articles: imp.articles.Load(), Elapsed: time.Since(imp.start)}
	if i := int(imp.reading.Load()); i < len(imp.streams) {
		p.File = imp.streams[i].src.String()
	}
	return p
}

// reportProgress calls Progress four times a second until stop is closed,
// then once more.
func (imp *importer) reportProgress(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	if imp.opt.Progress == nil {
		return
	}
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			imp.opt.Progress(imp.snapshot())
		case <-stop:
			imp.opt.Progress(imp.snapshot())
			return
		}
	}
}

// noIndex reports whether a page asks not to be indexed: an X-Robots-Tag
// header or a robots meta tag with noindex (or none), as the crawler reads
// them.
func noIndex(h http.Header, body []byte) bool {
	if slices.ContainsFunc(h.Values("X-Robots-Tag"), robotsmeta.NoIndex) {
		return true
	}
	if !containsFold(body[:min(len(body), 64<<10)], "robots") {
		return false
	}
	z := html.NewTokenizer(bytes.NewReader(body))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return false
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch string(name) {
			case "body":
				return false
			case "meta":
				if n, c := metaNameContent(z, hasAttr); (n == "robots" || n == "syndex") && robotsmeta.NoIndex(c) {
					return true
				}
			}
		}
	}
}

// metaNameContent reads the attributes of the meta tag z is at (when
// hasAttr): its name in lower case and its content.
func metaNameContent(z *html.Tokenizer, hasAttr bool) (name, content string) {
	for hasAttr {
		var k, v []byte
		k, v, hasAttr = z.TagAttr()
		switch string(k) {
		case "name":
			name = strings.ToLower(string(v))
		case "content":
			content = string(v)
		}
	}
	return name, content
}

// containsFold reports whether b holds the lower-case ASCII word w in
// any case, without the copy bytes.ToLower makes of b (64 KiB of every
// page).
func containsFold(b []byte, w string) bool {
	if bytes.Contains(b, []byte(w)) {
		return true // the usual spelling
	}
	lo, up := w[0], w[0]-'a'+'A'
	for len(b) >= len(w) {
		i := bytes.IndexAny(b[:len(b)-len(w)+1], string([]byte{lo, up}))
		if i < 0 {
			return false
		}
		if bytes.EqualFold(b[i:i+len(w)], []byte(w)) {
			return true
		}
		b = b[i+1:]
	}
	return false
}
