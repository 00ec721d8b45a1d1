package crawler

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// SharedFrontier is a crawl frontier kept in Redis, so that several worker
// processes (on one machine or many) crawl one set of sites together
// without giving up politeness: it holds a queue per host, the SURT seen
// set, the robots.txt cache and, per host, the next time a request is
// allowed and a lease naming the one worker that may talk to the host now.
// Leases expire unless renewed, so a dead worker's host and URL go back to
// the others. All times are Redis server time, so worker clocks may differ.
//
// Every state change is one Lua script, atomic on the server. All keys of
// a namespace share one hash tag ("syndex:{ns}:…").
type SharedFrontier struct {
	rdb    *redis.Client
	ns     string
	prefix string
	worker string
	lease  time.Duration
}

// SharedOptions tune OpenShared.
type SharedOptions struct {
	// Namespace separates crawls sharing one Redis (default "default").
	Namespace string
	// Worker names this process in leases (default host-pid-random).
	Worker string
	// LeaseTTL is how long a host stays leased without renewal; a worker
	// renews every third of it while it works (default 30s).
	LeaseTTL time.Duration
}

// ErrBadRedisURL marks a frontier URL that is not redis:// or rediss://.
var ErrBadRedisURL = errors.New("bad Redis URL")

// ParseRedisURL checks a redis:// or rediss:// URL and returns client options.
func ParseRedisURL(raw string) (*redis.Options, error) {
	if !strings.HasPrefix(raw, "redis://") && !strings.HasPrefix(raw, "rediss://") {
		return nil, fmt.Errorf("frontier %q: %w: want redis://host:port[/db]", raw, ErrBadRedisURL)
	}
	opt, err := redis.ParseURL(raw)
	if err != nil {
		return nil, fmt.Errorf("frontier %q: %w: %v", raw, ErrBadRedisURL, err)
	}
	return opt, nil
}

// OpenShared connects to the Redis at redisURL and checks it answers.
func OpenShared(ctx context.Context, redisURL string, opt SharedOptions) (*SharedFrontier, error) {
	ro, err := ParseRedisURL(redisURL)
	if err != nil {
		return nil, err
	}
	if opt.Namespace == "" {
		opt.Namespace = "default"
	}
	if strings.ContainsAny(opt.Namespace, "{}") {
		return nil, fmt.Errorf("frontier namespace %q: must not contain braces", opt.Namespace)
	}
	if opt.Worker == "" {
		host, _ := os.Hostname()
		var b [4]byte
		rand.Read(b[:])
		opt.Worker = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
	}
	if opt.LeaseTTL <= 0 {
		opt.LeaseTTL = 30 * time.Second
	}
	rdb := redis.NewClient(ro)
	if err := rdb.Ping(ctx).Err(); err != nil {
		rdb.Close()
		return nil, fmt.Errorf("frontier %s: %w", ro.Addr, err)
	}
	return &SharedFrontier{rdb: rdb, ns: opt.Namespace, prefix: KeyPrefix(opt.Namespace), worker: opt.Worker, lease: opt.LeaseTTL}, nil
}

// KeyPrefix is the prefix of every Redis key of namespace ns.
func KeyPrefix(ns string) string { return "syndex:{" + ns + "}:" }

// Client returns the Redis connection (for the article stream).
func (f *SharedFrontier) Client() *redis.Client { return f.rdb }

// Namespace returns the frontier's namespace.
func (f *SharedFrontier) Namespace() string { return f.ns }

// Worker returns the name this process holds leases under.
func (f *SharedFrontier) Worker() string { return f.worker }

// Close closes the Redis connection.
func (f *SharedFrontier) Close() error { return f.rdb.Close() }

// Reset deletes the namespace's frontier state (queues, seen set, robots
// cache, politeness and leases), so the next run starts a fresh crawl.
func (f *SharedFrontier) Reset(ctx context.Context) error {
	iter := f.rdb.Scan(ctx, 0, f.prefix+"*", 500).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		return fmt.Errorf("frontier reset %s: %w", f.ns, err)
	}
	for len(keys) > 0 {
		n := min(len(keys), 500)
		if err := f.rdb.Del(ctx, keys[:n]...).Err(); err != nil {
			return fmt.Errorf("frontier reset %s: %w", f.ns, err)
		}
		keys = keys[n:]
	}
	return nil
}

// SharedStatus is a snapshot of a shared frontier.
type SharedStatus struct {
	Seen        int64 `json:"seen"`         // URLs ever queued
	HostsQueued int64 `json:"hosts_queued"` // hosts with queued URLs and no lease
	Leased      int64 `json:"leased"`       // hosts a worker is fetching from now
}

// Status reads the frontier's counters.
func (f *SharedFrontier) Status(ctx context.Context) (SharedStatus, error) {
	p := f.rdb.Pipeline()
	seen := p.SCard(ctx, f.prefix+"seen")
	ready := p.ZCard(ctx, f.prefix+"ready")
	lease := p.ZCard(ctx, f.prefix+"lease")
	if _, err := p.Exec(ctx); err != nil {
		return SharedStatus{}, fmt.Errorf("frontier status %s: %w", f.ns, err)
	}
	return SharedStatus{Seen: seen.Val(), HostsQueued: ready.Val(), Leased: lease.Val()}, nil
}

// Done reports whether the crawl is finished: it has started (some URL was
// queued), nothing is queued and no host is leased. A lease left by a dead
// worker keeps it unfinished until another worker reclaims it. (A new
// crawl in the namespace needs Reset.)
func (f *SharedFrontier) Done(ctx context.Context) (bool, error) {
	s, err := f.Status(ctx)
	return err == nil && s.Seen > 0 && s.HostsQueued == 0 && s.Leased == 0, err
}

// Lua scripts. ARGV[1] is always the key prefix; every key starts with it
// (one hash tag), so the scripts stay on one slot.
const luaNow = `
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`

// addScript queues entries not yet in the seen set: ARGV[2..] are
// quadruples (SURT key, host, entry JSON, "1" to queue at the front).
var addScript = redis.NewScript(`
local p = ARGV[1]
local n = 0
for i = 2, #ARGV, 4 do
  local key, h, e, front = ARGV[i], ARGV[i+1], ARGV[i+2], ARGV[i+3]
  if redis.call('SADD', p..'seen', key) == 1 then
    if front == '1' then
      redis.call('LPUSH', p..'q:'..h, e)
    else
      redis.call('RPUSH', p..'q:'..h, e)
    end
    n = n + 1
    if not redis.call('ZSCORE', p..'lease', h) then
      local nx = tonumber(redis.call('HGET', p..'next', h) or '0')
      redis.call('ZADD', p..'ready', 'NX', nx, h)
    end
  end
end
return n
`)

// claimScript first reclaims expired leases (their entry goes back to the
// front of the host's queue; the host rests ARGV[4] ms), then leases the
// ready host that has waited longest to worker ARGV[2] for ARGV[3] ms and
// pops its next entry. It returns {host, entry, robots JSON, reclaimed}
// or, when no host is ready, {"", ms until the next one (-1: none
// queued), leases held, reclaimed}.
var claimScript = redis.NewScript(luaNow + `
local p, worker = ARGV[1], ARGV[2]
local ttl, rest = tonumber(ARGV[3]), tonumber(ARGV[4])
local t = now()
local expired = redis.call('ZRANGEBYSCORE', p..'lease', '-inf', t)
for _, h in ipairs(expired) do
  local e = redis.call('HGET', p..'inflight', h)
  if e then redis.call('LPUSH', p..'q:'..h, e) end
  redis.call('HDEL', p..'inflight', h)
  redis.call('HDEL', p..'owner', h)
  redis.call('ZREM', p..'lease', h)
  local nx = t + rest
  redis.call('HSET', p..'next', h, nx)
  if redis.call('LLEN', p..'q:'..h) > 0 then redis.call('ZADD', p..'ready', nx, h) end
end
while true do
  local hs = redis.call('ZRANGEBYSCORE', p..'ready', '-inf', t, 'LIMIT', 0, 1)
  if #hs == 0 then break end
  local h = hs[1]
  redis.call('ZREM', p..'ready', h)
  local e = redis.call('LPOP', p..'q:'..h)
  if e then
    redis.call('HSET', p..'inflight', h, e)
    redis.call('HSET', p..'owner', h, worker)
    redis.call('ZADD', p..'lease', t + ttl, h)
    return {h, e, redis.call('HGET', p..'robots', h) or '', #expired}
  end
end
local first = redis.call('ZRANGE', p..'ready', 0, 0, 'WITHSCORES')
local wait = -1
if #first > 0 then wait = math.max(tonumber(first[2]) - t, 1) end
return {'', wait, redis.call('ZCARD', p..'lease'), #expired}
`)

// releaseScript ends worker ARGV[2]'s lease on host ARGV[3]: the next
// request may start ARGV[4] ms from now (negative: no request was made,
// keep the previous time), and ARGV[5], when not empty, goes back to the
// front of the queue. It returns 0 when the lease was no longer held.
var releaseScript = redis.NewScript(luaNow + `
local p, worker, h = ARGV[1], ARGV[2], ARGV[3]
local gap, requeue = tonumber(ARGV[4]), ARGV[5]
if redis.call('HGET', p..'owner', h) ~= worker then return 0 end
redis.call('HDEL', p..'inflight', h)
redis.call('HDEL', p..'owner', h)
redis.call('ZREM', p..'lease', h)
if requeue ~= '' then redis.call('LPUSH', p..'q:'..h, requeue) end
local nx
if gap >= 0 then
  nx = now() + gap
  redis.call('HSET', p..'next', h, nx)
else
  nx = tonumber(redis.call('HGET', p..'next', h) or '0')
end
if redis.call('LLEN', p..'q:'..h) > 0 then redis.call('ZADD', p..'ready', nx, h) end
return 1
`)

// renewScript extends worker ARGV[2]'s lease on host ARGV[3] by ARGV[4]
// ms; 0 means the lease was lost.
var renewScript = redis.NewScript(luaNow + `
local p, worker, h = ARGV[1], ARGV[2], ARGV[3]
if redis.call('HGET', p..'owner', h) ~= worker then return 0 end
redis.call('ZADD', p..'lease', now() + tonumber(ARGV[4]), h)
return 1
`)

// add queues the entries that are not in the seen set yet; discovery
// documents (sitemaps, feeds) go to the front of their host's queue.
func (f *SharedFrontier) add(ctx context.Context, es []*entry) (int, error) {
	if len(es) == 0 {
		return 0, nil
	}
	args := make([]any, 0, 1+4*len(es))
	args = append(args, f.prefix)
	for _, e := range es {
		b, err := json.Marshal(e)
		if err != nil {
			return 0, fmt.Errorf("encode entry %s: %w", e.URL, err)
		}
		front := "0"
		if e.Kind != kindPage {
			front = "1"
		}
		args = append(args, e.Key, e.Host, string(b), front)
	}
	n, err := addScript.Run(ctx, f.rdb, []string{f.prefix + "seen"}, args...).Int()
	if err != nil {
		return 0, fmt.Errorf("frontier %s: queue %d URLs: %w", f.ns, len(es), err)
	}
	return n, nil
}

// claim is a lease on one host with the entry to fetch.
type claim struct {
	host      string
	e         *entry
	robots    *sharedRobots // nil: not cached
	wait      time.Duration // when nothing was claimed: until a host is ready (-1: none queued)
	leases    int64         // when nothing was claimed: hosts leased by anyone
	reclaimed int64         // expired leases taken back in this call
}

// sharedRobots is a host's robots.txt outcome in the shared cache.
type sharedRobots struct {
	Status  int       `json:"c"`
	Body    []byte    `json:"b,omitempty"`
	Fetched time.Time `json:"t"`
	Fails   int       `json:"f,omitempty"` // consecutive unavailable fetches
}

// claimNext leases the next ready host; rest is how long a host whose
// lease expired rests before it is fetched again.
func (f *SharedFrontier) claimNext(ctx context.Context, rest time.Duration) (*claim, error) {
	res, err := claimScript.Run(ctx, f.rdb, []string{f.prefix + "lease"}, f.prefix, f.worker, f.lease.Milliseconds(), rest.Milliseconds()).Slice()
	if err != nil {
		return nil, fmt.Errorf("frontier %s: claim: %w", f.ns, err)
	}
	if len(res) != 4 {
		return nil, fmt.Errorf("frontier %s: claim: unexpected reply %v", f.ns, res)
	}
	c := &claim{reclaimed: toInt(res[3])}
	host, _ := res[0].(string)
	if host == "" {
		c.wait = time.Duration(toInt(res[1])) * time.Millisecond
		if toInt(res[1]) < 0 {
			c.wait = -1
		}
		c.leases = toInt(res[2])
		return c, nil
	}
	c.host = host
	c.e = new(entry)
	if err := json.Unmarshal([]byte(res[1].(string)), c.e); err != nil {
		// Give the lease back without the unreadable entry.
		f.release(ctx, host, -1, nil)
		return nil, fmt.Errorf("frontier %s: decode entry of %s: %w", f.ns, host, err)
	}
	if r, _ := res[2].(string); r != "" {
		c.robots = new(sharedRobots)
		if json.Unmarshal([]byte(r), c.robots) != nil {
			c.robots = nil // refetch
		}
	}
	return c, nil
}

func toInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case string:
		var n int64
		fmt.Sscan(x, &n)
		return n
	}
	return 0
}

// release ends this worker's lease on host. gap < 0 means no request was
// made (the previous next-allowed time stands); requeue, when not nil, is
// put back at the front of the host's queue. It reports whether the lease
// was still held.
func (f *SharedFrontier) release(ctx context.Context, host string, gap time.Duration, requeue *entry) (bool, error) {
	rq := ""
	if requeue != nil {
		b, err := json.Marshal(requeue)
		if err != nil {
			return false, fmt.Errorf("encode entry %s: %w", requeue.URL, err)
		}
		rq = string(b)
	}
	ms := int64(-1)
	if gap >= 0 {
		ms = gap.Milliseconds()
		if gap%time.Millisecond != 0 {
			ms++ // never round a politeness gap down
		}
	}
	n, err := releaseScript.Run(ctx, f.rdb, []string{f.prefix + "lease"}, f.prefix, f.worker, host, ms, rq).Int()
	if err != nil {
		return false, fmt.Errorf("frontier %s: release %s: %w", f.ns, host, err)
	}
	return n == 1, nil
}

// renew extends this worker's lease on host; false means it was lost.
func (f *SharedFrontier) renew(ctx context.Context, host string) (bool, error) {
	n, err := renewScript.Run(ctx, f.rdb, []string{f.prefix + "lease"}, f.prefix, f.worker, host, f.lease.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("frontier %s: renew %s: %w", f.ns, host, err)
	}
	return n == 1, nil
}

// putRobots caches a host's robots.txt outcome for every worker.
func (f *SharedFrontier) putRobots(ctx context.Context, host string, r *sharedRobots) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if err := f.rdb.HSet(ctx, f.prefix+"robots", host, b).Err(); err != nil {
		return fmt.Errorf("frontier %s: cache robots.txt of %s: %w", f.ns, host, err)
	}
	return nil
}
