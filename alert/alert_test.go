package alert

import (
	"context"
	"encoding/json"
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
	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/config"
)

const story = `The harbor authority voted on Tuesday to close the northern breakwater for eighteen months while engineers rebuild the crumbling seawall that protects the fishing fleet.

The repairs will cost an estimated forty two million dollars, most of it from a federal resilience grant awarded last spring after two winter storms tore holes in the structure.

Fishing captains said the closure would force them to use the smaller southern channel, which silts up quickly and cannot take the largest trawlers at low tide.

The authority promised to dredge the southern channel before the work begins in June and to review the schedule with the fleet every quarter.`

const other = `A new public library branch opened on Saturday in the Eastgate neighbourhood, the first new branch in the city in more than two decades.

The building, a converted textile warehouse, holds forty thousand books, a recording studio for teenagers and a rooftop reading garden planted with native grasses.

Librarians said more than three thousand people visited on the first day, many of them children who signed up for their first library card.`

var day = time.Date(2025, 3, 4, 9, 0, 0, 0, time.UTC)

func art(id, site, text string, pub time.Time) *article.Article {
	return &article.Article{ID: id, URL: "http://" + site + "/" + id, Site: site, Title: id, Text: text, Published: pub, Lang: "en"}
}

// open returns a fresh archive holding the library story.
func open(t *testing.T, dir string) *archive.Archive {
	t.Helper()
	a, err := archive.Open(context.Background(), dir, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func ingest(t *testing.T, a *archive.Archive, arts ...*article.Article) {
	t.Helper()
	if err := a.Ingest(context.Background(), arts); err != nil {
		t.Fatal(err)
	}
	if err := a.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func rules() config.AlertsConfig {
	return config.AlertsConfig{Rules: []config.AlertRule{
		{Name: "breakwater", Query: "breakwater +fleet"},
		{Name: "breakwater-on-wires", Query: "breakwater", Sites: []string{"wires"}},
		{Name: "ledger-copied", Watch: config.WatchCopies, Origin: []string{"ledger.example"}},
		{Name: "wires-copy-ledger", Watch: config.WatchCopies, Copier: []string{"@wires"}, Origin: []string{"ledger.example"}},
		{Name: "viral", Watch: config.WatchReach, Count: 2},
	}}
}

var coll = map[string][]string{"wires": {"wire.example", "relay.example"}}

func ids(as []Alert) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.ID)
	}
	return out
}

// TestEvaluate fires each kind of rule once per subject, across steps and
// a restart, and only for articles that arrive after the first start.
func TestEvaluate(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a := open(t, dir)
	defer a.Close()
	ingest(t, a, art("lib", "ledger.example", other, day)) // before alerts existed
	e, err := New(ctx, a, rules(), coll, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ingest(t, a, art("orig", "ledger.example", story, day), art("lib-copy", "wire.example", other, day.Add(time.Hour)))
	if _, err := e.Step(ctx); err != nil {
		t.Fatal(err)
	}
	// One copy on the wire: the breakwater story matches both searches
	// but only its original arrived (not on a wire site).
	got, _, err := Read(e.Path())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"breakwater|search|orig", "ledger-copied|copies|lib-copy", "wires-copy-ledger|copies|lib-copy"}
	if strings.Join(ids(got), ",") != strings.Join(want, ",") {
		t.Fatalf("alerts %v, want %v", ids(got), want)
	}
	if c := got[1]; c.Original == nil || c.Original.ID != "lib" || c.LagSeconds == nil || *c.LagSeconds != 3600 || c.Article.Site != "wire.example" {
		t.Errorf("copies alert %+v", c)
	}
	// Two copies of the breakwater story: reach 2, and the wire's copy
	// matches the wires search. Then a restart, and the same copies again
	// (a re-crawl): nothing fires twice.
	ingest(t, a, art("c1", "wire.example", "Republished.\n\n"+story, day.Add(2*time.Hour)),
		art("c2", "relay.example", story+"\n\nDonate today.", day.Add(3*time.Hour)))
	if _, err := e.Step(ctx); err != nil {
		t.Fatal(err)
	}
	e.Close()
	e, err = New(ctx, a, rules(), coll, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ingest(t, a, art("c1", "wire.example", "Republished.\n\n"+story, day.Add(2*time.Hour)))
	if _, err := e.Step(ctx); err != nil {
		t.Fatal(err)
	}
	got, _, _ = Read(e.Path())
	want = append(want, "breakwater|search|c1", "breakwater|search|c2", "breakwater-on-wires|search|c1", "breakwater-on-wires|search|c2",
		"ledger-copied|copies|c1", "ledger-copied|copies|c2", "wires-copy-ledger|copies|c1", "wires-copy-ledger|copies|c2", "viral|reach|orig")
	if strings.Join(ids(got), ",") != strings.Join(want, ",") {
		t.Errorf("alerts\n%v\nwant\n%v", ids(got), want)
	}
	for _, al := range got {
		if al.Kind == KindReach && (al.Copies != 2 || al.Count != 2 || al.Original == nil || al.Original.ID != "orig") {
			t.Errorf("reach alert %+v", al)
		}
	}
}

// TestWebhookRetries delivers through a receiver that fails the first
// attempts (503, a Retry-After, a connection dropped without an answer),
// checks that every alert arrives exactly once with its id, that a stop
// leaves undelivered alerts for the next start, and that a permanent
// refusal is not retried. No attempt depends on the clock: the webhook's
// timeout is a hang detector here (TestWebhookTimeout checks that it
// ends a hung attempt).
func TestWebhookRetries(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	attempts := map[string]int{}
	delivered := map[string]int{}
	down := true // refuse everything while true
	receiver := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var al Alert
		if err := json.Unmarshal(body, &al); err != nil || al.ID == "" || r.Header.Get("Idempotency-Key") != al.ID || r.Header.Get("Authorization") != "Bearer t" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		mu.Lock()
		attempts[al.ID]++
		n, isDown := attempts[al.ID], down
		mu.Unlock()
		switch {
		case isDown:
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		case strings.Contains(al.ID, "|refused|"):
			w.WriteHeader(http.StatusUnprocessableEntity)
			return
		case n == 1:
			w.WriteHeader(http.StatusBadGateway)
			return
		case n == 2:
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		case n == 3:
			dropConnection(t, w)
			return
		}
		mu.Lock()
		delivered[al.ID]++
		mu.Unlock()
	})
	srv := httptest.NewServer(receiver)
	defer srv.Close()
	dir := t.TempDir()
	a := open(t, dir)
	defer a.Close()
	retries := 4
	cfg := config.AlertsConfig{
		Webhook: config.WebhookConfig{URL: srv.URL, Timeout: config.Duration(patience), Backoff: config.Duration(10 * time.Millisecond),
			Retries: &retries, Headers: map[string]string{"Authorization": "Bearer t"}},
		Rules: []config.AlertRule{{Name: "ledger-copied", Watch: config.WatchCopies, Origin: []string{"ledger.example"}}},
	}
	opt := Options{Dir: dir, Interval: 10 * time.Millisecond, Client: freshConnections()}
	e, err := New(ctx, a, cfg, nil, opt)
	if err != nil {
		t.Fatal(err)
	}
	ingest(t, a, art("orig", "ledger.example", story, day), art("c1", "wire.example", "Republished.\n\n"+story, day.Add(time.Hour)))
	// The receiver is down: the first start stops with the alert queued.
	run, stop := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- e.Run(run) }()
	waitFor(t, "two attempts at c1's alert while the receiver is down", func() bool { mu.Lock(); defer mu.Unlock(); return attempts["ledger-copied|copies|c1"] >= 2 })
	stop()
	<-done
	e.Close()
	if _, del, _ := Read(e.Path()); len(del) != 0 {
		t.Fatalf("deliveries recorded while the receiver was down: %v", del)
	}
	// The receiver comes back at a new address. Closing the old one waits
	// for the requests it accepted and refuses later ones: on a loaded
	// machine a request of the stopped run may reach the handler after
	// Run returned, and must not count as an attempt of the next start.
	srv.Close()
	mu.Lock()
	down = false
	attempts = map[string]int{}
	mu.Unlock()
	srv2 := httptest.NewServer(receiver)
	defer srv2.Close()
	cfg.Webhook.URL = srv2.URL

	// The next start sends the queued alert, then a new one, each after
	// failed attempts, each once.
	e, err = New(ctx, a, cfg, nil, opt)
	if err != nil {
		t.Fatal(err)
	}
	run, stop = context.WithCancel(ctx)
	go func() { done <- e.Run(run) }()
	ingest(t, a, art("c2", "relay.example", story+"\n\nDonate today.", day.Add(2*time.Hour)))
	waitFor(t, "the receiver getting c1's and c2's alerts", func() bool { mu.Lock(); defer mu.Unlock(); return len(delivered) == 2 })
	waitFor(t, "two deliveries recorded in the alert file", func() bool { _, del, _ := Read(e.Path()); return len(del) == 2 })
	stop()
	<-done
	e.Close()
	mu.Lock()
	for id, n := range delivered {
		if n != 1 || attempts[id] != 4 {
			t.Errorf("%s: delivered %d times after %d attempts, want once after 4", id, n, attempts[id])
		}
	}
	mu.Unlock()
	_, del, _ := Read(e.Path())
	for id, d := range del {
		if d.Status != StatusDelivered || d.Attempts != 4 {
			t.Errorf("%s: %+v", id, d)
		}
	}

	// A restart delivers nothing again; a refused alert is given up.
	cfg.Rules = append(cfg.Rules, config.AlertRule{Name: "x|refused|", Watch: config.WatchCopies, Copier: []string{"relay.example"}})
	e, err = New(ctx, a, cfg, nil, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	run, stop = context.WithCancel(ctx)
	go func() { done <- e.Run(run) }()
	ingest(t, a, art("c3", "relay.example", "Shared.\n\n"+story, day.Add(3*time.Hour)))
	waitFor(t, "four outcomes recorded in the alert file (c3's alert delivered, the refused one given up)", func() bool { _, del, _ := Read(e.Path()); return len(del) == 4 })
	stop()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if delivered["ledger-copied|copies|c1"] != 1 || delivered["ledger-copied|copies|c2"] != 1 || delivered["ledger-copied|copies|c3"] != 1 {
		t.Errorf("deliveries after the restart: %v", delivered)
	}
	if n := attempts["x|refused||copies|c3"]; n != 1 {
		t.Errorf("refused alert tried %d times, want 1", n)
	}
	if _, del, _ := Read(e.Path()); del["x|refused||copies|c3"].Status != StatusFailed {
		t.Errorf("refused alert: %+v", del["x|refused||copies|c3"])
	}
}

// TestWebhookTimeout posts to a receiver that never answers: the
// webhook's timeout ends each attempt (the receiver sees the client hang
// up), and after its retries the alert is recorded as not delivered.
// Every attempt hangs, so however slow the machine only the timeout can
// end one.
func TestWebhookTimeout(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	attempts, hungUp := 0, 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // a request read to its end is canceled when the client hangs up
		mu.Lock()
		attempts++
		mu.Unlock()
		select {
		case <-r.Context().Done():
			mu.Lock()
			hungUp++
			mu.Unlock()
		case <-time.After(patience):
			t.Errorf("an attempt still open after %v: the webhook's timeout never hung up", patience)
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	a := open(t, dir)
	defer a.Close()
	retries := 1
	cfg := config.AlertsConfig{
		Webhook: config.WebhookConfig{URL: srv.URL, Timeout: config.Duration(50 * time.Millisecond), Backoff: config.Duration(10 * time.Millisecond), Retries: &retries},
		Rules:   []config.AlertRule{{Name: "ledger-copied", Watch: config.WatchCopies, Origin: []string{"ledger.example"}}},
	}
	e, err := New(ctx, a, cfg, nil, Options{Dir: dir, Interval: 10 * time.Millisecond, Client: freshConnections()})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ingest(t, a, art("orig", "ledger.example", story, day), art("c1", "wire.example", "Republished.\n\n"+story, day.Add(time.Hour)))
	run, stop := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- e.Run(run) }()
	waitFor(t, "the outcome of c1's alert in the alert file", func() bool { _, del, _ := Read(e.Path()); return len(del) == 1 })
	stop()
	<-done
	srv.Close() // waits for the handlers
	_, del, _ := Read(e.Path())
	d := del["ledger-copied|copies|c1"]
	if d.Status != StatusFailed || d.Attempts != 2 || !strings.Contains(d.Error, "deadline exceeded") {
		t.Errorf("delivery %+v, want failed after 2 attempts that timed out", d)
	}
	mu.Lock()
	defer mu.Unlock()
	if attempts != 2 || hungUp != 2 {
		t.Errorf("receiver saw %d attempts, %d ended by the client hanging up; want 2 and 2", attempts, hungUp)
	}
}

// dropConnection ends a request without an answer: the receiver closes
// the connection, and the client sees a network error.
func dropConnection(t *testing.T, w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	conn.Close()
}

// freshConnections is a client that opens a connection for every
// request, so a dropped connection is never an idle one the transport
// retries by itself (it would for a request with an Idempotency-Key).
func freshConnections() *http.Client {
	return &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
}

// patience is a hang detector, not a speed bound: far beyond what any of
// these steps takes on a loaded machine.
const patience = 3 * time.Minute

// waitFor polls cond until it holds; after patience it fails, naming what
// it waited for.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("still waiting after %v for %s", patience, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestTornAlertFile recovers from a crash in the middle of a line.
func TestTornAlertFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, DefaultFile)
	full := `{"id":"r|copies|a","rule":"r","kind":"copies","fired":"2025-01-01T00:00:00Z","article":{"id":"a"}}` + "\n"
	if err := os.WriteFile(path, []byte(full+`{"id":"r|copies|b","ru`), 0o644); err != nil {
		t.Fatal(err)
	}
	got, _, err := Read(path)
	if err != nil || len(got) != 1 {
		t.Fatalf("read torn file: %v %v", got, err)
	}
	ap, err := openAppender(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := ap.add(Alert{ID: "r|copies|c", Rule: "r", Kind: KindCopies}); err != nil {
		t.Fatal(err)
	}
	ap.close()
	got, _, err = Read(path)
	if err != nil || strings.Join(ids(got), ",") != "r|copies|a,r|copies|c" {
		t.Errorf("after append: %v %v", ids(got), err)
	}
}
