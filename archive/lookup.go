package archive

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/dedup"
	"github.com/syndex/syndex/report"
	"github.com/syndex/syndex/store"
)

// LookupQuery is a text to look up: is it a copy of something archived?
// Text is required; the rest, when known, sharpens the answer: Site lets
// the site's boilerplate be discounted, Published gives the lag, ID names
// the archived article the text is (it is then left out of the matches).
type LookupQuery struct {
	Text      string    `json:"text"`
	Title     string    `json:"title,omitempty"`
	URL       string    `json:"url,omitempty"`
	Site      string    `json:"site,omitempty"`
	Published time.Time `json:"published,omitzero"`
	ID        string    `json:"id,omitempty"`
	// Limit is the most clusters returned (DefaultLookupLimit when 0).
	Limit int `json:"limit,omitempty"`
}

// DefaultLookupLimit is the number of clusters a lookup lists by default.
const DefaultLookupLimit = 5

// MaxLookupText bounds the text a lookup accepts (bytes).
const MaxLookupText = 4 << 20

// Verdicts of a lookup.
const (
	VerdictCopy     = "copy"     // the text is a copy of an archived story's original
	VerdictOriginal = "original" // the text is the original of an archived cluster (--url of an original)
	VerdictPartial  = "partial"  // it shares text with archived stories, below the copy thresholds
	VerdictNone     = "none"     // nothing archived shares its text
)

// LookupResult answers a lookup; its JSON form is the stable output of
// `syndex lookup --json` and of the lookup API.
type LookupResult struct {
	Query LookupProbe `json:"query"`
	// Verdict is copy, original, partial or none (see the constants).
	Verdict string  `json:"verdict"`
	TookMS  float64 `json:"took_ms"`
	// Matches are the clusters the text shares text with, ranked: those
	// whose original it copies first (by containment plus Jaccard against
	// the original), then the others by their best-matching member.
	Matches []LookupMatch `json:"matches"`
}

// LookupProbe describes the looked-up text.
type LookupProbe struct {
	ID        string    `json:"id,omitempty"`
	URL       string    `json:"url,omitempty"`
	Site      string    `json:"site,omitempty"`
	Title     string    `json:"title,omitempty"`
	Published time.Time `json:"published,omitzero"`
	Words     int       `json:"words"`
	// InArchive is set when the text is an archived article (ID); Cluster
	// and Role are then its current assignment.
	InArchive bool         `json:"in_archive"`
	Cluster   string       `json:"cluster,omitempty"`
	Role      article.Role `json:"role,omitempty"`
}

// LookupMatch is one archived cluster the text matches.
type LookupMatch struct {
	Rank    int    `json:"rank"`
	Cluster string `json:"cluster"`
	// Copy: by the rules dedup applies to archived articles, the text is
	// a copy of this cluster's original.
	Copy bool `json:"copy"`
	// Score ranks the matches: containment plus Jaccard of the text and
	// the original (of the best member when the text is no copy of the
	// original).
	Score float64 `json:"score"`
	// Similarity is the share of the text found in the original, as an
	// archived copy's similarity; OriginalShare the share of the
	// original's text the text carries; CopyShare the share of the
	// text that comes from the original.
	Similarity    float64 `json:"similarity"`
	OriginalShare float64 `json:"original_share"`
	CopyShare     float64 `json:"copy_share"`
	Containment   float64 `json:"containment"`
	Jaccard       float64 `json:"jaccard"`
	// SharedFeatures is the number of sampled word shingles the text and
	// the original share (the evidence behind the shares).
	SharedFeatures int `json:"shared_features"`
	// LagSeconds is the text's delay after the original, when both dates
	// are known; negative when the text claims an earlier date.
	LagSeconds *int64 `json:"lag_seconds,omitempty"`
	// Original is the cluster's original and the evidence that chose it.
	Original LookupArticle `json:"original"`
	Evidence []string      `json:"evidence"`
	// Closest is the member the text matches best when that is not the
	// original (the copy it was most likely taken from).
	Closest *LookupArticle `json:"closest,omitempty"`
	// Copies lists every archived copy in the cluster, oldest first, with
	// its similarity to the original and its lag.
	Copies []LookupArticle `json:"copies"`
}

// LookupArticle is an archived article in a lookup answer.
type LookupArticle struct {
	ID         string    `json:"id"`
	URL        string    `json:"url,omitempty"`
	Site       string    `json:"site,omitempty"`
	Title      string    `json:"title,omitempty"`
	Published  time.Time `json:"published,omitzero"`
	Similarity float64   `json:"similarity"`
	// OriginalShare, CopyShare and Via are a copy's own (see Article):
	// the share of the original it carries, the share of it that comes
	// from the original, the copy it was taken from.
	OriginalShare float64 `json:"original_share,omitempty"`
	CopyShare     float64 `json:"copy_share,omitempty"`
	Via           string  `json:"via,omitempty"`
	// LagSeconds is a copy's delay after the original.
	LagSeconds *int64 `json:"lag_seconds,omitempty"`
	// ProbeShare and DocShare, on Closest only: the share of the text
	// found in this article and of this article found in the text.
	ProbeShare float64 `json:"probe_share,omitempty"`
	DocShare   float64 `json:"doc_share,omitempty"`
	// Query marks the looked-up article itself among a cluster's copies.
	Query bool `json:"query,omitempty"`
}

// Errors of a lookup the caller got wrong; both wrap ErrBadLookup.
var (
	ErrBadLookup     = errors.New("bad lookup")
	ErrEmptyLookup   = fmt.Errorf("no text to look up: %w", ErrBadLookup)
	ErrLookupTooLong = fmt.Errorf("text too long to look up (at most %d bytes): %w", MaxLookupText, ErrBadLookup)
)

// Lookup says whether a text is a copy of something archived and of
// what. It reads the dedup index (loaded on first use when the archive was
// opened read-only) and the store; it changes nothing.
func (a *Archive) Lookup(ctx context.Context, q LookupQuery) (*LookupResult, error) {
	return lookup(ctx, a, q)
}

// lookupSource is what a lookup reads of an archive, and nothing more:
// the dedup index's answer for a probe, the members of a cluster and one
// stored article. *Archive is the one lookupSource.
type lookupSource interface {
	// lookupIndex makes sure the dedup index is loaded.
	lookupIndex(ctx context.Context) error
	// matches returns the clusters (at most limit) whose texts p's text
	// copies or overlaps, and the assignment of the archived article id
	// (in: whether there is one).
	matches(p dedup.Probe, limit int, id string) (ms []dedup.ClusterMatch, self article.Assignment, in bool)
	// Cluster returns the stored members of a cluster.
	Cluster(id string) ([]*article.Article, error)
	// stored returns the stored article id (store.ErrNotFound: none).
	stored(id string) (*article.Article, error)
}

// matches implements lookupSource.
func (a *Archive) matches(p dedup.Probe, limit int, id string) ([]dedup.ClusterMatch, article.Assignment, bool) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	ms := a.Dedup.Lookup(p, limit)
	var self article.Assignment
	in := false
	if id != "" {
		self, in = a.Dedup.Assignment(id)
	}
	return ms, self, in
}

// stored implements lookupSource.
func (a *Archive) stored(id string) (*article.Article, error) { return a.Store.Article(id) }

// lookup is Lookup on src.
func lookup(ctx context.Context, src lookupSource, q LookupQuery) (*LookupResult, error) {
	if strings.TrimSpace(q.Text) == "" {
		return nil, ErrEmptyLookup
	}
	if len(q.Text) > MaxLookupText {
		return nil, ErrLookupTooLong
	}
	if err := src.lookupIndex(ctx); err != nil {
		return nil, err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultLookupLimit
	}
	start := time.Now()
	res := &LookupResult{Query: LookupProbe{ID: q.ID, URL: q.URL, Site: q.Site, Title: q.Title,
		Published: q.Published, Words: countWords(q.Text)}, Matches: []LookupMatch{}}
	if res.Query.Site == "" && q.URL != "" {
		res.Query.Site = article.SiteOf(q.URL)
	}
	ms, self, inArchive := src.matches(dedup.Probe{Text: q.Text, Site: res.Query.Site, Exclude: q.ID}, limit, q.ID)
	if inArchive {
		res.Query.InArchive, res.Query.Cluster, res.Query.Role = true, self.Cluster, self.Role
	}
	probe := &article.Article{ID: q.ID, Published: q.Published}
	for i, m := range ms {
		lm, err := lookupMatch(src, m, probe)
		if err != nil {
			return nil, err
		}
		lm.Rank = i + 1
		res.Matches = append(res.Matches, lm)
	}
	res.Verdict = verdict(res)
	res.TookMS = float64(time.Since(start).Microseconds()) / 1000
	return res, ctx.Err()
}

// verdict sums a lookup up.
func verdict(res *LookupResult) string {
	switch {
	case res.Query.InArchive && res.Query.Role == article.RoleOriginal:
		return VerdictOriginal
	case len(res.Matches) > 0 && res.Matches[0].Copy:
		return VerdictCopy
	case len(res.Matches) > 0:
		return VerdictPartial
	}
	return VerdictNone
}

// lookupMatch fills one match with the archived articles' display data.
func lookupMatch(src lookupSource, m dedup.ClusterMatch, probe *article.Article) (LookupMatch, error) {
	to := m.ToOriginal
	lm := LookupMatch{Cluster: m.Cluster, Copy: m.Copy, Score: round4(m.Score()), Evidence: m.Evidence,
		Similarity: to.ProbeShare, OriginalShare: to.DocShare, CopyShare: to.ProbeShare,
		Containment: to.Containment, Jaccard: to.Jaccard, SharedFeatures: to.Shared, Copies: []LookupArticle{}}
	if !m.Copy {
		lm.Score = round4(m.Best.Score())
	}
	members, err := src.Cluster(m.Cluster)
	if err != nil {
		return lm, err
	}
	orig, err := clusterOriginal(src, members, m)
	if err != nil {
		return lm, err
	}
	lm.Original = lookupArticle(orig, nil)
	lm.Original.Similarity = 1
	lm.LagSeconds = report.Lag(orig, probe)
	if probe.Published.IsZero() {
		lm.LagSeconds = nil // no date given: Lag would compare fetch times
	}
	lm.addCopies(members, orig, probe, m)
	return lm, nil
}

// clusterOriginal returns the original of the cluster m names, among its
// members or, when the store lags the dedup index, read alone.
func clusterOriginal(src lookupSource, members []*article.Article, m dedup.ClusterMatch) (*article.Article, error) {
	var orig *article.Article
	for _, x := range members {
		if x.ID == m.Original {
			orig = x
		}
	}
	if orig != nil {
		return orig, nil
	}
	orig, err := src.stored(m.Original)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("lookup: original %s of cluster %s is not in the store", m.Original, m.Cluster)
	}
	return orig, err
}

// addCopies lists the cluster's other members, by date, marking the
// probe's own copy, and the copy closest to the probe when it is not the
// original.
func (lm *LookupMatch) addCopies(members []*article.Article, orig, probe *article.Article, m dedup.ClusterMatch) {
	for _, x := range members {
		if x.ID == orig.ID {
			continue
		}
		c := lookupArticle(x, orig)
		c.Query = x.ID == probe.ID && probe.ID != ""
		lm.Copies = append(lm.Copies, c)
		if x.ID == m.Best.ID && m.Best.ID != m.ToOriginal.ID {
			c := lookupArticle(x, orig)
			c.ProbeShare, c.DocShare = m.Best.ProbeShare, m.Best.DocShare
			lm.Closest = &c
		}
	}
	slices.SortStableFunc(lm.Copies, func(x, y LookupArticle) int {
		return cmp.Or(x.Published.Compare(y.Published), cmp.Compare(x.ID, y.ID))
	})
}

func lookupArticle(x, orig *article.Article) LookupArticle {
	la := LookupArticle{ID: x.ID, URL: x.URL, Site: x.Site, Title: x.Title, Published: x.Published, Similarity: x.Similarity}
	if orig != nil {
		la.OriginalShare, la.CopyShare, la.Via = x.OriginalShare, x.CopyShare, x.Via
		la.LagSeconds = report.Lag(orig, x)
	}
	return la
}

// lookupIndex makes sure the dedup index is loaded: an archive opened
// read-only loads it on the first lookup from the checkpoint and the
// articles stored after it, in memory only.
func (a *Archive) lookupIndex(ctx context.Context) error {
	a.mu.RLock()
	ready := a.Dedup != nil
	a.mu.RUnlock()
	if ready {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.Dedup != nil {
		return nil
	}
	ix, seq, err := readDedupCheckpoint(filepath.Join(a.Dir, DedupFile), *a.opt.Dedup)
	if err != nil || seq > a.Store.LastSeq() {
		if err != nil {
			a.log.Warn("dedup checkpoint unreadable; rebuilding it in memory from the store", "err", err)
		}
		ix, seq = dedup.NewClusterer(*a.opt.Dedup), 0
	}
	ix.SetTexts(a.dedupText) // the replay verifies whole texts as ingest did
	for art, err := range a.Store.Articles(seq) {
		if err != nil {
			a.log.Warn("skip unreadable article", "err", err)
			continue
		}
		ix.Add(art)
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	a.Dedup = ix
	return nil
}

// readDedupCheckpoint reads the dedup checkpoint at path and the store
// position it reflects; a missing checkpoint is an empty index at 0.
func readDedupCheckpoint(path string, cfg dedup.Config) (*dedup.Clusterer, uint64, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return dedup.NewClusterer(cfg), 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("open dedup checkpoint: %w", err)
	}
	defer f.Close()
	seq, ix, err := ReadCheckpoint(f, cfg)
	if err != nil {
		return nil, 0, fmt.Errorf("read dedup checkpoint %s: %w", path, err)
	}
	return ix, seq, nil
}

// ArticleAt returns the archived article fetched from rawURL, trying the
// usual spellings of one address (scheme, "www.", a trailing slash).
func (a *Archive) ArticleAt(rawURL string) (*article.Article, error) {
	for _, u := range urlVariants(rawURL) {
		art, err := a.Store.ArticleByURL(u)
		if err == nil {
			return art, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
	}
	if art, err := a.Store.Article(article.IDFor(rawURL)); err == nil {
		return art, nil
	}
	return nil, fmt.Errorf("no article fetched from %s in the archive: %w", rawURL, store.ErrNotFound)
}

// urlVariants lists rawURL and its spellings with the other scheme, with
// and without "www." and a trailing slash.
func urlVariants(rawURL string) []string {
	u := strings.TrimSpace(rawURL)
	out := []string{u}
	rest, ok := strings.CutPrefix(u, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(u, "http://"); !ok {
			return out
		}
	}
	var hosts []string
	if r, ok := strings.CutPrefix(rest, "www."); ok {
		hosts = []string{rest, r}
	} else {
		hosts = []string{rest, "www." + rest}
	}
	for _, h := range hosts {
		for _, v := range []string{h, strings.TrimSuffix(h, "/"), h + "/"} {
			for _, s := range []string{"https://", "http://"} {
				if c := s + v; !slices.Contains(out, c) && !strings.HasSuffix(v, "//") {
					out = append(out, c)
				}
			}
		}
	}
	return out
}

func countWords(s string) int {
	n, in := 0, false
	for _, r := range s {
		w := unicode.IsLetter(r) || unicode.IsDigit(r)
		if w && !in {
			n++
		}
		in = w
	}
	return n
}

func round4(x float64) float64 { return float64(int64(x*1e4+0.5)) / 1e4 }

// apiLookup answers POST APIPrefix+"lookup": a LookupQuery as JSON in the
// body, the LookupResult back.
func (a *Archive) apiLookup(w http.ResponseWriter, r *http.Request) {
	var q LookupQuery
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxLookupText+1<<16))
	if err := dec.Decode(&q); err != nil {
		apiError(w, http.StatusBadRequest, "body: not a JSON lookup: "+err.Error())
		return
	}
	res, err := a.Lookup(r.Context(), q)
	if errors.Is(err, ErrBadLookup) {
		apiError(w, http.StatusBadRequest, err.Error())
		return
	}
	if err != nil {
		apiError(w, http.StatusInternalServerError, err.Error())
		return
	}
	apiJSON(w, res)
}

// apiArticleAt answers GET APIPrefix+"article-at?url=U": the archived
// article fetched from U.
func (a *Archive) apiArticleAt(w http.ResponseWriter, r *http.Request) {
	art, err := a.ArticleAt(r.URL.Query().Get("url"))
	switch {
	case errors.Is(err, store.ErrNotFound):
		apiError(w, http.StatusNotFound, err.Error())
	case err != nil:
		apiError(w, http.StatusInternalServerError, err.Error())
	default:
		apiJSON(w, art)
	}
}
