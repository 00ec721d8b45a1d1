package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/archive/remote"
	"github.com/syndex/syndex/store"
	"github.com/syndex/syndex/web"
)

// Reader is what the read commands (search, report, export, serve) need
// from an archive: the archive itself, or the read API of the `syndex run`
// process that holds it.
type Reader = web.Reader

// OpenReader opens the archive named by --data for reading (with its
// search index when withIndex), or reads through the read API of the
// process that holds it (OpenOrDial).
func (g *Globals) OpenReader(ctx context.Context, withIndex bool) (Reader, error) {
	a, r, err := g.OpenOrDial(ctx, archive.Options{ReadOnly: true, NoIndex: !withIndex})
	switch {
	case err != nil:
		return nil, err
	case a != nil:
		return a, nil
	}
	slog.Info("archive held by another process; reading through its API", "dir", g.DataDir(), "api", r.Base)
	return r, nil
}

// OpenOrDial opens the archive named by --data read-only with opt. When
// another process holds it and serves its read API (`syndex run` writes
// api.addr), it dials that API instead (a is then nil); otherwise the
// "archive in use by pid N" error stands.
func (g *Globals) OpenOrDial(ctx context.Context, opt archive.Options) (a *archive.Archive, r *remote.Archive, err error) {
	dir := g.DataDir()
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

// ExpandSites replaces the names of site collections (the config's
// collections, written NAME or @NAME) in --site values by their sites.
func (g *Globals) ExpandSites(sites []string) ([]string, error) {
	if len(sites) == 0 {
		return nil, nil
	}
	c, err := g.LoadConfig()
	if err != nil {
		return nil, err
	}
	out, err := c.ExpandSites(sites)
	if err != nil {
		return nil, Usagef("--site: %v", err)
	}
	return out, nil
}
