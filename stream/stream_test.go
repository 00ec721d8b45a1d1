package stream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/crawler"
	"github.com/syndex/syndex/extract"
	"github.com/syndex/syndex/internal/farm"
	"github.com/syndex/syndex/internal/redistest"
	"github.com/syndex/syndex/store"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func client(t *testing.T) *redis.Client {
	t.Helper()
	opt, err := crawler.ParseRedisURL(redistest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// collector is an IngestFunc that records what it stored and fails the
// batches numbered in failOn (1-based), like a consumer dying mid-batch.
type collector struct {
	mu      sync.Mutex
	ids     []string
	batches int
	failOn  map[int]bool
}

var errCrash = errors.New("consumer crashed mid-batch")

func (c *collector) ingest(ctx context.Context, arts []*article.Article) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.batches++
	if c.failOn[c.batches] {
		return errCrash
	}
	for _, a := range arts {
		c.ids = append(c.ids, a.ID)
	}
	return nil
}

func always(context.Context) (bool, error) { return true, nil }

// TestConsumerRedelivery publishes articles, lets a first consumer die in
// its second batch, and checks a second one (the same consumer restarted,
// or another consumer taking over) stores every article exactly once
// after the crash and leaves nothing pending.
func TestConsumerRedelivery(t *testing.T) {
	rdb := client(t)
	for _, tc := range []struct {
		name      string
		second    string // consumer name of the second consumer
		minIdle   time.Duration
		idle      time.Duration // how long the crashed batch sits before the second consumer starts
		wantRedel int64
	}{
		{"restart", "a", time.Hour, 0, 4},
		{"takeover", "b", 50 * time.Millisecond, 100 * time.Millisecond, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			ns := redistest.Namespace(t)
			pub := NewPublisher(rdb, ns)
			const n = 10
			for i := 0; i < n; i++ {
				if err := pub.Publish(ctx, &article.Article{ID: fmt.Sprintf("a%02d", i), Text: "text"}); err != nil {
					t.Fatal(err)
				}
			}
			first := &collector{failOn: map[int]bool{2: true}}
			_, err := NewConsumer(rdb, ns, ConsumerOptions{Consumer: "a", Batch: 4, Logger: quiet()}).Run(ctx, first.ingest, always)
			if !errors.Is(err, errCrash) {
				t.Fatalf("first consumer: err = %v, want the crash", err)
			}
			if len(first.ids) != 4 {
				t.Fatalf("first consumer stored %d, want 4 (one batch)", len(first.ids))
			}
			if p, _ := rdb.XPending(ctx, Key(ns), Group).Result(); p.Count != 4 {
				t.Fatalf("pending after crash = %d, want 4", p.Count)
			}
			time.Sleep(tc.idle)
			second := &collector{}
			st, err := NewConsumer(rdb, ns, ConsumerOptions{Consumer: tc.second, Batch: 4, MinIdle: tc.minIdle, Block: 50 * time.Millisecond, Logger: quiet()}).Run(ctx, second.ingest, always)
			if err != nil {
				t.Fatal(err)
			}
			all := append(slices.Clone(first.ids), second.ids...)
			sort.Strings(all)
			var want []string
			for i := 0; i < n; i++ {
				want = append(want, fmt.Sprintf("a%02d", i))
			}
			if !slices.Equal(all, want) {
				t.Errorf("stored %v, want each of %v once", all, want)
			}
			if st.Redelivered != tc.wantRedel {
				t.Errorf("redelivered = %d, want %d", st.Redelivered, tc.wantRedel)
			}
			if l, _ := rdb.XLen(ctx, Key(ns)).Result(); l != 0 {
				t.Errorf("stream length after ack = %d, want 0", l)
			}
		})
	}
}

// TestConsumerBadMessage drops an undecodable message instead of retrying
// it for ever.
func TestConsumerBadMessage(t *testing.T) {
	rdb := client(t)
	ctx := context.Background()
	ns := redistest.Namespace(t)
	rdb.XAdd(ctx, &redis.XAddArgs{Stream: Key(ns), Values: []any{field, "{not json"}})
	NewPublisher(rdb, ns).Publish(ctx, &article.Article{ID: "good", Text: "t"})
	c := &collector{}
	st, err := NewConsumer(rdb, ns, ConsumerOptions{Logger: quiet()}).Run(ctx, c.ingest, always)
	if err != nil || st.Bad != 1 || st.Articles != 1 || !slices.Equal(c.ids, []string{"good"}) {
		t.Fatalf("stats %+v, ids %v, err %v", st, c.ids, err)
	}
}

// clusterMap maps each article URL to the URL of its cluster's original.
func clusterMap(t *testing.T, a *archive.Archive) map[string]string {
	t.Helper()
	arts, err := a.Articles()
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*article.Article{}
	for _, x := range arts {
		byID[x.ID] = x
	}
	m := map[string]string{}
	for _, x := range arts {
		orig := x.URL
		if o := byID[x.Original]; o != nil {
			orig = o.URL
		}
		m[x.URL] = orig
	}
	return m
}

// TestStreamMatchesSingleProcess crawls the demo farm once with the
// ordinary crawler and once with three workers on a shared frontier and
// one stream consumer, and compares the archives' clusters.
func TestStreamMatchesSingleProcess(t *testing.T) {
	url := redistest.URL(t)
	// A hang detector, not a measure: the crawls and the consumer end
	// by themselves, in seconds on any machine this test should pass on.
	const patience = 3 * time.Minute
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer func() {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			t.Errorf("hung: still running after %v (a crawl, a shared worker or the stream consumer)", patience)
		}
		cancel()
	}()
	f, err := farm.Start(ctx, farm.Options{BaseIP: "127.0.0.120", CrawlDelay: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const delay = 20 * time.Millisecond
	cfg := crawler.Config{Seeds: f.Seeds(), AllowPrivate: true, Delay: delay, Logger: quiet()}

	single, err := archive.Open(ctx, t.TempDir(), archive.Options{Log: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	defer single.Close()
	if _, err := single.Crawl(ctx, cfg, nil, nil); err != nil {
		t.Fatal(err)
	}
	want := clusterMap(t, single)
	copies := 0
	for u, o := range want {
		if u != o {
			copies++
		}
	}
	if copies == 0 {
		t.Fatal("the single-process run found no copies: nothing to compare")
	}
	requestsSingle := len(f.Requests())
	time.Sleep(200 * time.Millisecond) // the next run starts with fresh politeness state

	ns := redistest.Namespace(t)
	dist, err := archive.Open(ctx, t.TempDir(), archive.Options{Log: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	defer dist.Close()
	var wg sync.WaitGroup
	for w := 0; w < 3; w++ {
		fr, err := crawler.OpenShared(ctx, url, crawler.SharedOptions{Namespace: ns, Worker: fmt.Sprint("w", w), LeaseTTL: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		defer fr.Close()
		st, err := store.Open(t.TempDir(), store.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		c, err := crawler.New(cfg, st, Handler(extract.New(extract.Options{Logger: quiet()}), NewPublisher(fr.Client(), ns), nil, quiet()))
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer c.Close()
			if _, err := c.RunShared(ctx, fr); err != nil {
				t.Errorf("worker %d: %v", w, err)
			}
		}()
	}
	fr, err := crawler.OpenShared(ctx, url, crawler.SharedOptions{Namespace: ns})
	if err != nil {
		t.Fatal(err)
	}
	defer fr.Close()
	st, err := NewConsumer(fr.Client(), ns, ConsumerOptions{Block: 50 * time.Millisecond, Logger: quiet()}).Run(ctx, dist.Ingest, fr.Done)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	got := clusterMap(t, dist)
	if len(want) == 0 || st.Articles != int64(len(want)) {
		t.Errorf("indexed %d articles, single process stored %d", st.Articles, len(want))
	}
	for u, o := range want {
		if got[u] != o {
			t.Errorf("%s: original %q in the workers' run, %q in the single process", u, got[u], o)
		}
	}
	for u := range got {
		if _, ok := want[u]; !ok {
			t.Errorf("%s only in the workers' run", u)
		}
	}
	if v := f.Violations("syndex", delay); len(v) > 0 {
		t.Errorf("politeness violations: %v", v)
	}
	t.Logf("%d articles, %d requests single process, %d in the workers' run", len(want), requestsSingle, len(f.Requests())-requestsSingle)
}
