package archive

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/syndex/syndex/index"
	"github.com/syndex/syndex/internal/atomicfile"
	"github.com/syndex/syndex/store"
)

// APIAddrFile, in the archive directory, holds the base URL of the read
// API of the process that holds the archive (`syndex run`), so that other
// commands can read the archive through it instead of waiting for the
// writer's lock.
const APIAddrFile = "api.addr"

// APIPrefix is the path under which the archive's read API is served.
const APIPrefix = "/api/archive/"

// WriteAPIAddr records base (e.g. "http://127.0.0.1:8080") as the read
// API of the archive in dir.
func WriteAPIAddr(dir, base string) error {
	path := filepath.Join(dir, APIAddrFile)
	if err := atomicfile.WriteFile(path, []byte(base+"\n")); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// LoopbackBase returns the base URL ("http://127.0.0.1:8093") by which
// processes on this machine reach a server listening on addr, and whether
// there is one: a loopback or wildcard listener (0.0.0.0, [::]) answers on
// loopback at its port, a listener bound to one other address does not, and
// the caller must open a loopback listener for the read API as well. The
// read API answers loopback clients only, so the address readers use must
// be a loopback one.
func LoopbackBase(addr net.Addr) (string, bool) {
	ta, ok := addr.(*net.TCPAddr)
	if !ok {
		return "", false
	}
	port := strconv.Itoa(ta.Port)
	switch {
	case ta.IP.IsLoopback():
		return "http://" + net.JoinHostPort(ta.IP.String(), port), true
	case ta.IP == nil || ta.IP.IsUnspecified():
		// A dual-stack wildcard answers on both loopbacks; an IPv6-only
		// one only on ::1.
		if c, err := net.DialTimeout("tcp4", net.JoinHostPort("127.0.0.1", port), time.Second); err == nil {
			c.Close()
			return "http://" + net.JoinHostPort("127.0.0.1", port), true
		}
		return "http://" + net.JoinHostPort("::1", port), true
	}
	return "", false
}

// RemoveAPIAddr forgets the read API of the archive in dir.
func RemoveAPIAddr(dir string) error {
	err := os.Remove(filepath.Join(dir, APIAddrFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// APIHandler serves the archive's read API under APIPrefix: search (the
// index.Query as JSON in parameter q), every article as JSONL, one
// article, one cluster. Only loopback clients naming a loopback host are
// answered: the API is for other syndex processes on the same machine,
// which read it with package archive/remote.
func (a *Archive) APIHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+APIPrefix+"health", func(w http.ResponseWriter, r *http.Request) {
		apiJSON(w, map[string]any{"ok": true, "pid": os.Getpid(), "dir": a.Dir})
	})
	mux.HandleFunc("GET "+APIPrefix+"search", func(w http.ResponseWriter, r *http.Request) {
		var q index.Query
		if err := json.Unmarshal([]byte(r.URL.Query().Get("q")), &q); err != nil {
			apiError(w, http.StatusBadRequest, "q: not a JSON query: "+err.Error())
			return
		}
		res, err := a.Search(r.Context(), q)
		if errors.Is(err, index.ErrBadQuery) {
			apiError(w, http.StatusBadRequest, err.Error())
			return
		}
		if err != nil {
			apiError(w, http.StatusInternalServerError, err.Error())
			return
		}
		apiJSON(w, res)
	})
	mux.HandleFunc("GET "+APIPrefix+"articles", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/jsonl")
		bw := bufio.NewWriterSize(w, 1<<16)
		enc := json.NewEncoder(bw)
		for art, err := range a.Store.Articles(0) {
			if err != nil {
				a.log.Warn("api: skip unreadable article", "err", err)
				continue
			}
			if err := enc.Encode(art); err != nil {
				return // client gone
			}
		}
		bw.Flush()
	})
	mux.HandleFunc("GET "+APIPrefix+"articles/{id}", func(w http.ResponseWriter, r *http.Request) {
		art, err := a.Article(r.PathValue("id"))
		switch {
		case errors.Is(err, store.ErrNotFound):
			apiError(w, http.StatusNotFound, "no article "+r.PathValue("id"))
		case err != nil:
			apiError(w, http.StatusInternalServerError, err.Error())
		default:
			apiJSON(w, art)
		}
	})
	mux.HandleFunc("POST "+APIPrefix+"lookup", a.apiLookup)
	mux.HandleFunc("GET "+APIPrefix+"article-at", a.apiArticleAt)
	mux.HandleFunc("GET "+APIPrefix+"clusters/{id}", func(w http.ResponseWriter, r *http.Request) {
		members, err := a.Cluster(r.PathValue("id"))
		if err != nil {
			apiError(w, http.StatusInternalServerError, err.Error())
			return
		}
		apiJSON(w, members)
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !loopbackRequest(r) {
			apiError(w, http.StatusForbidden, "the archive API answers loopback clients only")
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// loopbackRequest reports whether both the client and the Host header are
// loopback, which keeps remote clients and DNS-rebinding pages out.
func loopbackRequest(r *http.Request) bool {
	ip := func(hostport string) net.IP {
		h, _, err := net.SplitHostPort(hostport)
		if err != nil {
			h = hostport
		}
		if strings.EqualFold(h, "localhost") {
			return net.IPv4(127, 0, 0, 1)
		}
		return net.ParseIP(strings.Trim(h, "[]"))
	}
	c, h := ip(r.RemoteAddr), ip(r.Host)
	return c != nil && c.IsLoopback() && h != nil && h.IsLoopback()
}

func apiJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func apiError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

// Sizes are an archive's headline counts, for metrics.
type Sizes struct {
	Articles   int    // articles in the store
	DedupDocs  int    // documents in the dedup index
	Stories    uint64 // documents in the search index: one per cluster or unique story
	Syndicated uint64 // stories with at least one copy
}

// Sizes counts what the archive holds; safe while a crawl ingests.
func (a *Archive) Sizes(ctx context.Context) (Sizes, error) {
	s := Sizes{Articles: a.Store.Count()}
	a.mu.RLock()
	if a.Dedup != nil {
		s.DedupDocs = a.Dedup.Len()
	}
	a.mu.RUnlock()
	if a.Index == nil {
		return s, nil
	}
	n, err := a.Index.Count()
	if err != nil {
		return s, fmt.Errorf("count search index: %w", err)
	}
	s.Stories = n
	res, err := a.Index.Search(ctx, index.Query{Text: "copies:>0", Limit: 1})
	if err != nil {
		return s, fmt.Errorf("count syndicated stories: %w", err)
	}
	s.Syndicated = res.Total
	return s, nil
}
