package web

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
)

// ArchiveHandler is the UI and the read API of an archive a process
// holds, on one mux: the API under archive.APIPrefix, the UI (with the
// config's site collections) at "/", and the extra handlers by pattern
// (`syndex run` adds /metrics and /healthz).
func ArchiveHandler(a *archive.Archive, collections map[string][]string, extra map[string]http.Handler) http.Handler {
	mux := http.NewServeMux()
	for pattern, h := range extra {
		mux.Handle(pattern, h)
	}
	mux.Handle(archive.APIPrefix, a.APIHandler())
	mux.Handle("/", New(a, Options{WARCDir: filepath.Join(a.Dir, archive.WARCDir), Collections: collections}))
	return mux
}

// ReadAPI serves the UI and the read API of an archive while a writing
// command (crawl, run) holds it, and records a loopback address of it in
// the archive's api.addr, so that search, report, export, lookup and
// serve on the same archive read through it instead of being refused.
type ReadAPI struct {
	Base string // the listener's address, e.g. http://127.0.0.1:41234
	API  string // the loopback address written to api.addr

	srv    *http.Server
	dir    string
	served chan error
}

// ServeReadAPI serves h on ln and writes the address readers on this
// machine use to the api.addr of the archive in dir. Readers need a
// loopback address (the read API answers loopback clients only): the
// listener's own on a loopback or wildcard address, else a second
// listener on 127.0.0.1.
func ServeReadAPI(dir string, ln net.Listener, h http.Handler) (*ReadAPI, error) {
	r := &ReadAPI{Base: "http://" + ln.Addr().String(), dir: dir, served: make(chan error, 2),
		srv: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}}
	go r.serve(ln)
	api, ok := archive.LoopbackBase(ln.Addr())
	if !ok {
		lb, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			r.srv.Close()
			return nil, fmt.Errorf("listen on loopback for the read API: %w", err)
		}
		api = "http://" + lb.Addr().String()
		go r.serve(lb)
	}
	r.API = api
	if err := archive.WriteAPIAddr(dir, api); err != nil {
		r.srv.Close()
		return nil, err
	}
	return r, nil
}

func (r *ReadAPI) serve(ln net.Listener) {
	err := r.srv.Serve(ln)
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		slog.Warn("read API stopped", "addr", r.Base, "err", err)
		r.served <- err
	}
}

// Failed receives the error of a listener that stopped serving before
// Close.
func (r *ReadAPI) Failed() <-chan error { return r.served }

// Close forgets the address and stops serving; requests in flight get
// two seconds to finish.
func (r *ReadAPI) Close() {
	if err := archive.RemoveAPIAddr(r.dir); err != nil {
		slog.Warn("remove api address", "err", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := r.srv.Shutdown(ctx); err != nil {
		r.srv.Close()
	}
}

// Serve serves h on ln until ctx ends, then gives requests in flight five
// seconds to finish.
func Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	stop := context.AfterFunc(ctx, func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	})
	defer stop()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
