package article

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Articles travel as JSONL, one per line: the input of `syndex dedup` and
// `syndex import`, the output of `syndex export`. LineReader reads such an
// input line by line and Decode turns one line into an Article; a line
// that cannot be used is reported in a *BadLinesError by its number, and
// the lines after it are still read.

// MaxLineBytes is the longest JSONL line read as an Article; a longer line
// is reported and skipped without being held in memory, and reading goes
// on after it.
const MaxLineBytes = 64 << 20

// LineReader reads the lines of a JSONL input: it skips blank lines and a
// UTF-8 byte order mark before the first line, and reports a line longer
// than MaxLineBytes instead of holding it.
type LineReader struct {
	br   *bufio.Reader
	buf  []byte
	line int
	pos  int64 // bytes consumed
	off  int64 // byte offset of the line Next returned last
}

// Offset returns the byte offset in the input of the line Next returned
// last (past a byte order mark): where to read it again.
func (lr *LineReader) Offset() int64 { return lr.off }

// NewLineReader reads r through a buffer of 1 MiB.
func NewLineReader(r io.Reader) *LineReader {
	return &LineReader{br: bufio.NewReaderSize(r, 1<<20)}
}

// Next returns the next line that is not blank, without its newline, and
// its 1-based number. The line is valid until the next call. A line
// longer than MaxLineBytes is returned as a *LineError (reading can go
// on); at the end of the input Next returns io.EOF, and any other error
// is the reader's.
func (lr *LineReader) Next() (n int, line []byte, err error) {
	for {
		lr.off = lr.pos
		raw, long, rerr := lr.read()
		if rerr != nil && rerr != io.EOF {
			return lr.line + 1, nil, fmt.Errorf("line %d: %w", lr.line+1, rerr)
		}
		if long == 0 && len(raw) == 0 && rerr == io.EOF {
			return lr.line, nil, io.EOF
		}
		lr.line++
		if lr.line == 1 && bytes.HasPrefix(raw, []byte("\xef\xbb\xbf")) {
			raw, lr.off = raw[3:], lr.off+3
		}
		switch {
		case long > 0:
			return lr.line, nil, &LineError{Line: lr.line, Err: fmt.Errorf("%d bytes long, longer than the %d MiB an article line may be; skipped", long, MaxLineBytes>>20)}
		case len(bytes.TrimSpace(raw)) > 0:
			return lr.line, raw, nil
		case rerr == io.EOF:
			return lr.line, nil, io.EOF
		}
	}
}

// read returns the next line without its newline: a slice of the reader's
// buffer when it fits there, else assembled in lr.buf. A line longer than
// MaxLineBytes is consumed and dropped; long is then its length.
func (lr *LineReader) read() (line []byte, long int, err error) {
	frag, err := lr.br.ReadSlice('\n')
	lr.pos += int64(len(frag))
	if err != bufio.ErrBufferFull {
		return bytes.TrimSuffix(frag, []byte("\n")), 0, err
	}
	if cap(lr.buf) > 4<<20 {
		lr.buf = nil // do not keep a huge line's buffer for the small ones
	}
	lr.buf = append(lr.buf[:0], frag...)
	n := len(frag)
	for err == bufio.ErrBufferFull {
		frag, err = lr.br.ReadSlice('\n')
		lr.pos += int64(len(frag))
		n += len(frag)
		if n <= MaxLineBytes {
			lr.buf = append(lr.buf, frag...)
		} else if len(lr.buf) > 0 {
			lr.buf = lr.buf[:0] // too long: stop holding it
		}
	}
	if n > MaxLineBytes {
		return nil, n, err
	}
	return bytes.TrimSuffix(lr.buf, []byte("\n")), 0, err
}

// Decode turns one JSONL line into a normalized Article with text.
func Decode(line []byte) (*Article, error) {
	var a Article
	if err := json.Unmarshal(line, &a); err != nil {
		return nil, err
	}
	if err := a.Normalize(); err != nil {
		return nil, err
	}
	if strings.TrimSpace(a.Text) == "" {
		return nil, fmt.Errorf("article %.80q has no text", a.ID)
	}
	return &a, nil
}

// LineError is what was wrong with one line of an input.
type LineError struct {
	Line int // 1-based
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// BadLinesError lists the lines of an input that were reported and
// skipped; the other lines were used.
type BadLinesError struct {
	Lines []int   // 1-based line numbers, in input order
	Errs  []error // one per line, naming it
}

// Add records a bad line.
func (e *BadLinesError) Add(line int, err error) {
	e.Lines = append(e.Lines, line)
	e.Errs = append(e.Errs, err)
}

// Error lists the first five bad lines and how many more there are.
func (e *BadLinesError) Error() string {
	const show = 5
	var b strings.Builder
	fmt.Fprintf(&b, "%d bad line(s): ", len(e.Errs))
	for i, err := range e.Errs {
		if i == show {
			fmt.Fprintf(&b, "; and %d more", len(e.Errs)-show)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(err.Error())
	}
	return b.String()
}
