package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"net"
	"sync"
	"syscall"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/index"
	"github.com/syndex/syndex/store"
	"github.com/syndex/syndex/web"
)

// reader is what the read commands (search, report, export, serve) need
// from an archive: the archive itself, or the read API of the `syndex run`
// process that holds it.
type reader interface {
	web.Backend
	Close() error
}

// openReader opens the archive named by --data for reading (with its
// search index when withIndex). When another process holds the archive
// and serves its read API (`syndex run` writes api.addr), it reads through
// that API instead; otherwise the "archive in use by pid N" error stands.
func (g *globals) openReader(ctx context.Context, withIndex bool) (reader, error) {
	dir := g.dataDir()
	a, err := archive.Open(ctx, dir, archive.Options{ReadOnly: true, NoIndex: !withIndex})
	if err == nil {
		return a, nil
	}
	if !errors.Is(err, store.ErrLocked) {
		return nil, err
	}
	r, rerr := archive.DialAPI(ctx, dir)
	if rerr != nil {
		return nil, fmt.Errorf("%w (and no running syndex serves its API: %v)", err, rerr)
	}
	slog.Info("archive held by another process; reading through its API", "dir", dir, "api", r.Base)
	return r, nil
}

// allArticles streams a reader's articles in arrival order.
func allArticles(ctx context.Context, r reader) iter.Seq2[*article.Article, error] {
	switch r := r.(type) {
	case *archive.Archive:
		return r.Store.Articles(0)
	case *archive.Remote:
		return r.All(ctx)
	}
	return func(yield func(*article.Article, error) bool) {
		arts, err := r.Articles()
		if err != nil {
			yield(nil, err)
			return
		}
		for _, a := range arts {
			if !yield(a, nil) {
				return
			}
		}
	}
}

// followingReader is serve's backend: it reads through whatever holds the
// archive now. A serve started during a crawl reads through the crawl's
// read API; when that API stops answering (the crawl ended, or was
// killed) it opens the archive again with openReader (directly, or
// through the API of the writer that holds it by then) and goes on.
type followingReader struct {
	mu     sync.Mutex
	cur    reader
	reopen func() (reader, error)
}

func newFollowingReader(r reader, reopen func() (reader, error)) *followingReader {
	return &followingReader{cur: r, reopen: reopen}
}

// gone reports whether err says the process behind a Remote is gone.
func gone(r reader, err error) bool {
	if _, ok := r.(*archive.Remote); !ok || err == nil {
		return false
	}
	var op *net.OpError
	return errors.As(err, &op) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

// do runs fn on the current reader and, when its writer is gone, once
// more on a fresh one.
func (f *followingReader) do(fn func(reader) error) error {
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

func (f *followingReader) Search(ctx context.Context, q index.Query) (res *index.Result, err error) {
	err = f.do(func(r reader) error { res, err = r.Search(ctx, q); return err })
	return res, err
}

func (f *followingReader) Article(id string) (a *article.Article, err error) {
	err = f.do(func(r reader) error { a, err = r.Article(id); return err })
	return a, err
}

func (f *followingReader) Cluster(id string) (as []*article.Article, err error) {
	err = f.do(func(r reader) error { as, err = r.Cluster(id); return err })
	return as, err
}

func (f *followingReader) Articles() (as []*article.Article, err error) {
	err = f.do(func(r reader) error { as, err = r.Articles(); return err })
	return as, err
}

// Lookup answers the web UI's "Is it a copy?" page when the current
// reader can.
func (f *followingReader) Lookup(ctx context.Context, q archive.LookupQuery) (res *archive.LookupResult, err error) {
	err = f.do(func(r reader) error {
		lk, ok := r.(web.Looker)
		if !ok {
			return errors.New("lookup is not available on this archive")
		}
		res, err = lk.Lookup(ctx, q)
		return err
	})
	return res, err
}

func (f *followingReader) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cur.Close()
}
