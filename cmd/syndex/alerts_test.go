package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/internal/farm"
)

// TestRunAlerts runs `syndex run` with a saved search and a watch, a
// story published and copied on the loopback news farm, and a webhook
// receiver that fails the first two attempts of every alert. Every alert
// is written once and delivered once, `syndex alerts` lists them with
// their deliveries, and a restart sends nothing again.
func TestRunAlerts(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs the binary")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f, err := farm.Start(ctx, farm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	outlets := map[string]farm.Outlet{}
	for _, o := range f.Outlets() {
		outlets[o.Key] = o
	}
	ledger, wire := outlets["ledger"], outlets["coastwire"]

	var mu sync.Mutex
	attempts, delivered := map[string]int{}, map[string]int{}
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var al struct{ ID string }
		json.Unmarshal(b, &al)
		mu.Lock()
		defer mu.Unlock()
		attempts[al.ID]++
		if attempts[al.ID] <= 2 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		delivered[r.Header.Get("Idempotency-Key")]++
	}))
	defer hook.Close()

	work := t.TempDir()
	data := filepath.Join(work, "data")
	cfg := filepath.Join(work, "syndex.yaml")
	yaml := fmt.Sprintf(`data: ./data
crawl: {delay: 50ms, max_depth: 1, allow_private: true}
sources:
  - {name: ledger, feeds: [%s], discover: false, schedule: 1s}
  - {name: coastwire, feeds: [%s], discover: false, schedule: 1s}
serve: {addr: 127.0.0.1:0}
collections:
  origins: [%s]
alerts:
  webhook: {url: %s, timeout: 3m, retries: 5, backoff: 100ms}
  rules:
    - {name: zeppelin, query: 'zeppelin +hangar'}
    - {name: ledger-copied, watch: copies, origin: [origins]}
`, ledger.Feed, wire.Feed, ledger.Site, hook.URL)
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	// The webhook's timeout is a hang detector: every attempt is answered
	// (a 503 or a 200), so a slow machine cannot turn an answer into a
	// timed-out attempt and a fourth try.
	d := startRun(t, work, "--config", cfg)
	waitFor(t, d, patience, "api.addr", func() bool {
		_, err := os.Stat(filepath.Join(data, archive.APIAddrFile))
		return err == nil
	})
	id := "zeppelin-hangar-reopens"
	if _, err := f.Publish(farm.Article{ID: id, Outlet: "ledger", Title: "Zeppelin hangar reopens as a covered market",
		Published: time.Now().Add(-time.Hour).Truncate(time.Second), Paras: []string{
			"The old zeppelin hangar on the north quay reopened on Saturday as a covered market with ninety stalls selling fish, bread and vegetables from the valley farms.",
			"The city bought the hangar in 2019 and spent four years replacing its roof and glazing; traders pay a reduced rent for the first twelve months while the market finds its customers.",
			"Market managers said more than six thousand visitors came through the doors on the opening day, and the car park on the quay was full before ten in the morning.",
		}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Syndicate(id, "coastwire", farm.KindWrapped, "", time.Now().Add(-30*time.Minute).Truncate(time.Second)); err != nil {
		t.Fatal(err)
	}
	// The original and its copy match the search; the copy is a copy of
	// an origin (so are the farm's earlier copies of the ledger: the
	// archive was empty when alerts started, so all of it is new).
	alertLines := func() []string {
		r := syndex(t, work, "alerts", "--config", cfg, "--json", "--limit", "0")
		return strings.Split(strings.TrimSpace(r.stdout), "\n")
	}
	waitFor(t, d, patience, "every alert delivered", func() bool {
		mu.Lock()
		n, zs := len(delivered), 0
		for id := range delivered {
			if strings.HasPrefix(id, "zeppelin|search|") {
				zs++
			}
		}
		mu.Unlock()
		return zs == 2 && n == len(alertLines())
	})
	if code, _ := d.stop(t); code != 0 {
		t.Fatalf("run exit %d\n%s", code, d.stderr)
	}
	r := syndex(t, work, "alerts", "--config", cfg, "--json")
	if r.code != 0 {
		t.Fatalf("alerts: exit %d: %s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	kinds := map[string]int{}
	for _, l := range lines {
		var al struct {
			Rule, Kind string
			Delivery   struct{ Status string }
			Original   *struct{ Site string }
		}
		if err := json.Unmarshal([]byte(l), &al); err != nil {
			t.Fatal(err)
		}
		kinds[al.Rule+"/"+al.Kind]++
		if al.Delivery.Status != "delivered" {
			t.Errorf("alert %s: delivery %q", l, al.Delivery.Status)
		}
		if al.Kind == "copies" && (al.Original == nil || al.Original.Site != ledger.Site) {
			t.Errorf("copies alert without its original: %s", l)
		}
	}
	if kinds["zeppelin/search"] != 2 || kinds["ledger-copied/copies"] < 1 || len(lines) != kinds["zeppelin/search"]+kinds["ledger-copied/copies"] {
		t.Errorf("alerts: %v\n%s", kinds, r.stdout)
	}
	if !strings.Contains(r.stdout, `"id":"ledger-copied|copies|`) || !strings.Contains(r.stdout, `/zeppelin-hangar-reopens","site":"`+wire.Site+`"`) {
		t.Errorf("no copies alert for the zeppelin copy on %s:\n%s", wire.Site, r.stdout)
	}
	if r := syndex(t, work, "alerts", "--config", cfg); r.code != 0 || !strings.Contains(r.stdout, "delivered (3 attempts)") {
		t.Errorf("alerts table: exit %d\n%s", r.code, r.stdout)
	}

	// A restart re-polls the feeds (the same articles come back) and
	// sends nothing again: two polls of each source (counted, not timed),
	// so that what the first brought back was evaluated before the stop.
	d = startRun(t, work, "--config", cfg)
	waitFor(t, d, patience, "two polls of both sources after the restart", func() bool {
		b, err := os.ReadFile(filepath.Join(data, archive.APIAddrFile))
		if err != nil {
			return false
		}
		_, m := httpGet(t, strings.TrimSpace(string(b))+"/metrics")
		a, _ := metricValue(m, "syndex_source_runs_total", `source="ledger"`, `kind="poll"`, `result="ok"`)
		c, _ := metricValue(m, "syndex_source_runs_total", `source="coastwire"`, `kind="poll"`, `result="ok"`)
		return a >= 2 && c >= 2
	})
	if code, _ := d.stop(t); code != 0 {
		t.Fatalf("second run exit %d\n%s", code, d.stderr)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(delivered) != len(lines) {
		t.Errorf("%d alerts delivered, %d fired", len(delivered), len(lines))
	}
	for id, n := range delivered {
		if n != 1 || attempts[id] != 3 {
			t.Errorf("%s delivered %d times in %d attempts, want once in 3", id, n, attempts[id])
		}
	}
	if after := alertLines(); len(after) != len(lines) {
		t.Errorf("%d alerts after the restart, %d before", len(after), len(lines))
	}
}

// TestCrawlAlerts checks that a crawl pass (the cron alternative to run)
// evaluates the alert rules too and delivers before it exits.
func TestCrawlAlerts(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test builds and runs the binary")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f, err := farm.Start(ctx, farm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var seeds []string
	var ledger farm.Outlet
	for _, o := range f.Outlets() {
		seeds = append(seeds, "--seed", o.BaseURL+"/")
		if o.Key == "ledger" {
			ledger = o
		}
	}
	var mu sync.Mutex
	got := map[string]int{}
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		got[r.Header.Get("Idempotency-Key")]++
	}))
	defer hook.Close()
	work := t.TempDir()
	cfg := filepath.Join(work, "syndex.yaml")
	os.WriteFile(cfg, []byte(fmt.Sprintf("alerts:\n  webhook: {url: %s}\n  rules:\n    - {name: ledger-copied, watch: copies, origin: [%s]}\n", hook.URL, ledger.Site)), 0o644)
	args := append([]string{"crawl", "--config", cfg, "--data", filepath.Join(work, "data"), "--allow-private", "--delay", "20ms", "--max-depth", "2"}, seeds...)
	r := syndex(t, work, args...)
	if r.code != 0 {
		t.Fatalf("crawl: exit %d\n%s", r.code, r.stderr)
	}
	r = syndex(t, work, "alerts", "--config", cfg, "--data", filepath.Join(work, "data"), "--json", "--limit", "0")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	mu.Lock()
	defer mu.Unlock()
	if len(lines) < 2 || len(got) != len(lines) || !strings.Contains(r.stdout, `"status":"delivered"`) {
		t.Errorf("%d alerts, %d delivered:\n%s%s", len(lines), len(got), r.stdout, r.stderr)
	}
	for id, n := range got {
		if n != 1 {
			t.Errorf("%s delivered %d times", id, n)
		}
	}
}
