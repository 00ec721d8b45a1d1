// Package atomicfile replaces a file so that a crash leaves either the old
// file or the new one, never part of one: the new content goes to a
// temporary file beside it (the name plus TempSuffix), is synced, renamed
// over the old file, and the directory is synced so that the rename itself
// survives a power cut. It owns nothing else: callers say what to write
// and add their own context to errors.
package atomicfile

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
)

// TempSuffix is appended to a file's name for its temporary while it is
// written; a crash may leave one behind, and the next write replaces it.
const TempSuffix = ".tmp"

// Write replaces path with what write writes (through a buffer). On any
// error the temporary is removed and path is left as it was.
func Write(path string, write func(w io.Writer) error) error {
	return replace(path, func(f *os.File) error {
		bw := bufio.NewWriterSize(f, 1<<20)
		if err := write(bw); err != nil {
			return err
		}
		return bw.Flush()
	})
}

// WriteFile replaces path with data.
func WriteFile(path string, data []byte) error {
	return replace(path, func(f *os.File) error {
		_, err := f.Write(data)
		return err
	})
}

// replace writes path's temporary with write, syncs it and renames it
// over path.
func replace(path string, write func(f *os.File) error) error {
	tmp := path + TempSuffix
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	err = write(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	SyncDir(filepath.Dir(path))
	return nil
}

// SyncDir syncs a directory, so that the renames and creations in it are
// durable. Errors are ignored: some file systems cannot sync a directory,
// and the data itself is already synced.
func SyncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
