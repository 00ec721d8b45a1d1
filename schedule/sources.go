package schedule

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/crawler"
	"github.com/syndex/syndex/internal/metrics"
	"github.com/syndex/syndex/store"
)

// Source is one configured source as the runner crawls it.
type Source struct {
	Name    string
	Crawl   crawler.Config // seeds, feeds, sitemaps, scope, politeness; Job names its frontier
	Poll    Timer
	Recrawl Timer
}

// Runner crawls sources into an archive on their schedules and keeps the
// totals behind /metrics.
type Runner struct {
	a       *archive.Archive
	sources []Source
	log     *slog.Logger
	sched   *Scheduler
	started time.Time

	mu     sync.Mutex
	totals map[string]*totals
}

// totals are a source's figures over every finished run, plus the live
// figures of the run in progress.
type totals struct {
	stats    crawler.Stats // summed over finished runs (Status merged)
	articles int64
	live     *crawler.Crawler
	counts   *archive.PageCounts
}

// NewRunner prepares the jobs for sources over a; log may be nil.
func NewRunner(a *archive.Archive, sources []Source, log *slog.Logger) *Runner {
	if log == nil {
		log = slog.Default()
	}
	r := &Runner{a: a, sources: sources, log: log, totals: map[string]*totals{}}
	var jobs []Job
	for _, src := range sources {
		r.totals[src.Name] = &totals{stats: crawler.Stats{Status: map[string]int64{}}}
		jobs = append(jobs, Job{
			Name:    src.Name,
			Poll:    src.Poll,
			Recrawl: src.Recrawl,
			Locks:   hostsOf(src.Crawl),
			Run: func(ctx context.Context, kind Kind) error {
				return r.crawl(ctx, src, kind)
			},
		})
	}
	r.sched = New(jobs, log)
	return r
}

// hostsOf lists the hosts a source starts from; sources that share one
// take turns, so that per-host politeness holds across sources.
func hostsOf(cfg crawler.Config) []string {
	var out []string
	for _, l := range [][]string{cfg.Seeds, cfg.Feeds, cfg.Sitemaps, cfg.Hosts} {
		for _, raw := range l {
			if u, err := crawler.Canonicalize(raw); err == nil {
				out = append(out, u.Hostname())
			} else if raw != "" {
				out = append(out, raw)
			}
		}
	}
	return out
}

// Run crawls every source on its schedule until ctx is done and the runs
// in flight have stopped.
func (r *Runner) Run(ctx context.Context) error {
	r.started = time.Now()
	return r.sched.Run(ctx)
}

// Status returns the scheduler's view of each source.
func (r *Runner) Status() []Status { return r.sched.Status() }

// crawl is one run of src.
func (r *Runner) crawl(ctx context.Context, src Source, kind Kind) error {
	cfg := src.Crawl
	cfg.Recrawl = kind == Recrawl
	t := r.totals[src.Name]
	counts := &archive.PageCounts{}
	st, err := r.a.Crawl(ctx, cfg, counts, func(c *crawler.Crawler) {
		r.mu.Lock()
		t.live, t.counts = c, counts
		r.mu.Unlock()
	})
	r.mu.Lock()
	if t.live != nil {
		if cerr := t.live.Close(); cerr != nil {
			r.log.Warn("close crawler", "source", src.Name, "err", cerr)
		}
	}
	add(&t.stats, st)
	t.articles += counts.Articles.Load()
	t.live, t.counts = nil, nil
	r.mu.Unlock()
	r.log.Info("source crawled", "source", src.Name, "kind", kind, "pages", st.Pages, "requests", st.Requests,
		"not_modified", st.Status["304"], "articles", counts.Articles.Load(), "errors", st.Errors, "queued", st.Queue)
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		return fmt.Errorf("source %s: %w", src.Name, err)
	}
	return nil
}

// add sums the counters of s into into.
func add(into *crawler.Stats, s crawler.Stats) {
	into.Pages += s.Pages
	into.Requests += s.Requests
	into.Bytes += s.Bytes
	into.Errors += s.Errors
	into.Revisits += s.Revisits
	into.Feeds += s.Feeds
	into.Sitemaps += s.Sitemaps
	for k, v := range s.Status {
		into.Status[k] += v
	}
}

// snapshot returns a source's totals including its live run.
func (r *Runner) snapshot(name string) (crawler.Stats, int64) {
	r.mu.Lock()
	t := r.totals[name]
	s := t.stats
	s.Status = map[string]int64{}
	for k, v := range t.stats.Status {
		s.Status[k] = v
	}
	arts := t.articles
	live, counts := t.live, t.counts
	r.mu.Unlock()
	if live != nil {
		add(&s, live.Stats())
		arts += counts.Articles.Load()
	}
	return s, arts
}

// Handler serves /metrics (Prometheus text format) and /healthz.
func (r *Runner) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", metrics.ContentType)
		if err := r.WriteMetrics(req.Context(), w); err != nil {
			r.log.Warn("metrics", "err", err)
		}
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if _, err := r.a.Store.Article("\x00healthz"); err != nil && !errors.Is(err, store.ErrNotFound) {
			http.Error(w, "archive unreadable: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintf(w, "ok: %d sources, up %s\n", len(r.sources), time.Since(r.started).Round(time.Second))
	})
	return mux
}

// WriteMetrics writes every metric in the Prometheus text format.
func (r *Runner) WriteMetrics(ctx context.Context, w io.Writer) error {
	m := metrics.NewWriter(w)
	status := r.Status()
	snaps := make([]crawler.Stats, len(r.sources))
	arts := make([]int64, len(r.sources))
	for i, src := range r.sources {
		snaps[i], arts[i] = r.snapshot(src.Name)
	}
	r.writeCrawlMetrics(m, snaps, arts)
	r.writeQueueDepth(m)
	writeSourceMetrics(m, status)
	r.writeArchiveMetrics(ctx, m)
	return m.Flush()
}

// writeCrawlMetrics writes each source's crawl counters (snaps) and
// articles ingested (arts), in the order of the sources.
func (r *Runner) writeCrawlMetrics(m *metrics.Writer, snaps []crawler.Stats, arts []int64) {
	counter := func(name, help string) { m.Family(name, "counter", help) }
	perSource := []struct {
		name, help string
		value      func(crawler.Stats) int64
	}{
		{"syndex_crawl_pages_total", "HTML pages fetched and handed to extraction.", func(s crawler.Stats) int64 { return s.Pages }},
		{"syndex_crawl_requests_total", "HTTP requests made, robots.txt included.", func(s crawler.Stats) int64 { return s.Requests }},
		{"syndex_crawl_bytes_total", "Response bytes received.", func(s crawler.Stats) int64 { return s.Bytes }},
		{"syndex_crawl_errors_total", "URLs that failed for good (after retries), by source.", func(s crawler.Stats) int64 { return s.Errors }},
		{"syndex_crawl_unchanged_total", "Re-checks answered 304 or with an identical payload.", func(s crawler.Stats) int64 { return s.Revisits }},
	}
	for _, f := range perSource {
		counter(f.name, f.help)
		for i, src := range r.sources {
			m.Sample(f.name, float64(f.value(snaps[i])), "source", src.Name)
		}
	}
	counter("syndex_crawl_responses_total", "HTTP responses by status code (304: conditional re-check found no change).")
	for i, src := range r.sources {
		s := snaps[i]
		codes := make([]string, 0, len(s.Status))
		for c := range s.Status {
			codes = append(codes, c)
		}
		sort.Strings(codes)
		for _, c := range codes {
			m.Sample("syndex_crawl_responses_total", float64(s.Status[c]), "source", src.Name, "status", c)
		}
	}
	counter("syndex_articles_ingested_total", "New or changed articles extracted, deduplicated and indexed.")
	for i, src := range r.sources {
		m.Sample("syndex_articles_ingested_total", float64(arts[i]), "source", src.Name)
	}
}

// writeQueueDepth writes the URLs queued in each source's frontier, by
// host.
func (r *Runner) writeQueueDepth(m *metrics.Writer) {
	m.Family("syndex_queue_depth", "gauge", "URLs queued in a source's frontier, by host.")
	for _, src := range r.sources {
		depth, err := crawler.QueueDepth(r.a.Store.DB(), src.Crawl.Job)
		if err != nil {
			r.log.Warn("metrics: queue depth", "source", src.Name, "err", err)
			continue
		}
		hosts := slices.Sorted(func(yield func(string) bool) {
			for h := range depth {
				if !yield(h) {
					return
				}
			}
		})
		for _, h := range hosts {
			m.Sample("syndex_queue_depth", float64(depth[h]), "source", src.Name, "host", h)
		}
	}
}

// writeSourceMetrics writes each source's runs, state and times.
func writeSourceMetrics(m *metrics.Writer, status []Status) {
	counter := func(name, help string) { m.Family(name, "counter", help) }
	gauge := func(name, help string) { m.Family(name, "gauge", help) }
	counter("syndex_source_runs_total", "Runs by source, kind (poll, recrawl) and result.")
	for _, st := range status {
		for _, k := range []Kind{Poll, Recrawl} {
			m.Sample("syndex_source_runs_total", float64(st.Runs[k]-st.Failures[k]), "source", st.Name, "kind", string(k), "result", "ok")
			m.Sample("syndex_source_runs_total", float64(st.Failures[k]), "source", st.Name, "kind", string(k), "result", "error")
		}
	}
	gauge("syndex_source_running", "1 while a source's run is in progress.")
	for _, st := range status {
		m.Sample("syndex_source_running", b2f(st.Running), "source", st.Name)
	}
	gauge("syndex_source_last_success_timestamp_seconds", "End of the source's last successful run (Unix time, 0 if none).")
	for _, st := range status {
		m.Sample("syndex_source_last_success_timestamp_seconds", unix(st.LastSuccess), "source", st.Name)
	}
	gauge("syndex_source_last_run_duration_seconds", "Duration of the source's last finished run.")
	for _, st := range status {
		m.Sample("syndex_source_last_run_duration_seconds", st.LastDuration.Seconds(), "source", st.Name)
	}
	gauge("syndex_source_next_run_timestamp_seconds", "When the source's next run is due (Unix time).")
	for _, st := range status {
		m.Sample("syndex_source_next_run_timestamp_seconds", unix(st.NextRun), "source", st.Name)
	}
}

// writeArchiveMetrics writes the archive's sizes and the start time.
func (r *Runner) writeArchiveMetrics(ctx context.Context, m *metrics.Writer) {
	gauge := func(name, help string) { m.Family(name, "gauge", help) }
	sz, err := r.a.Sizes(ctx)
	if err != nil {
		r.log.Warn("metrics: archive sizes", "err", err)
	}
	gauge("syndex_archive_articles", "Articles in the archive's store.")
	m.Sample("syndex_archive_articles", float64(sz.Articles))
	gauge("syndex_index_docs", "Stories in the search index (one per cluster or unique article).")
	m.Sample("syndex_index_docs", float64(sz.Stories))
	gauge("syndex_dedup_clusters", "Stories with at least one syndicated copy.")
	m.Sample("syndex_dedup_clusters", float64(sz.Syndicated))
	gauge("syndex_dedup_documents", "Documents in the near-duplicate index.")
	m.Sample("syndex_dedup_documents", float64(sz.DedupDocs))
	gauge("syndex_start_time_seconds", "When this process started scheduling (Unix time).")
	m.Sample("syndex_start_time_seconds", unix(r.started))
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func unix(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.UnixNano()) / 1e9
}
