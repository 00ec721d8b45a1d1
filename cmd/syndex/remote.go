package main

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/archive/remote"
	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/store"
	"github.com/syndex/syndex/web"
)

// reader is what the read commands (search, report, export, serve) need
// from an archive: the archive itself, or the read API of the `syndex run`
// process that holds it.
type reader = web.Reader

// openReader opens the archive named by --data for reading (with its
// search index when withIndex), or reads through the read API of the
// process that holds it (openOrDial).
func (g *globals) openReader(ctx context.Context, withIndex bool) (reader, error) {
	a, r, err := g.openOrDial(ctx, archive.Options{ReadOnly: true, NoIndex: !withIndex})
	switch {
	case err != nil:
		return nil, err
	case a != nil:
		return a, nil
	}
	slog.Info("archive held by another process; reading through its API", "dir", g.dataDir(), "api", r.Base)
	return r, nil
}

// openOrDial opens the archive named by --data read-only with opt. When
// another process holds it and serves its read API (`syndex run` writes
// api.addr), it dials that API instead (a is then nil); otherwise the
// "archive in use by pid N" error stands.
func (g *globals) openOrDial(ctx context.Context, opt archive.Options) (a *archive.Archive, r *remote.Archive, err error) {
	dir := g.dataDir()
	a, err = archive.Open(ctx, dir, opt)
	if err == nil || !errors.Is(err, store.ErrLocked) {
		return a, nil, err
	}
	r, rerr := remote.Dial(ctx, dir)
	if rerr != nil {
		return nil, nil, fmt.Errorf("%w (and no running syndex serves its API: %v)", err, rerr)
	}
	return nil, r, nil
}

// allArticles streams a reader's articles in arrival order.
func allArticles(ctx context.Context, r reader) iter.Seq2[*article.Article, error] {
	switch r := r.(type) {
	case *archive.Archive:
		return r.Store.Articles(0)
	case *remote.Archive:
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
