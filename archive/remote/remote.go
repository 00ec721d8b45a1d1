// Package remote reads an archive through the read API of the process
// that holds it (`syndex run`, `syndex serve`, `syndex index`): while one
// process writes an archive, the read commands and the web UI of others
// search it, list its articles and look texts up through this client
// instead of waiting for the writer's lock.
//
// The server side is archive.Archive's APIHandler; the address of a
// running API is in the archive directory's archive.APIAddrFile.
package remote

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/index"
	"github.com/syndex/syndex/store"
)

// Archive reads an archive through the read API of the process holding
// it. It offers the read methods of archive.Archive (Search, Article,
// Cluster, Articles, All, Lookup, ArticleAt), so the read commands and the
// web UI work on either.
type Archive struct {
	Dir  string // the archive directory
	Base string // the API's base URL
	hc   *http.Client
}

// Dial connects to the read API recorded in dir's archive.APIAddrFile and
// checks that it answers.
func Dial(ctx context.Context, dir string) (*Archive, error) {
	b, err := os.ReadFile(filepath.Join(dir, archive.APIAddrFile))
	if err != nil {
		return nil, fmt.Errorf("archive %s: no read API recorded: %w", dir, err)
	}
	base := strings.TrimRight(strings.TrimSpace(string(b)), "/")
	if u, err := url.Parse(base); err != nil || u.Host == "" {
		return nil, fmt.Errorf("archive %s: %s holds %q, not a URL", dir, archive.APIAddrFile, base)
	}
	r := &Archive{Dir: dir, Base: base, hc: &http.Client{Timeout: 5 * time.Minute}}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := r.get(ctx, archive.APIPrefix+"health", nil); err != nil {
		return nil, fmt.Errorf("archive %s: read API %s does not answer: %w", dir, base, err)
	}
	return r, nil
}

// get fetches path and decodes its JSON body into v (when not nil).
func (r *Archive) get(ctx context.Context, path string, v any) error {
	body, err := r.open(ctx, path)
	if err != nil {
		return err
	}
	defer body.Close()
	if v == nil {
		_, err = io.Copy(io.Discard, body)
		return err
	}
	if err := json.NewDecoder(body).Decode(v); err != nil {
		return fmt.Errorf("GET %s%s: decode: %w", r.Base, path, err)
	}
	return nil
}

// getValue fetches path and decodes its JSON body as a T.
func getValue[T any](r *Archive, path string) (*T, error) {
	var v T
	if err := r.get(context.Background(), path, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// apiError is the body of an API error.
type apiError struct {
	Error string `json:"error"`
}

// readError reads the error a failed response carries.
func readError(resp *http.Response) apiError {
	var e apiError
	_ = json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&e)
	return e
}

// open starts a GET of path; the caller closes the body.
func (r *Archive) open(ctx context.Context, path string) (io.ReadCloser, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.Base+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := r.hc.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusOK {
		return resp.Body, nil
	}
	defer resp.Body.Close()
	e := readError(resp)
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return nil, fmt.Errorf("GET %s%s: %s: %w", r.Base, path, e.Error, store.ErrNotFound)
	case resp.StatusCode == http.StatusBadRequest && strings.HasPrefix(path, archive.APIPrefix+"search"):
		return nil, fmt.Errorf("%s: %w", e.Error, index.ErrBadQuery)
	}
	return nil, fmt.Errorf("GET %s%s: HTTP %d: %s", r.Base, path, resp.StatusCode, e.Error)
}

// Search runs a query in the process holding the archive.
func (r *Archive) Search(ctx context.Context, q index.Query) (*index.Result, error) {
	b, err := json.Marshal(q)
	if err != nil {
		return nil, err
	}
	var res index.Result
	if err := r.get(ctx, archive.APIPrefix+"search?q="+url.QueryEscape(string(b)), &res); err != nil {
		return nil, err
	}
	return &res, nil
}

// Article returns one article (an error wrapping store.ErrNotFound when
// there is none).
func (r *Archive) Article(id string) (*article.Article, error) {
	return getValue[article.Article](r, archive.APIPrefix+"articles/"+url.PathEscape(id))
}

// Cluster returns the members of a cluster, original first.
func (r *Archive) Cluster(id string) ([]*article.Article, error) {
	out, err := getValue[[]*article.Article](r, archive.APIPrefix+"clusters/"+url.PathEscape(id))
	if err != nil {
		return nil, err
	}
	return *out, nil
}

// All streams every article in arrival order.
func (r *Archive) All(ctx context.Context) iter.Seq2[*article.Article, error] {
	return func(yield func(*article.Article, error) bool) {
		body, err := r.open(ctx, archive.APIPrefix+"articles")
		if err != nil {
			yield(nil, err)
			return
		}
		defer body.Close()
		dec := json.NewDecoder(bufio.NewReaderSize(body, 1<<16))
		for {
			art := new(article.Article)
			err := dec.Decode(art)
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				yield(nil, fmt.Errorf("GET %s%sarticles: %w", r.Base, archive.APIPrefix, err))
				return
			}
			if !yield(art, nil) {
				return
			}
		}
	}
}

// Articles returns every article in arrival order.
func (r *Archive) Articles() ([]*article.Article, error) {
	var out []*article.Article
	for art, err := range r.All(context.Background()) {
		if err != nil {
			return nil, err
		}
		out = append(out, art)
	}
	return out, nil
}

// Lookup runs a lookup in the process holding the archive.
func (r *Archive) Lookup(ctx context.Context, q archive.LookupQuery) (*archive.LookupResult, error) {
	body, err := json.Marshal(q)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.Base+archive.APIPrefix+"lookup", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := r.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		e := readError(resp)
		if resp.StatusCode == http.StatusBadRequest {
			return nil, fmt.Errorf("%s: %w", e.Error, archive.ErrBadLookup)
		}
		return nil, fmt.Errorf("POST %s%slookup: HTTP %d: %s", r.Base, archive.APIPrefix, resp.StatusCode, e.Error)
	}
	var res archive.LookupResult
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		return nil, fmt.Errorf("POST %s%slookup: decode: %w", r.Base, archive.APIPrefix, err)
	}
	return &res, nil
}

// ArticleAt returns the archived article fetched from rawURL (an error
// wrapping store.ErrNotFound when there is none).
func (r *Archive) ArticleAt(rawURL string) (*article.Article, error) {
	return getValue[article.Article](r, archive.APIPrefix+"article-at?url="+url.QueryEscape(rawURL))
}

// Close releases nothing: the process holding the archive owns it.
func (r *Archive) Close() error { return nil }
