package archive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/cespare/xxhash/v2"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/store"
)

// MaxLineBytes is the longest JSONL line read as an Article
// (article.MaxLineBytes).
const MaxLineBytes = article.MaxLineBytes

// DefaultImportBatch is how many articles Import stores per transaction.
const DefaultImportBatch = 1000

// Line is one article read from a JSONL input, with its line number.
type Line struct {
	N   int
	Art *article.Article
	// prep is Art's dedup text work, done ahead (ImportJSONL).
	prep *dedup.Prepared
}

// ReadLines reads Articles from JSONL, calling fn for each good line in
// batches of up to size. A bad line (not JSON, no id and no url, no text,
// an id or url the archive cannot store, longer than MaxLineBytes) is
// reported in a *BadLinesError by line number, and every good line is
// still delivered. A line whose id repeats an earlier line's is delivered
// too (stored, it is the article's new version) and reported in a
// *DuplicateIDsError joined to the returned error. A UTF-8 byte order
// mark before the first line is ignored. It returns the number of good
// lines and stops early only when fn or the reader fails.
//
// The lines are read and decoded in a goroutine of their own, one batch
// ahead of fn: decoding is about a tenth of an import's ingest, which
// otherwise waited for it on one core. fn is called from the caller's
// goroutine, one batch at a time.
func ReadLines(r io.Reader, size int, fn func([]Line) error) (good int, err error) {
	return readLines(r, size, nil, fn)
}

// readLines is ReadLines, calling prep (when not nil) on each batch on the
// decoding goroutine, before fn gets it.
func readLines(r io.Reader, size int, prep func([]Line), fn func([]Line) error) (good int, err error) {
	if size <= 0 {
		size = DefaultImportBatch
	}
	batches := make(chan []Line, 1)
	stop := make(chan struct{})
	var (
		rerr error // the reader's failure, read after batches is closed
		bad  BadLinesError
		dups DuplicateIDsError
	)
	go func() {
		defer close(batches)
		rerr = decodeLines(r, size, &bad, &dups, func(b []Line) bool {
			if prep != nil {
				prep(b)
			}
			select {
			case batches <- b:
				return true
			case <-stop:
				return false
			}
		})
	}()
	for batch := range batches {
		if err == nil {
			if err = fn(batch); err == nil {
				good += len(batch)
				continue
			}
			close(stop)
		}
	}
	if err != nil {
		return good, err
	}
	if rerr != nil {
		return good, rerr
	}
	var errs []error
	if len(bad.Errs) > 0 {
		errs = append(errs, &bad)
	}
	if len(dups.Dups) > 0 {
		errs = append(errs, &dups)
	}
	return good, errors.Join(errs...)
}

// decodeLines reads and decodes the lines of r, handing them to send in
// batches of up to size until send returns false; bad lines go to bad,
// repeated ids to dups. It returns the reader's failure.
func decodeLines(r io.Reader, size int, bad *BadLinesError, dups *DuplicateIDsError, send func([]Line) bool) error {
	lr := article.NewLineReader(r)
	var batch []Line
	ids := map[uint64]int{} // hash of an id → its last line
	for {
		line, raw, rerr := lr.Next()
		if rerr == io.EOF {
			break
		}
		var le *article.LineError
		if errors.As(rerr, &le) {
			bad.Add(line, le)
			continue
		}
		if rerr != nil {
			if len(batch) > 0 {
				send(batch) // what was read before the failure is delivered
			}
			return rerr
		}
		art, err := decodeLine(raw)
		if err != nil {
			bad.Add(line, &article.LineError{Line: line, Err: err})
			continue
		}
		h := xxhash.Sum64String(art.ID)
		if first, ok := ids[h]; ok {
			dups.Dups = append(dups.Dups, Duplicate{ID: art.ID, Line: line, First: first})
		}
		ids[h] = line
		batch = append(batch, Line{N: line, Art: art})
		if len(batch) == size {
			if !send(batch) {
				return nil
			}
			batch = nil
		}
	}
	if len(batch) > 0 {
		send(batch)
	}
	return nil
}

// decodeLine turns one JSONL line into an Article the archive can store.
func decodeLine(raw []byte) (*article.Article, error) {
	art, err := decodeArticle(raw)
	if err != nil {
		return nil, err
	}
	if err := Check(art); err != nil {
		return nil, err
	}
	return art, nil
}

// decodeArticle is article.Decode, reading the line with
// store.DecodeArticle when it can (one pass, no reflection; about a
// quarter of the JSONL decode goroutine's CPU went to encoding/json), else
// with encoding/json as article.Decode does.
func decodeArticle(raw []byte) (*article.Article, error) {
	var a article.Article
	if !store.DecodeArticle(raw, &a) {
		return article.Decode(raw)
	}
	if err := a.Normalize(); err != nil {
		return nil, err
	}
	if strings.TrimSpace(a.Text) == "" {
		return nil, fmt.Errorf("article %.80q has no text", a.ID)
	}
	return &a, nil
}

// ReadJSONL is ReadLines without the line numbers.
func ReadJSONL(r io.Reader, size int, fn func([]*article.Article) error) (good int, err error) {
	return ReadLines(r, size, func(ls []Line) error {
		arts := make([]*article.Article, len(ls))
		for i, l := range ls {
			arts[i] = l.Art
		}
		return fn(arts)
	})
}

// Duplicate is a line of an input whose id an earlier line already had.
type Duplicate struct {
	ID    string
	Line  int // the repeating line
	First int // the line it repeats (the previous one with that id)
}

// DuplicateIDsError lists the lines of one input that repeat an earlier
// line's id. It is a warning: the later line is the article's new version.
type DuplicateIDsError struct{ Dups []Duplicate }

func (e *DuplicateIDsError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d line(s) repeat an earlier line's id (the later line is kept): ", len(e.Dups))
	for i, d := range e.Dups {
		if i == 5 {
			fmt.Fprintf(&b, "; and %d more", len(e.Dups)-5)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		id := d.ID
		if len(id) > 60 {
			id = id[:60] + "…"
		}
		fmt.Fprintf(&b, "line %d: id %q as on line %d", d.Line, id, d.First)
	}
	return b.String()
}

// BadLinesError lists the input lines that were reported and skipped.
type BadLinesError = article.BadLinesError

// JSONLStats is what ImportJSONL did.
type JSONLStats struct {
	Stored int // articles stored
	Bad    int // lines reported and skipped
}

// ImportJSONL adds the Articles of a JSONL input to the archive as a bulk load
// (BeginBulk): each batch of good lines is deduplicated and stored in one
// transaction, and the search index is brought up to date at the end. Bad
// lines are reported (ReadLines) and skipped. A store failure (a full
// disk) stops the import: what was stored before it stays, stats count it,
// and the error names the lines that were not stored. The dedup index is
// written out and let go of before the search index is built, so the
// archive ingests nothing more until it is opened again.
func (a *Archive) ImportJSONL(ctx context.Context, r io.Reader, batch int) (JSONLStats, error) {
	var st JSONLStats
	a.BeginBulk()
	// Each batch is stored while the next is deduplicated (writeBehind);
	// behind is the batch whose write may still be running.
	a.mu.Lock()
	a.behind.on = true
	a.mu.Unlock()
	var behind []Line
	// The dedup features of each batch's texts are computed on the
	// decoding goroutine, while the previous batch is deduplicated.
	var prep func([]Line)
	a.mu.Lock()
	if a.Dedup != nil {
		p := a.Dedup.Preparer()
		prep = func(ls []Line) {
			for i := range ls {
				ls[i].prep = p.Prepare(ls[i].Art)
			}
		}
	}
	a.mu.Unlock()
	_, err := readLines(r, batch, prep, func(ls []Line) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		arts := make([]*article.Article, len(ls))
		prepared := make(map[*article.Article]*dedup.Prepared, len(ls))
		for i, l := range ls {
			arts[i] = l.Art
			if l.prep != nil {
				prepared[l.Art] = l.prep
			}
		}
		a.mu.Lock()
		a.prepared = prepared
		a.mu.Unlock()
		err := a.Ingest(ctx, arts)
		a.mu.Lock()
		a.prepared = nil
		a.mu.Unlock()
		if err != nil {
			first := ls[0].N
			if len(behind) > 0 {
				first = behind[0].N // its write failed, or was rolled back with this batch
			}
			behind = nil
			return fmt.Errorf("lines %d–%d not stored: %w", first, ls[len(ls)-1].N, err)
		}
		st.Stored += len(behind) // the previous batch's write succeeded
		behind = ls
		return nil
	})
	a.mu.Lock()
	werr := a.waitWrite()
	a.behind.on = false
	a.mu.Unlock()
	switch {
	case werr != nil && len(behind) > 0:
		err = errors.Join(err, fmt.Errorf("lines %d–%d not stored: %w", behind[0].N, behind[len(behind)-1].N, werr))
	case werr != nil:
		err = errors.Join(err, werr)
	default:
		st.Stored += len(behind)
	}
	var bad *BadLinesError
	if errors.As(err, &bad) {
		st.Bad = len(bad.Errs)
	}
	// The dedup index (about 1.2 KB of heap per article, most of a large
	// import's memory) is written out and let go of before the index is
	// built, which reads only which articles each cluster holds.
	if derr := a.dropDedup(); derr != nil {
		err = errors.Join(err, derr)
	}
	if eerr := a.EndBulk(ctx); eerr != nil {
		err = errors.Join(err, eerr)
	}
	return st, err
}
