// Package stream carries articles from crawl workers to the one archive
// of a scaled-out syndex: workers (`syndex worker`) extract the pages they
// fetch and publish the Articles to a Redis Stream (Publisher, Handler);
// a Consumer (`syndex index`, "the indexer" in the README) reads the
// stream through a consumer group, hands each batch to the archive
// (archive.Ingest: store, dedup, search index) and acknowledges only after
// the batch is stored, so a consumer that dies mid-batch loses nothing:
// its unacknowledged messages are delivered again, to itself on restart or
// to another consumer once they have been idle long enough.
//
// It does not own the shared frontier or politeness (crawler.SharedFrontier)
// and does not deduplicate or index anything itself.
package stream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/article"
	"github.com/syndex/syndex/crawler"
	"github.com/syndex/syndex/extract"
)

// Group is the consumer group Consumers read the stream with (its name,
// "indexer", is in Redis and stays).
const Group = "indexer"

// field is the stream entry field holding an Article as JSON.
const field = "article"

// Key names namespace ns's article stream (same hash tag as the
// shared frontier's keys).
func Key(ns string) string { return crawler.KeyPrefix(ns) + "articles" }

// Publisher appends Articles to a namespace's stream.
type Publisher struct {
	rdb    *redis.Client
	stream string
}

// NewPublisher publishes to namespace ns's stream over rdb.
func NewPublisher(rdb *redis.Client, ns string) *Publisher {
	return &Publisher{rdb: rdb, stream: Key(ns)}
}

// publishTries is how many times Publish tries before it gives up.
var publishTries = 4

// Publish appends a to the stream, retrying with back-off (100 ms, then
// ×4) while Redis does not answer.
func (p *Publisher) Publish(ctx context.Context, a *article.Article) error {
	b, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("encode article %s: %w", a.URL, err)
	}
	wait := 100 * time.Millisecond
	for try := 1; ; try++ {
		err = p.rdb.XAdd(ctx, &redis.XAddArgs{Stream: p.stream, Values: []any{field, b}}).Err()
		if err == nil {
			return nil
		}
		if try >= publishTries || ctx.Err() != nil {
			return fmt.Errorf("publish article %s to %s: %w", a.URL, p.stream, err)
		}
		sleep(ctx, wait)
		wait *= 4
	}
}

// Handler returns the page handler of a worker: each page is extracted
// with ex and, when it is an article, published. Extraction failures are
// logged and counted, never fatal; a publish failure is returned (the
// crawler logs it and counts a handler error).
func Handler(ex *extract.Extractor, pub *Publisher, counts *archive.PageCounts, log *slog.Logger) crawler.Handler {
	if counts == nil {
		counts = &archive.PageCounts{}
	}
	if log == nil {
		log = slog.Default()
	}
	return func(ctx context.Context, p *crawler.Page) error {
		art := archive.ArticleOf(ctx, ex, p, counts, log)
		if art == nil {
			return nil
		}
		if err := pub.Publish(ctx, art); err != nil {
			return err
		}
		counts.Articles.Add(1)
		return nil
	}
}

// IngestFunc stores a batch of Articles; (*archive.Archive).Ingest fits.
type IngestFunc func(ctx context.Context, arts []*article.Article) error

// ConsumerOptions tune a Consumer. Zero values mean the defaults.
type ConsumerOptions struct {
	Consumer string        // this consumer's name in the group (default host-pid)
	Batch    int           // messages per read and per ingest (default 100)
	Block    time.Duration // longest wait for new messages (default 1s)
	// MinIdle is how long a message delivered to another consumer must
	// sit unacknowledged before this one takes it over (default 1m).
	MinIdle time.Duration
	Logger  *slog.Logger
}

// Consumer reads a namespace's article stream into the archive.
type Consumer struct {
	rdb    *redis.Client
	stream string
	opt    ConsumerOptions
	log    *slog.Logger
}

// ConsumerStats counts what a Consumer did.
type ConsumerStats struct {
	Articles    int64 `json:"articles"`    // ingested and acknowledged
	Redelivered int64 `json:"redelivered"` // messages read again after a crash (own or another consumer's)
	Bad         int64 `json:"bad"`         // undecodable messages, acknowledged and dropped
}

// NewConsumer reads namespace ns's stream over rdb.
func NewConsumer(rdb *redis.Client, ns string, opt ConsumerOptions) *Consumer {
	if opt.Consumer == "" {
		host, _ := os.Hostname()
		opt.Consumer = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	if opt.Batch <= 0 {
		opt.Batch = 100
	}
	if opt.Block <= 0 {
		opt.Block = time.Second
	}
	if opt.MinIdle <= 0 {
		opt.MinIdle = time.Minute
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	return &Consumer{rdb: rdb, stream: Key(ns), opt: opt, log: opt.Logger}
}

// Run consumes the stream, ingesting and then acknowledging each batch:
// first the messages this consumer had read but not acknowledged (a
// restart after a crash), then messages other consumers left idle longer
// than MinIdle, then new ones. It returns when ctx is cancelled, when an
// ingest fails (the batch stays pending and is delivered again), or when
// stop is not nil, reports true, and every message has been acknowledged.
func (co *Consumer) Run(ctx context.Context, ingest IngestFunc, stop func(context.Context) (bool, error)) (ConsumerStats, error) {
	var st ConsumerStats
	err := co.rdb.XGroupCreateMkStream(ctx, co.stream, Group, "0").Err()
	if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return st, fmt.Errorf("create consumer group on %s: %w", co.stream, err)
	}
	if err := co.replayOwn(ctx, ingest, &st); err != nil {
		return st, err
	}
	// A read that fails once ctx is cancelled is no error (readErr): the
	// loop ends with ctx.
	for ctx.Err() == nil {
		done, err := co.step(ctx, ingest, stop, &st)
		if err != nil || done {
			return st, err
		}
	}
	return st, nil
}

// replayOwn ingests this consumer's own pending messages, from before a
// crash.
func (co *Consumer) replayOwn(ctx context.Context, ingest IngestFunc, st *ConsumerStats) error {
	for {
		res, err := co.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: Group, Consumer: co.opt.Consumer,
			Streams: []string{co.stream, "0"}, Count: int64(co.opt.Batch), Block: -1}).Result()
		if err != nil {
			return co.readErr(ctx, err)
		}
		if len(res) == 0 || len(res[0].Messages) == 0 {
			return nil
		}
		st.Redelivered += int64(len(res[0].Messages))
		if err := co.handle(ctx, res[0].Messages, ingest, st); err != nil {
			return err
		}
	}
}

// step ingests one batch: messages other consumers left idle longer than
// MinIdle, else new ones (without waiting once stop reports the end). It
// reports done when stop reported the end and no message is pending.
func (co *Consumer) step(ctx context.Context, ingest IngestFunc, stop func(context.Context) (bool, error), st *ConsumerStats) (bool, error) {
	msgs, _, err := co.rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{Stream: co.stream, Group: Group, Consumer: co.opt.Consumer,
		MinIdle: co.opt.MinIdle, Start: "0-0", Count: int64(co.opt.Batch)}).Result()
	if err != nil {
		return false, co.readErr(ctx, err)
	}
	if len(msgs) > 0 {
		st.Redelivered += int64(len(msgs))
		co.log.Warn("took over unacknowledged articles", "stream", co.stream, "messages", len(msgs))
		return false, co.handle(ctx, msgs, ingest, st)
	}
	finished, block, err := co.stopped(ctx, stop)
	if err != nil {
		return false, err
	}
	res, err := co.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: Group, Consumer: co.opt.Consumer,
		Streams: []string{co.stream, ">"}, Count: int64(co.opt.Batch), Block: block}).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return false, co.readErr(ctx, err)
	}
	if len(res) > 0 && len(res[0].Messages) > 0 {
		return false, co.handle(ctx, res[0].Messages, ingest, st)
	}
	if !finished {
		return false, nil
	}
	return co.drained(ctx)
}

// stopped asks stop (when set) whether the stream has ended, and returns
// how long to wait for new messages: the Block option, or not at all once
// it has ended (then what is there is drained).
func (co *Consumer) stopped(ctx context.Context, stop func(context.Context) (bool, error)) (bool, time.Duration, error) {
	if stop == nil {
		return false, co.opt.Block, nil
	}
	finished, err := stop(ctx)
	if err != nil {
		return false, 0, fmt.Errorf("consumer stop check: %w", err)
	}
	if finished {
		return true, -1, nil // no wait: drain what is there
	}
	return false, co.opt.Block, nil
}

// drained reports whether no message is pending in the group; while
// another consumer holds some, it waits until they are ours to take
// (MinIdle) or acknowledged.
func (co *Consumer) drained(ctx context.Context) (bool, error) {
	p, err := co.rdb.XPending(ctx, co.stream, Group).Result()
	if err != nil {
		return false, co.readErr(ctx, err)
	}
	if p.Count == 0 {
		return true, nil
	}
	sleep(ctx, min(co.opt.Block, co.opt.MinIdle/4+time.Millisecond))
	return false, nil
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// readErr wraps a Redis error; cancellation is not an error.
func (co *Consumer) readErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return fmt.Errorf("read %s: %w", co.stream, err)
}

// handle ingests msgs as one batch, then acknowledges and deletes them.
func (co *Consumer) handle(ctx context.Context, msgs []redis.XMessage, ingest IngestFunc, st *ConsumerStats) error {
	ids := make([]string, 0, len(msgs))
	arts := make([]*article.Article, 0, len(msgs))
	for _, m := range msgs {
		ids = append(ids, m.ID)
		raw, _ := m.Values[field].(string)
		a := new(article.Article)
		if err := json.Unmarshal([]byte(raw), a); err != nil || raw == "" {
			st.Bad++
			co.log.Error("undecodable article in stream: dropped", "stream", co.stream, "id", m.ID, "err", err)
			continue
		}
		arts = append(arts, a)
	}
	if len(arts) > 0 {
		err := ingest(ctx, arts)
		var rej *archive.RejectedError
		if errors.As(err, &rej) {
			// The others are stored; a refused article would be
			// refused again on every delivery.
			st.Bad += int64(len(rej.Errs))
			arts = arts[:len(arts)-len(rej.Errs)]
			co.log.Error("articles in stream refused by the archive: dropped", "stream", co.stream, "err", err)
		} else if err != nil {
			return fmt.Errorf("ingest %d articles from %s (%s…%s): %w", len(arts), co.stream, ids[0], ids[len(ids)-1], err)
		}
	}
	// Acknowledge even while shutting down: the batch is stored.
	bg := context.WithoutCancel(ctx)
	p := co.rdb.TxPipeline()
	p.XAck(bg, co.stream, Group, ids...)
	p.XDel(bg, co.stream, ids...)
	if _, err := p.Exec(bg); err != nil {
		return fmt.Errorf("acknowledge %d articles on %s: %w", len(ids), co.stream, err)
	}
	st.Articles += int64(len(arts))
	return nil
}
