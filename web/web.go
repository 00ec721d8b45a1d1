// Package web serves syndex's read-only web UI and JSON API over an
// archive: full-text search with facets, a cluster page that shows the
// original beside each copy with the differences marked, a page per site, the
// network picture, and /api/ endpoints for search, clusters, sites and the
// report.
//
// The package owns presentation only: it reads through a Backend (the
// archive) and draws with package report; it never writes. Every crawled
// string is hostile, so pages are rendered with html/template, the
// Content-Security-Policy forbids scripts and foreign resources, and
// snippets from the index are re-escaped here rather than trusted.
package web

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/index"
	"github.com/syndex/syndex/report/render"
	"github.com/syndex/syndex/store"
	"github.com/syndex/syndex/web/diff"
)

// Backend is what the UI reads; *archive.Archive implements it.
type Backend interface {
	// Search runs a full-text query over the cluster index.
	Search(ctx context.Context, q index.Query) (*index.Result, error)
	// Article returns one article, or an error wrapping store.ErrNotFound.
	Article(id string) (*article.Article, error)
	// Cluster returns the members of a cluster (original and copies).
	Cluster(id string) ([]*article.Article, error)
	// Articles returns every article, for the report and site pages.
	Articles() ([]*article.Article, error)
}

// ErrNotFound may be returned (wrapped) by a Backend for a missing article
// or cluster; store.ErrNotFound is recognised too.
var ErrNotFound = errors.New("not found")

// Options tune the handler.
type Options struct {
	// WARCDir is the directory holding the archive's WARC files. When set,
	// /warc/{id} serves the WARC record an article was extracted from.
	WARCDir string
	// PageSize is the number of search hits per page (default 20).
	PageSize int
	// CacheTTL is how long the article snapshot behind the report, site
	// and network pages is reused (default 10s).
	CacheTTL time.Duration
	// Logger receives server-side errors (default slog.Default()).
	Logger *slog.Logger
	// AllowedHosts are host names (without port) the UI answers to besides
	// IP literals and "localhost". Requests naming any other host are
	// refused, which defeats DNS-rebinding pages reading a local archive.
	AllowedHosts []string
	// Collections are the config's named groups of sites: the search
	// page offers them as filters (site=@NAME), the network page filters
	// and colours by them.
	Collections map[string][]string
}

// CSP is the Content-Security-Policy of every response: no scripts at all,
// styles and images only from this server, no framing, forms only to here.
const CSP = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

//go:embed templates/*.html static/*
var assets embed.FS

type server struct {
	b     Backend
	opt   Options
	log   *slog.Logger
	pages map[string]*template.Template
	css   []byte

	mu      sync.Mutex
	arts    []*article.Article
	artsAt  time.Time
	artsErr error
}

// New returns the handler for the UI and API. It only answers GET and HEAD.
func New(b Backend, opt Options) http.Handler {
	if opt.PageSize <= 0 {
		opt.PageSize = 20
	}
	if opt.CacheTTL <= 0 {
		opt.CacheTTL = 10 * time.Second
	}
	s := &server{b: b, opt: opt, log: opt.Logger, pages: map[string]*template.Template{}}
	if s.log == nil {
		s.log = slog.Default()
	}
	funcs := template.FuncMap{}
	for k, v := range render.Funcs {
		funcs[k] = v
	}
	funcs["site"] = sitePath
	funcs["cluster"] = clusterPath
	funcs["paragraphs"] = diff.Paragraphs
	funcs["warcloc"] = warcPlace
	funcs["datetime"] = func(t time.Time) string {
		if t.IsZero() {
			return "date unknown"
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	}
	for _, name := range []string{"search", "cluster", "site", "network", "lookup", "error"} {
		s.pages[name] = template.Must(template.New("base.html").Funcs(funcs).ParseFS(assets, "templates/base.html", "templates/"+name+".html"))
	}
	css, err := fs.ReadFile(assets, "static/style.css")
	if err != nil {
		panic(err) // embedded at build time
	}
	s.css = css

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.search)
	mux.HandleFunc("GET /cluster/{id}", s.cluster)
	mux.HandleFunc("GET /site/{site}", s.site)
	mux.HandleFunc("GET /network", s.network)
	mux.HandleFunc("GET /warc/{id}", s.warc)
	mux.HandleFunc("GET /static/style.css", s.style)
	mux.HandleFunc("GET /export/{file}", s.exportHits)
	mux.HandleFunc("GET /lookup", s.lookup)
	mux.HandleFunc("POST /lookup", s.lookup)
	mux.HandleFunc("GET /api/search", s.apiSearch)
	mux.HandleFunc("GET /api/lookup", s.apiLookup)
	mux.HandleFunc("POST /api/lookup", s.apiLookup)
	mux.HandleFunc("GET /api/clusters/{id}", s.apiCluster)
	mux.HandleFunc("GET /api/sites", s.apiSites)
	mux.HandleFunc("GET /api/sites/{site}", s.apiSite)
	mux.HandleFunc("GET /api/report", s.apiReport)
	mux.HandleFunc("GET /api/", func(w http.ResponseWriter, r *http.Request) {
		s.jsonError(w, http.StatusNotFound, "no such endpoint")
	})
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		s.errorPage(w, http.StatusNotFound, "There is no page at this address.")
	})
	return secure(mux, opt.AllowedHosts)
}

// hostAllowed reports whether the request's Host is an IP literal,
// localhost or one of the allowed names.
func hostAllowed(hostport string, allowed []string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if host == "localhost" || net.ParseIP(host) != nil {
		return true
	}
	for _, a := range allowed {
		if strings.EqualFold(host, a) {
			return true
		}
	}
	return false
}

// readOnlyPost are the paths that take POST: a lookup sends a text too
// long for a URL, and changes nothing either.
var readOnlyPost = map[string]bool{"/lookup": true, "/api/lookup": true}

// secure sets the security headers, refuses unknown Host names and
// anything but GET and HEAD (and POST to the lookups), since the UI never
// changes the archive.
func secure(next http.Handler, allowed []string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", CSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if r.Method != http.MethodGet && r.Method != http.MethodHead && !(r.Method == http.MethodPost && readOnlyPost[r.URL.Path]) {
			h.Set("Allow", "GET, HEAD")
			if readOnlyPost[r.URL.Path] {
				h.Set("Allow", "GET, HEAD, POST")
			}
			http.Error(w, "read-only: only GET and HEAD", http.StatusMethodNotAllowed)
			return
		}
		if !hostAllowed(r.Host, allowed) {
			http.Error(w, "unknown host name "+strconv.Quote(r.Host)+": start syndex serve with it allowed", http.StatusMisdirectedRequest)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// snapshot returns all articles, reusing a recent read.
func (s *server) snapshot() ([]*article.Article, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.artsAt.IsZero() || time.Since(s.artsAt) > s.opt.CacheTTL {
		s.arts, s.artsErr = s.b.Articles()
		s.artsAt = time.Now()
	}
	return s.arts, s.artsErr
}

func isNotFound(err error) bool {
	return errors.Is(err, ErrNotFound) || errors.Is(err, store.ErrNotFound)
}

// view is what every page template receives.
type view struct {
	Title  string
	Active string
	D      any
}

func (s *server) render(w http.ResponseWriter, status int, name, title string, d any) {
	var buf bytes.Buffer
	if err := s.pages[name].Execute(&buf, view{Title: title, Active: name, D: d}); err != nil {
		s.log.Error("render page", "page", name, "err", err)
		http.Error(w, "internal error rendering the page", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (s *server) errorPage(w http.ResponseWriter, status int, msg string) {
	s.render(w, status, "error", http.StatusText(status), struct {
		Status int
		Msg    string
	}{status, msg})
}

// fail reports a backend error: 404 for a missing record, 500 otherwise
// (logged, not shown: it may carry file paths).
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error, api bool) {
	status, msg := http.StatusInternalServerError, "The archive could not be read; see the server log."
	if isNotFound(err) {
		status, msg = http.StatusNotFound, "Nothing with this id is in the archive."
	} else {
		s.log.Error("serve", "path", r.URL.Path, "err", err)
	}
	if api {
		s.jsonError(w, status, msg)
		return
	}
	s.errorPage(w, status, msg)
}

func (s *server) style(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "max-age=3600")
	_, _ = w.Write(s.css)
}

func (s *server) writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		s.log.Error("encode json", "err", err)
		status, b = http.StatusInternalServerError, []byte(`{"error":"internal error"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

func (s *server) jsonError(w http.ResponseWriter, status int, msg string) {
	s.writeJSON(w, status, map[string]string{"error": msg})
}
