package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/web"
)

// readAPI is the read API and web UI a writing command (crawl) serves on
// loopback while it holds the archive, recorded in api.addr so that
// search, report, export, lookup and serve on the same archive read
// through it instead of being refused.
type readAPI struct {
	Base string // e.g. http://127.0.0.1:41234
	srv  *http.Server
	dir  string
}

// serveReadAPI listens on addr and serves a's read API and the web UI
// (with the config's site collections),
// and writes the address to the archive's api.addr.
func serveReadAPI(a *archive.Archive, addr string, collections map[string][]string) (*readAPI, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle(archive.APIPrefix, a.APIHandler())
	mux.Handle("/", web.New(a, web.Options{WARCDir: filepath.Join(a.Dir, archive.WARCDir), Collections: collections}))
	r := &readAPI{Base: "http://" + ln.Addr().String(), dir: a.Dir,
		srv: &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}}
	go func() {
		if err := r.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			slog.Warn("read API stopped", "addr", r.Base, "err", err)
		}
	}()
	if err := archive.WriteAPIAddr(a.Dir, r.Base); err != nil {
		r.srv.Close()
		return nil, err
	}
	return r, nil
}

// Close forgets the address and stops serving; requests in flight get
// two seconds to finish.
func (r *readAPI) Close() {
	if err := archive.RemoveAPIAddr(r.dir); err != nil {
		slog.Warn("remove api address", "err", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := r.srv.Shutdown(ctx); err != nil {
		r.srv.Close()
	}
}
