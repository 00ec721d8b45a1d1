package web

import (
	"net/http"

	"github.com/syndex/syndex/export"
	"github.com/syndex/syndex/index"
)

// exportHits streams every hit of the search in the URL (the search
// page's form) as CSV or JSONL: the search page's download links.
func (s *server) exportHits(w http.ResponseWriter, r *http.Request) {
	var format string
	switch r.PathValue("file") {
	case "search.csv":
		format = "csv"
	case "search.jsonl":
		format = "jsonl"
	default:
		s.errorPage(w, http.StatusNotFound, "Exports are /export/search.csv or /export/search.jsonl.")
		return
	}
	_, q, err := parseForm(r, s.opt.PageSize, s.opt.Collections)
	if err != nil {
		s.errorPage(w, http.StatusBadRequest, err.Error())
		return
	}
	q.Limit, q.Offset = 0, 0
	// Check the query before the headers go out: a bad query is a 400,
	// not a broken download.
	if _, err := s.b.Search(r.Context(), index.Query{Text: q.Text, Sites: q.Sites, Lang: q.Lang, From: q.From, To: q.To, Limit: 1}); err != nil {
		if badQuery(err) {
			s.errorPage(w, http.StatusBadRequest, err.Error())
			return
		}
		s.fail(w, r, err, false)
		return
	}
	w.Header().Set("Content-Type", export.ContentType(format))
	w.Header().Set("Content-Disposition", `attachment; filename="syndex-search.`+format+`"`)
	if _, err := export.Write(r.Context(), w, s.b, q, format, 0); err != nil {
		// The body has started: the download ends short; log why.
		s.log.Error("export search", "query", q.Text, "err", err)
	}
}
