package schedule

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/crawler"
	"github.com/syndex/syndex/internal/farm"
)

func TestHostsOf(t *testing.T) {
	tests := []struct {
		cfg  crawler.Config
		want []string
	}{
		{crawler.Config{Seeds: []string{"https://WWW.Example.org/a"}, Feeds: []string{"https://www.example.org/feed"}}, []string{"www.example.org", "www.example.org"}},
		{crawler.Config{Sitemaps: []string{"http://127.0.0.1:8080/sitemap.xml"}, Hosts: []string{"cdn.example"}}, []string{"127.0.0.1", "cdn.example"}},
	}
	for _, tc := range tests {
		if got := hostsOf(tc.cfg); !slices.Equal(got, tc.want) {
			t.Errorf("hostsOf(%+v) = %v, want %v", tc.cfg, got, tc.want)
		}
	}
}

// TestRunnerPollsAndReports runs two sources over the loopback farm for a
// few polls and checks the archive and the metrics they leave.
func TestRunnerPollsAndReports(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f, err := farm.Start(ctx, farm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	a, err := archive.Open(ctx, t.TempDir(), archive.Options{Log: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var sources []Source
	for _, o := range f.Outlets() {
		if o.Key != "ledger" && o.Key != "coastwire" {
			continue
		}
		sources = append(sources, Source{Name: o.Key, Poll: every(400 * time.Millisecond), Crawl: crawler.Config{
			Feeds: []string{o.Feed}, Job: "source:" + o.Key, Delay: 10 * time.Millisecond, MaxDepth: 1, AllowPrivate: true,
			DisableSitemaps: true, DisableFeeds: true, StatsFile: "-", RevisitMin: 400 * time.Millisecond, Logger: quiet()}})
	}
	r := NewRunner(a, sources, quiet())
	rctx, rcancel := context.WithTimeout(ctx, patience) // a hang detector
	defer rcancel()
	done := make(chan struct{})
	go func() {
		r.Run(rctx)
		close(done)
	}()
	// Two polls each: the second re-checks the pages of the first.
	for polled := false; !polled && rctx.Err() == nil; time.Sleep(50 * time.Millisecond) {
		polled = true
		for _, st := range r.Status() {
			polled = polled && st.Runs[Poll] >= 2
		}
	}
	hung := rctx.Err() != nil
	rcancel()
	<-done
	if hung {
		t.Fatalf("hung: after %v the sources had not each been polled twice: %+v", patience, r.Status())
	}

	srv := httptest.NewServer(r.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	text := string(body)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("metrics Content-Type %q", ct)
	}
	tests := []struct {
		re string
	}{
		{`(?m)^syndex_crawl_pages_total\{source="ledger"\} [1-9]`},
		{`(?m)^syndex_crawl_responses_total\{source="ledger",status="304"\} [1-9]`},
		{`(?m)^syndex_crawl_responses_total\{source="coastwire",status="200"\} [1-9]`},
		{`(?m)^syndex_source_runs_total\{source="coastwire",kind="poll",result="ok"\} [2-9]`},
		{`(?m)^syndex_source_running\{source="ledger"\} 0$`},
		{`(?m)^syndex_dedup_clusters [1-9]`},
		{`(?m)^syndex_index_docs [1-9]`},
		{`(?m)^# TYPE syndex_queue_depth gauge$`},
	}
	for _, tc := range tests {
		if !regexp.MustCompile(tc.re).MatchString(text) {
			t.Errorf("metrics lack %s", tc.re)
		}
	}
	for _, st := range r.Status() {
		if st.Runs[Poll] < 2 || st.LastSuccess.IsZero() || st.LastError != "" {
			t.Errorf("%s: %d polls, last success %v, last error %q", st.Name, st.Runs[Poll], st.LastSuccess, st.LastError)
		}
	}
	if resp, err := http.Get(srv.URL + "/healthz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz: %v %v", resp, err)
	}
}
