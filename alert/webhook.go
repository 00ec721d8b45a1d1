package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// webhook delivers alerts one at a time, in the order they fired, each
// POSTed as JSON until the receiver answers 2xx, with a timeout per
// attempt and retries after backoff, 2×backoff, … (or the receiver's
// Retry-After); a 4xx other than 408, 425 and 429 is final. Each outcome
// is appended to the deliveries file before the next alert is sent.
type webhook struct {
	url      string
	headers  map[string]string
	timeout  time.Duration
	backoff  time.Duration
	retries  int
	client   *http.Client
	log      *slog.Logger
	record   *appender
	maxSleep time.Duration

	mu      sync.Mutex
	queue   []Alert
	wake    chan struct{}
	stopped chan struct{}
}

// enqueue adds alerts to the delivery queue.
func (w *webhook) enqueue(as ...Alert) {
	if len(as) == 0 {
		return
	}
	w.mu.Lock()
	w.queue = append(w.queue, as...)
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// pending returns the number of alerts waiting for delivery.
func (w *webhook) pending() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.queue)
}

// run delivers until ctx is done; what is left stays undelivered in the
// deliveries file and is sent after the next start.
func (w *webhook) run(ctx context.Context) {
	defer close(w.stopped)
	for {
		w.mu.Lock()
		var next *Alert
		if len(w.queue) > 0 {
			a := w.queue[0]
			next = &a
		}
		w.mu.Unlock()
		if next == nil {
			select {
			case <-ctx.Done():
				return
			case <-w.wake:
				continue
			}
		}
		d, ok := w.deliver(ctx, *next)
		if !ok {
			return // stopped mid-delivery: sent again after the next start
		}
		if err := w.record.add(d); err != nil {
			w.log.Error("alerts: cannot record a webhook delivery; stopping deliveries", "alert", d.ID, "err", err)
			return
		}
		w.mu.Lock()
		w.queue = w.queue[1:]
		w.mu.Unlock()
	}
}

// deliver sends one alert with its retries; ok is false when ctx ended
// before an outcome.
func (w *webhook) deliver(ctx context.Context, a Alert) (d Delivery, ok bool) {
	body, err := json.Marshal(a)
	if err != nil {
		return Delivery{ID: a.ID, Status: StatusFailed, At: time.Now().UTC(), Error: err.Error()}, true
	}
	wait := w.backoff
	for attempt := 1; ; attempt++ {
		retryAfter, final, err := w.post(ctx, a.ID, body)
		if err == nil {
			w.log.Info("alert delivered", "alert", a.ID, "attempts", attempt)
			return Delivery{ID: a.ID, Status: StatusDelivered, At: time.Now().UTC(), Attempts: attempt}, true
		}
		if ctx.Err() != nil {
			return Delivery{}, false
		}
		if final || attempt > w.retries {
			w.log.Warn("alert not delivered; giving up", "alert", a.ID, "attempts", attempt, "err", err)
			return Delivery{ID: a.ID, Status: StatusFailed, At: time.Now().UTC(), Attempts: attempt, Error: err.Error()}, true
		}
		sleep := w.pause(wait, retryAfter)
		w.log.Info("alert delivery failed; retrying", "alert", a.ID, "attempt", attempt, "in", sleep, "err", err)
		if !sleepCtx(ctx, sleep) {
			return Delivery{}, false
		}
		wait *= 2
	}
}

// post makes one attempt; final reports an error retrying cannot fix.
func (w *webhook) post(ctx context.Context, id string, body []byte) (retryAfter time.Duration, final bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, w.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return 0, true, err
	}
	w.setHeaders(req, id)
	resp, err := w.client.Do(req)
	if err != nil {
		return 0, false, fmt.Errorf("POST %s: %w", w.url, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	return w.outcome(resp)
}

// setHeaders sets the headers of the request posting alert id: its kind,
// the alert id (also as Idempotency-Key) and the configured headers.
func (w *webhook) setHeaders(req *http.Request, id string) {
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "syndex-alerts")
	req.Header.Set("Idempotency-Key", id)
	req.Header.Set("X-Syndex-Alert", id)
	for k, v := range w.headers {
		req.Header.Set(k, v)
	}
}

// outcome reads the answer to a post: success, an error worth retrying
// (with the wait the server asked for) or a final one.
func (w *webhook) outcome(resp *http.Response) (retryAfter time.Duration, final bool, err error) {
	switch c := resp.StatusCode; {
	case c >= 200 && c < 300:
		return 0, false, nil
	case c == http.StatusRequestTimeout || c == http.StatusTooEarly || c == http.StatusTooManyRequests || c >= 500:
		return parseRetryAfter(resp.Header.Get("Retry-After")), false, fmt.Errorf("POST %s: HTTP %d", w.url, c)
	default:
		return 0, true, fmt.Errorf("POST %s: HTTP %d", w.url, c)
	}
}

// pause is how long to wait before the next attempt: the server's
// Retry-After when it gave one, else the backoff wait, at most maxSleep.
func (w *webhook) pause(wait, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		wait = retryAfter
	}
	return min(wait, w.maxSleep)
}

// sleepCtx waits for d, and reports false when ctx ended first.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	select {
	case <-ctx.Done():
		return false
	case <-time.After(d):
		return true
	}
}

// parseRetryAfter reads seconds or an HTTP date; 0 when absent or bad.
func parseRetryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}
