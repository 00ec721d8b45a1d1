package warc

import (
	"context"
	"errors"
	"io"
	"iter"
)

// Captures reads the captures of every file in paths (directories and
// globs expanded as Expand does), file after file, stream after stream.
// Bad input does not stop it: an argument that matches nothing, a file
// that is not an archive (a *NotArchiveError) and a bad record (a
// *RecordError) are yielded as errors with a nil Capture, and reading goes
// on; stop ranging to stop reading. Revisit records are yielded as they
// are (Body nil): resolving them needs an index of earlier captures.
func Captures(ctx context.Context, paths []string, opt ReadOptions) iter.Seq2[*Capture, error] {
	return func(yield func(*Capture, error) bool) {
		files, err := Expand(paths)
		if err != nil && !yield(nil, err) {
			return
		}
		for _, f := range files {
			srcs, err := Sources(f)
			if err != nil {
				if !yield(nil, err) {
					return
				}
				continue
			}
			for _, s := range srcs {
				if !readSource(ctx, s, opt, yield) {
					return
				}
			}
		}
	}
}

func readSource(ctx context.Context, s Source, opt ReadOptions, yield func(*Capture, error) bool) bool {
	r, err := s.Open(Position{}, opt)
	if err != nil {
		return yield(nil, err)
	}
	defer r.Close()
	for {
		if err := ctx.Err(); err != nil {
			yield(nil, err)
			return false
		}
		c, err := r.Next()
		if errors.Is(err, io.EOF) {
			return true
		}
		if !yield(c, err) {
			return false
		}
		var re *RecordError
		if err != nil && !errors.As(err, &re) {
			return true // the stream cannot be read further; go on with the next
		}
	}
}
