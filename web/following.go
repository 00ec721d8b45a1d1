package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"syscall"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/archive/remote"
	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/index"
)

// Reader is a Backend that is closed after use: an archive opened for
// reading, or the read API of the process that holds it (remote.Archive).
type Reader interface {
	Backend
	Close() error
}

// Following is a Backend that reads through whatever holds the archive
// now. A server started during a crawl reads through the crawl's read
// API; when that API stops answering (the crawl ended, or was killed) it
// opens the archive again with reopen (directly, or through the API of
// the writer that holds it by then) and goes on.
type Following struct {
	mu     sync.Mutex
	cur    Reader
	reopen func() (Reader, error)
}

// NewFollowing reads through r until its writer is gone, then through
// what reopen returns.
func NewFollowing(r Reader, reopen func() (Reader, error)) *Following {
	return &Following{cur: r, reopen: reopen}
}

// gone reports whether err says the process behind a remote.Archive is
// gone.
func gone(r Reader, err error) bool {
	if _, ok := r.(*remote.Archive); !ok || err == nil {
		return false
	}
	var op *net.OpError
	return errors.As(err, &op) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

// do runs fn on the current reader and, when its writer is gone, once
// more on a fresh one.
func (f *Following) do(fn func(Reader) error) error {
	f.mu.Lock()
	r := f.cur
	f.mu.Unlock()
	err := fn(r)
	if !gone(r, err) {
		return err
	}
	f.mu.Lock()
	if f.cur == r {
		nr, rerr := f.reopen()
		if rerr != nil {
			f.mu.Unlock()
			return fmt.Errorf("%w (and the archive cannot be opened again: %v)", err, rerr)
		}
		slog.Info("the archive's writer is gone; serving from the archive as it is now")
		r.Close()
		f.cur = nr
	}
	r = f.cur
	f.mu.Unlock()
	return fn(r)
}

// Search runs q on the current reader.
func (f *Following) Search(ctx context.Context, q index.Query) (res *index.Result, err error) {
	err = f.do(func(r Reader) error { res, err = r.Search(ctx, q); return err })
	return res, err
}

// Article returns one article from the current reader.
func (f *Following) Article(id string) (a *article.Article, err error) {
	err = f.do(func(r Reader) error { a, err = r.Article(id); return err })
	return a, err
}

// Cluster returns a cluster's members from the current reader.
func (f *Following) Cluster(id string) (as []*article.Article, err error) {
	err = f.do(func(r Reader) error { as, err = r.Cluster(id); return err })
	return as, err
}

// Articles returns every article from the current reader.
func (f *Following) Articles() (as []*article.Article, err error) {
	err = f.do(func(r Reader) error { as, err = r.Articles(); return err })
	return as, err
}

// Lookup answers the "Is it a copy?" page when the current reader can.
func (f *Following) Lookup(ctx context.Context, q archive.LookupQuery) (res *archive.LookupResult, err error) {
	err = f.do(func(r Reader) error {
		lk, ok := r.(Looker)
		if !ok {
			return errors.New("lookup is not available on this archive")
		}
		res, err = lk.Lookup(ctx, q)
		return err
	})
	return res, err
}

// Close closes the current reader.
func (f *Following) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cur.Close()
}
