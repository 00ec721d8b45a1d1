package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/internal/daterange"
)

// Looker is the optional part of a Backend that answers "is this text a
// copy of something archived?"; *archive.Archive and *remote.Archive
// implement it. Without it the lookup page says lookups are unavailable.
type Looker interface {
	Lookup(ctx context.Context, q archive.LookupQuery) (*archive.LookupResult, error)
}

// lookupForm is the lookup page's state.
type lookupForm struct {
	Text, Site, Published, ID string
}

type lookupView struct {
	F   lookupForm
	R   *archive.LookupResult
	Err string
}

// lookupQuery reads a lookup from a request: a form (GET query or POST
// body: text, site, published, id) or, on POST, a JSON LookupQuery or a
// plain-text body.
func (s *server) lookupQuery(w http.ResponseWriter, r *http.Request) (lookupForm, archive.LookupQuery, error) {
	var f lookupForm
	var q archive.LookupQuery
	if r.Method == http.MethodPost {
		var whole bool
		var err error
		if f, q, whole, err = readLookupPost(w, r); err != nil || whole {
			return f, q, err
		}
	}
	if f.Text == "" {
		f.Text = r.FormValue("text")
	}
	f.Site, f.Published, f.ID = strings.TrimSpace(r.FormValue("site")), strings.TrimSpace(r.FormValue("published")), strings.TrimSpace(r.FormValue("id"))
	q = archive.LookupQuery{Text: f.Text, Site: f.Site, ID: f.ID}
	if err := formLimits(r, f.Published, &q); err != nil {
		return f, q, err
	}
	err := s.archivedText(&f, &q, strings.TrimSpace(r.FormValue("url")))
	return f, q, err
}

// readLookupPost reads a POST's body: a JSON LookupQuery (whole: the
// lookup is all there), a plain text, or a form (parsed for FormValue).
func readLookupPost(w http.ResponseWriter, r *http.Request) (f lookupForm, q archive.LookupQuery, whole bool, err error) {
	r.Body = http.MaxBytesReader(w, r.Body, archive.MaxLookupText+1<<16)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		if err := jsonDecode(r.Body, &q); err != nil {
			return f, q, true, fmt.Errorf("body: not a JSON lookup: %v", err)
		}
		return lookupForm{Text: q.Text, Site: q.Site, ID: q.ID}, q, true, nil
	case "text/plain":
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return f, q, false, fmt.Errorf("body: %v", err)
		}
		f.Text = string(b)
	default:
		if err := r.ParseForm(); err != nil {
			return f, q, false, fmt.Errorf("form: %v", err)
		}
	}
	return f, q, false, nil
}

// formLimits reads a lookup form's limit and publication date into q.
func formLimits(r *http.Request, published string, q *archive.LookupQuery) error {
	if l := r.FormValue("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 100 {
			return fmt.Errorf("limit: %q is not between 1 and 100", l)
		}
		q.Limit = n
	}
	if published != "" {
		t, err := daterange.From(published)
		if err != nil {
			return fmt.Errorf("published: %v", err)
		}
		q.Published = t
	}
	return nil
}

// archivedText fills a lookup without text from the archive: the article
// fetched from pageURL, or the one f names by id, is looked up by its
// own text, leaving it out.
func (s *server) archivedText(f *lookupForm, q *archive.LookupQuery, pageURL string) error {
	if pageURL != "" && f.ID == "" && strings.TrimSpace(f.Text) == "" {
		// An archived page by its address.
		at, ok := s.b.(interface {
			ArticleAt(string) (*article.Article, error)
		})
		if !ok {
			return fmt.Errorf("url: this archive cannot find articles by address; give the id")
		}
		a, err := at.ArticleAt(pageURL)
		if err != nil {
			return err
		}
		f.ID = a.ID
		q.ID = a.ID
	}
	if f.ID != "" && strings.TrimSpace(f.Text) == "" {
		// An archived article: look its own text up, leaving it out.
		a, err := s.b.Article(f.ID)
		if err != nil {
			return err
		}
		q.Text, q.Title, q.URL, q.Site, q.Published = a.Text, a.Title, a.URL, a.Site, a.Published
		f.Text, f.Site = a.Text, a.Site
	}
	return nil
}

func (s *server) lookup(w http.ResponseWriter, r *http.Request) {
	f, q, err := s.lookupQuery(w, r)
	v := lookupView{F: f}
	if err == nil && strings.TrimSpace(q.Text) == "" {
		s.render(w, http.StatusOK, "lookup", "Is it a copy?", v) // the empty form
		return
	}
	if err != nil {
		if isNotFound(err) {
			s.fail(w, r, err, false)
			return
		}
		v.Err = err.Error()
		s.render(w, http.StatusBadRequest, "lookup", "Is it a copy?", v)
		return
	}
	lk, ok := s.b.(Looker)
	if !ok {
		s.errorPage(w, http.StatusNotImplemented, "This archive cannot answer lookups.")
		return
	}
	res, err := lk.Lookup(r.Context(), q)
	if errors.Is(err, archive.ErrBadLookup) {
		v.Err = err.Error()
		s.render(w, http.StatusBadRequest, "lookup", "Is it a copy?", v)
		return
	}
	if err != nil {
		s.fail(w, r, err, false)
		return
	}
	v.R = res
	s.render(w, http.StatusOK, "lookup", "Is it a copy?", v)
}

func (s *server) apiLookup(w http.ResponseWriter, r *http.Request) {
	_, q, err := s.lookupQuery(w, r)
	if err != nil {
		if isNotFound(err) {
			s.fail(w, r, err, true)
			return
		}
		s.jsonError(w, http.StatusBadRequest, err.Error())
		return
	}
	lk, ok := s.b.(Looker)
	if !ok {
		s.jsonError(w, http.StatusNotImplemented, "this archive cannot answer lookups")
		return
	}
	res, err := lk.Lookup(r.Context(), q)
	if errors.Is(err, archive.ErrBadLookup) {
		s.jsonError(w, http.StatusBadRequest, err.Error())
		return
	}
	if err != nil {
		s.fail(w, r, err, true)
		return
	}
	s.writeJSON(w, http.StatusOK, res)
}

func jsonDecode(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
