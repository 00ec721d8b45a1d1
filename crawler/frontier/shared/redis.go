// Package shared is the crawl frontier kept in Redis, for several
// workers crawling one set of sites together (crawler.RunShared): the
// queues, seen set, robots.txt cache, validators, per-host timing,
// failure counts, leases and page budgets live in Redis, changed by Lua
// scripts atomic on the server. Frontier is the namespace; Run is one
// worker's run on it, which implements frontier.Frontier and passes the
// conformance suite of crawler/frontier/frontiertest.
package shared

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/syndex/syndex/crawler/frontier"
)

// Frontier is a crawl frontier kept in Redis, so that several worker
// processes (on one machine or many) crawl one set of sites together
// without giving up politeness: it holds a queue per host, the SURT seen
// set, the robots.txt cache and, per host, the next time a request is
// allowed and a lease naming the one worker that may talk to the host now.
// Leases expire unless renewed, so a dead worker's host and URL go back to
// the others. All times are Redis server time, so worker clocks may differ.
//
// Every state change is one Lua script, atomic on the server. All keys of
// a namespace share one hash tag ("syndex:{ns}:…").
type Frontier struct {
	rdb    *goredis.Client
	ns     string
	prefix string
	worker string
	lease  time.Duration
	// conds holds the validators of the entries this process is fetching
	// (SURT → *condRec), for the WARC writer's revisit records.
	conds sync.Map
}

// Options tune Open.
type Options struct {
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
func ParseRedisURL(raw string) (*goredis.Options, error) {
	if !strings.HasPrefix(raw, "redis://") && !strings.HasPrefix(raw, "rediss://") {
		return nil, fmt.Errorf("frontier %q: %w: want redis://host:port[/db]", raw, ErrBadRedisURL)
	}
	opt, err := goredis.ParseURL(raw)
	if err != nil {
		return nil, fmt.Errorf("frontier %q: %w: %v", raw, ErrBadRedisURL, err)
	}
	return opt, nil
}

// Open connects to the Redis at redisURL and checks it answers.
func Open(ctx context.Context, redisURL string, opt Options) (*Frontier, error) {
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
	rdb := goredis.NewClient(ro)
	if err := rdb.Ping(ctx).Err(); err != nil {
		rdb.Close()
		return nil, fmt.Errorf("frontier %s: %w", ro.Addr, err)
	}
	return &Frontier{rdb: rdb, ns: opt.Namespace, prefix: KeyPrefix(opt.Namespace), worker: opt.Worker, lease: opt.LeaseTTL}, nil
}

// KeyPrefix is the prefix of every Redis key of namespace ns.
func KeyPrefix(ns string) string { return "syndex:{" + ns + "}:" }

// Client returns the Redis connection (for the article stream).
func (f *Frontier) Client() *goredis.Client { return f.rdb }

// Namespace returns the frontier's namespace.
func (f *Frontier) Namespace() string { return f.ns }

// Worker returns the name this process holds leases under.
func (f *Frontier) Worker() string { return f.worker }

// Close closes the Redis connection.
func (f *Frontier) Close() error { return f.rdb.Close() }

// Reset deletes the namespace's frontier state (queues, seen set, robots
// cache, politeness and leases), so the next run starts a fresh crawl.
func (f *Frontier) Reset(ctx context.Context) error {
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

// Status is a snapshot of a shared frontier.
type Status struct {
	Seen        int64 `json:"seen"`         // URLs ever queued
	HostsQueued int64 `json:"hosts_queued"` // hosts with queued URLs and no lease
	Leased      int64 `json:"leased"`       // hosts a worker is fetching from now
	Later       int64 `json:"later"`        // hosts left for the next run (not ready within MaxWait)
	OverBudget  int64 `json:"over_budget"`  // hosts whose next page is over a page budget this run
	Pages       int64 `json:"pages"`        // pages claimed in this run, all workers together
	Pass        int64 `json:"pass"`         // crawl pass (0 before the first run)
}

// Status reads the frontier's counters.
func (f *Frontier) Status(ctx context.Context) (Status, error) {
	p := f.rdb.Pipeline()
	seen := p.SCard(ctx, f.prefix+"seen")
	ready := p.ZCard(ctx, f.prefix+"ready")
	lease := p.ZCard(ctx, f.prefix+"lease")
	later := p.ZCard(ctx, f.prefix+"later")
	over := p.SCard(ctx, f.prefix+"over")
	pages := p.Get(ctx, f.prefix+"pages")
	pass := p.Get(ctx, f.prefix+"pass")
	if _, err := p.Exec(ctx); err != nil && !errors.Is(err, goredis.Nil) {
		return Status{}, fmt.Errorf("frontier status %s: %w", f.ns, err)
	}
	n, _ := pages.Int64()
	ps, _ := pass.Int64()
	return Status{Seen: seen.Val(), HostsQueued: ready.Val(), Leased: lease.Val(), Later: later.Val(), OverBudget: over.Val(), Pages: n, Pass: ps}, nil
}

// Done reports whether the crawl run is finished: it has started (some URL
// was queued), no host is ready and no host is leased. Hosts left for the
// next run (MaxWait) or held back by a page budget do not count: the next
// run takes them up. A lease left by a dead worker keeps it unfinished
// until another worker reclaims it. The next run after a finished
// pass starts a new pass (seeds, feeds and sitemaps fetched again with
// conditional GET); Reset forgets everything instead.
func (f *Frontier) Done(ctx context.Context) (bool, error) {
	s, err := f.Status(ctx)
	return err == nil && s.Seen > 0 && s.HostsQueued == 0 && s.Leased == 0, err
}

// Lua scripts. ARGV[1] is always the key prefix; every key starts with it
// (one hash tag), so the scripts stay on one slot.
//
// Keys besides the queues (q:<host>): seen (SURT set), rv (SURT → pass a
// re-fetchable entry was last queued in), pass, ready (host → next allowed
// ms), lease (host → lease expiry), inflight / owner (host → entry /
// worker), next (host → next allowed ms), robots (host → robots.txt),
// cond (SURT → validators), pages (pages claimed this run), hpages (host →
// pages claimed this run), over (hosts whose next page is over a budget),
// later (host → next allowed ms, for hosts left for the next run because
// they will not be ready within MaxWait), fails (host → consecutive
// failures), workers (worker → heartbeat expiry: claims and lease renewals
// keep a running worker in it for a lease TTL).
const luaNow = `
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`

// luaAdd defines addAll(p, first): it queues the entries of ARGV[first..]
// (quintuples: SURT key, host, entry JSON, "1" to queue at the front, "1"
// when the entry is fetched again in each pass) that are not in the seen
// set, or that are re-fetchable and not yet queued in this pass.
const luaAdd = `
local function addAll(p, first)
  local pass = tonumber(redis.call('GET', p..'pass') or '1')
  local n = 0
  for i = first, #ARGV, 5 do
    local key, h, e, front, rv = ARGV[i], ARGV[i+1], ARGV[i+2], ARGV[i+3], ARGV[i+4]
    local fresh = redis.call('SADD', p..'seen', key) == 1
    if not fresh and rv == '1' then
      -- Queued again once per pass; a URL first seen as a plain link (no
      -- pass recorded) counts as queued in this pass.
      local last = redis.call('HGET', p..'rv', key)
      if not last then
        redis.call('HSET', p..'rv', key, pass)
      else
        fresh = tonumber(last) < pass
      end
    end
    if fresh then
      if rv == '1' then redis.call('HSET', p..'rv', key, pass) end
      if front == '1' then
        redis.call('LPUSH', p..'q:'..h, e)
      else
        redis.call('RPUSH', p..'q:'..h, e)
      end
      n = n + 1
      if not redis.call('ZSCORE', p..'lease', h) and not redis.call('ZSCORE', p..'later', h) then
        local nx = tonumber(redis.call('HGET', p..'next', h) or '0')
        redis.call('ZADD', p..'ready', 'NX', nx, h)
      end
    end
  end
  return n
end
`

// luaRefund defines refund(p, h, e): an entry that was claimed but not
// handled gives its page back to the budgets, and hosts held back by the
// global budget may try again.
const luaRefund = `
local function isPage(e)
  local ok, d = pcall(cjson.decode, e)
  return ok and (d.t == nil or d.t == 0)
end
local function refund(p, h, e)
  if not isPage(e) then return end
  if tonumber(redis.call('GET', p..'pages') or '0') > 0 then redis.call('DECR', p..'pages') end
  if tonumber(redis.call('HGET', p..'hpages', h) or '0') > 0 then redis.call('HINCRBY', p..'hpages', h, -1) end
  for _, o in ipairs(redis.call('SMEMBERS', p..'over')) do
    redis.call('ZADD', p..'ready', 'NX', tonumber(redis.call('HGET', p..'next', o) or '0'), o)
  end
  redis.call('DEL', p..'over')
end
`

// luaLimits defines admits(maxPages, maxHost, pages, onHost), the page
// budgets of frontier.Limits.Admits: the claim script must apply them
// atomically across workers, inside Redis, so the rule is written in Lua
// too, and TestLimitsLua holds the two equal over one table of cases.
// MaxWait (frontier.Limits.LeftForNextRun) is the claim script's range
// query on the ready set (scores beyond now + maxWait, when maxWait > 0),
// held equal by the conformance suite's WaitTable and LeftForNextRun.
const luaLimits = `
local function admits(maxPages, maxHost, pages, onHost)
  return (maxPages <= 0 or pages < maxPages) and (maxHost <= 0 or onHost < maxHost)
end
`

// addScript queues entries (see luaAdd) from ARGV[2].
var addScript = goredis.NewScript(luaAdd + `
return addAll(ARGV[1], 2)
`)

// startScript begins the run of worker ARGV[2] (heartbeat ARGV[3] ms).
// When no other worker is alive and no host is leased, a new run of the
// workers starts: the page budgets are reset
// and hosts left for the next run or held back by a budget are ready
// again; when moreover nothing is queued, the previous pass is complete
// and a new pass starts, in which seeds, feeds and sitemaps are fetched
// again. Then it queues the seeds (see luaAdd) from ARGV[4]. It returns
// {pass, new run (0/1), new pass (0/1), entries queued}.
var startScript = goredis.NewScript(luaNow + luaAdd + `
local p, worker, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3])
local t = now()
local run, newPass = 0, 0
redis.call('ZREMRANGEBYSCORE', p..'workers', '-inf', t)
redis.call('ZREM', p..'workers', worker)
local alive = redis.call('ZCARD', p..'workers')
redis.call('ZADD', p..'workers', t + ttl, worker)
if alive == 0 and redis.call('ZCARD', p..'lease') == 0 then
  run = 1
  local idle = redis.call('ZCARD', p..'ready') == 0 and redis.call('ZCARD', p..'later') == 0 and redis.call('SCARD', p..'over') == 0
  local later = redis.call('ZRANGE', p..'later', 0, -1, 'WITHSCORES')
  for i = 1, #later, 2 do redis.call('ZADD', p..'ready', tonumber(later[i+1]), later[i]) end
  for _, h in ipairs(redis.call('SMEMBERS', p..'over')) do
    redis.call('ZADD', p..'ready', 'NX', tonumber(redis.call('HGET', p..'next', h) or '0'), h)
  end
  redis.call('DEL', p..'later', p..'over', p..'pages', p..'hpages')
  if not redis.call('GET', p..'pass') then
    redis.call('SET', p..'pass', 1)
  elseif idle and redis.call('SCARD', p..'seen') > 0 then
    redis.call('INCR', p..'pass')
    newPass = 1
  end
end
local n = addAll(p, 4)
return {tonumber(redis.call('GET', p..'pass') or '1'), run, newPass, n}
`)

// claimScript first reclaims expired leases (their entry goes back to the
// front of the host's queue, its page back to the budgets; the host rests
// ARGV[4] ms), moves hosts not ready within ARGV[5] ms (0: no limit) to
// the hosts left for the next run, then leases the ready host that has
// waited longest to worker ARGV[2] for ARGV[3] ms and pops its next entry.
// A page is only popped while fewer than ARGV[6] pages (0: no limit) were
// claimed in this run and fewer than ARGV[7] on its host; a host whose
// next entry is over a budget is held back. It returns {host, entry,
// robots JSON, reclaimed, the host's consecutive failures} or, when no
// host is ready, {"", ms until the next one (-1: none queued), leases
// held, reclaimed}.
var claimScript = goredis.NewScript(luaNow + luaRefund + luaLimits + `
local p, worker = ARGV[1], ARGV[2]
local ttl, rest = tonumber(ARGV[3]), tonumber(ARGV[4])
local maxWait, maxPages, maxHost = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local t = now()
redis.call('ZADD', p..'workers', t + ttl, worker)
local expired = redis.call('ZRANGEBYSCORE', p..'lease', '-inf', t)
for _, h in ipairs(expired) do
  local e = redis.call('HGET', p..'inflight', h)
  if e then
    redis.call('LPUSH', p..'q:'..h, e)
    refund(p, h, e)
  end
  redis.call('HDEL', p..'inflight', h)
  redis.call('HDEL', p..'owner', h)
  redis.call('ZREM', p..'lease', h)
  local nx = t + rest
  redis.call('HSET', p..'next', h, nx)
  if redis.call('LLEN', p..'q:'..h) > 0 then redis.call('ZADD', p..'ready', nx, h) end
end
if maxWait > 0 then
  local far = redis.call('ZRANGEBYSCORE', p..'ready', '(' .. (t + maxWait), '+inf', 'WITHSCORES')
  for i = 1, #far, 2 do
    redis.call('ZREM', p..'ready', far[i])
    redis.call('ZADD', p..'later', tonumber(far[i+1]), far[i])
  end
end
while true do
  local hs = redis.call('ZRANGEBYSCORE', p..'ready', '-inf', t, 'LIMIT', 0, 1)
  if #hs == 0 then break end
  local h = hs[1]
  redis.call('ZREM', p..'ready', h)
  local e = redis.call('LPOP', p..'q:'..h)
  if e then
    local page = isPage(e)
    if page and not admits(maxPages, maxHost, tonumber(redis.call('GET', p..'pages') or '0'),
        tonumber(redis.call('HGET', p..'hpages', h) or '0')) then
      redis.call('LPUSH', p..'q:'..h, e)
      redis.call('SADD', p..'over', h)
    else
      if page then
        redis.call('INCR', p..'pages')
        redis.call('HINCRBY', p..'hpages', h, 1)
      end
      redis.call('HSET', p..'inflight', h, e)
      redis.call('HSET', p..'owner', h, worker)
      redis.call('ZADD', p..'lease', t + ttl, h)
      return {h, e, redis.call('HGET', p..'robots', h) or '', #expired, tonumber(redis.call('HGET', p..'fails', h) or '0')}
    end
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
// front of the queue. ARGV[6] "1" refunds the claimed page to the budgets.
// ARGV[7] "1" counts a failure of the host, "0" a success (the count
// restarts), "" neither. ARGV[8] "1" leaves the host for the next run.
// It returns {held (0/1), consecutive failures}.
var releaseScript = goredis.NewScript(luaNow + luaRefund + `
local p, worker, h = ARGV[1], ARGV[2], ARGV[3]
local gap, requeue = tonumber(ARGV[4]), ARGV[5]
if redis.call('HGET', p..'owner', h) ~= worker then return {0, 0} end
local e = redis.call('HGET', p..'inflight', h)
redis.call('HDEL', p..'inflight', h)
redis.call('HDEL', p..'owner', h)
redis.call('ZREM', p..'lease', h)
if requeue ~= '' then redis.call('LPUSH', p..'q:'..h, requeue) end
if ARGV[6] == '1' and e then refund(p, h, e) end
local fails = tonumber(redis.call('HGET', p..'fails', h) or '0')
if ARGV[7] == '1' then
  fails = redis.call('HINCRBY', p..'fails', h, 1)
elseif ARGV[7] == '0' and fails > 0 then
  redis.call('HDEL', p..'fails', h)
  fails = 0
end
local nx
if gap >= 0 then
  nx = now() + gap
  redis.call('HSET', p..'next', h, nx)
else
  nx = tonumber(redis.call('HGET', p..'next', h) or '0')
end
if redis.call('LLEN', p..'q:'..h) > 0 then redis.call('ZADD', p..(ARGV[8] == '1' and 'later' or 'ready'), nx, h) end
return {1, fails}
`)

// dropScript empties the queue of host ARGV[3] while worker ARGV[2]
// holds its lease and returns the entries it held.
var dropScript = goredis.NewScript(`
local p, worker, h = ARGV[1], ARGV[2], ARGV[3]
if redis.call('HGET', p..'owner', h) ~= worker then return {} end
local es = redis.call('LRANGE', p..'q:'..h, 0, -1)
redis.call('DEL', p..'q:'..h)
redis.call('ZREM', p..'ready', h)
return es
`)

// fetchedScript replaces the entry in flight on host ARGV[3] by ARGV[4]
// (the same entry, now naming the WARC record of its response) while
// worker ARGV[2] holds the host's lease: a reclaim after the worker dies
// queues it with that record. It returns 1, or 0 when the lease was lost.
var fetchedScript = goredis.NewScript(`
local p, worker, h = ARGV[1], ARGV[2], ARGV[3]
if redis.call('HGET', p..'owner', h) ~= worker or not redis.call('HGET', p..'inflight', h) then return 0 end
redis.call('HSET', p..'inflight', h, ARGV[4])
return 1
`)

// renewScript extends worker ARGV[2]'s lease on host ARGV[3] by ARGV[4]
// ms; 0 means the lease was lost.
var renewScript = goredis.NewScript(luaNow + `
local p, worker, h = ARGV[1], ARGV[2], ARGV[3]
redis.call('ZADD', p..'workers', now() + tonumber(ARGV[4]), worker)
if redis.call('HGET', p..'owner', h) ~= worker then return 0 end
redis.call('ZADD', p..'lease', now() + tonumber(ARGV[4]), h)
return 1
`)

// add queues the entries that are not in the seen set yet (re-fetchable
// ones: not yet queued in this pass); discovery documents (sitemaps,
// feeds) go to the front of their host's queue.
func (f *Frontier) add(ctx context.Context, es []*frontier.Entry) (int, error) {
	if len(es) == 0 {
		return 0, nil
	}
	args, err := f.entryArgs(es)
	if err != nil {
		return 0, err
	}
	n, err := addScript.Run(ctx, f.rdb, []string{f.prefix + "seen"}, args...).Int()
	if err != nil {
		return 0, fmt.Errorf("frontier %s: queue %d URLs: %w", f.ns, len(es), err)
	}
	return n, nil
}

// entryArgs encodes es as script arguments after the key prefix.
func (f *Frontier) entryArgs(es []*frontier.Entry) ([]any, error) {
	args := make([]any, 0, 1+5*len(es))
	args = append(args, f.prefix)
	for _, e := range es {
		b, err := json.Marshal(e)
		if err != nil {
			return nil, fmt.Errorf("encode entry %s: %w", e.URL, err)
		}
		args = append(args, e.Key, e.Host, string(b), flag(e.Kind != frontier.KindPage), flag(e.Revisit))
	}
	return args, nil
}

// startRun begins this worker's run and queues the seeds (see startScript).
func (f *Frontier) startRun(ctx context.Context, seeds []*frontier.Entry) (frontier.RunStart, error) {
	args, err := f.entryArgs(seeds)
	if err != nil {
		return frontier.RunStart{}, err
	}
	args = append([]any{args[0], f.worker, f.lease.Milliseconds()}, args[1:]...)
	res, err := startScript.Run(ctx, f.rdb, []string{f.prefix + "seen"}, args...).Slice()
	if err != nil {
		return frontier.RunStart{}, fmt.Errorf("frontier %s: start run: %w", f.ns, err)
	}
	if len(res) != 4 {
		return frontier.RunStart{}, fmt.Errorf("frontier %s: start run: unexpected reply %v", f.ns, res)
	}
	return frontier.RunStart{Pass: toInt(res[0]), NewRun: toInt(res[1]) == 1, NewPass: toInt(res[2]) == 1, Queued: toInt(res[3])}, nil
}

// leave tells the other workers this one has stopped (so that the next
// worker to start may begin a new run without waiting for its heartbeat
// to expire).
func (f *Frontier) leave(ctx context.Context) error {
	if err := f.rdb.ZRem(ctx, f.prefix+"workers", f.worker).Err(); err != nil {
		return fmt.Errorf("frontier %s: leave: %w", f.ns, err)
	}
	return nil
}

// Pass returns the number of the namespace's current crawl pass (0 before
// the first run).
func (f *Frontier) Pass(ctx context.Context) (int64, error) {
	n, err := f.rdb.Get(ctx, f.prefix+"pass").Int64()
	if errors.Is(err, goredis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("frontier %s: pass: %w", f.ns, err)
	}
	return n, nil
}

// claim is a lease on one host with the entry to fetch.
type claim struct {
	host      string
	e         *frontier.Entry
	robots    *frontier.RobotsRec // nil: not cached
	fails     int64               // the host's consecutive failures
	wait      time.Duration       // when nothing was claimed: until a host is ready (-1: none queued)
	leases    int64               // when nothing was claimed: hosts leased by anyone
	reclaimed int64               // expired leases taken back in this call
}

// claimNext leases the next ready host without budgets; rest is how long
// a host whose lease expired rests before it is fetched again.
func (f *Frontier) claimNext(ctx context.Context, rest time.Duration) (*claim, error) {
	return f.claimWith(ctx, frontier.Limits{Delay: rest})
}

// claimWith leases the next ready host under lim (lim.Delay: how long a
// host whose lease expired rests).
func (f *Frontier) claimWith(ctx context.Context, lim frontier.Limits) (*claim, error) {
	res, err := claimScript.Run(ctx, f.rdb, []string{f.prefix + "lease"}, f.prefix, f.worker, f.lease.Milliseconds(), lim.Delay.Milliseconds(),
		lim.MaxWait.Milliseconds(), lim.MaxPages, lim.MaxPagesPerHost).Slice()
	if err != nil {
		return nil, fmt.Errorf("frontier %s: claim: %w", f.ns, err)
	}
	if len(res) < 4 {
		return nil, fmt.Errorf("frontier %s: claim: unexpected reply %v", f.ns, res)
	}
	c := &claim{reclaimed: toInt(res[3])}
	host, _ := res[0].(string)
	if host == "" {
		c.idle(res)
		return c, nil
	}
	if err := c.leased(host, res); err != nil {
		// Give the lease back without the unreadable entry.
		f.release(ctx, host, -1, nil)
		return nil, fmt.Errorf("frontier %s: decode entry of %s: %w", f.ns, host, err)
	}
	return c, nil
}

// idle reads the script's reply when no host was leased: when to ask
// again (-1: none queued) and the hosts leased by anyone.
func (c *claim) idle(res []any) {
	c.wait = time.Duration(toInt(res[1])) * time.Millisecond
	if toInt(res[1]) < 0 {
		c.wait = -1
	}
	c.leases = toInt(res[2])
}

// leased reads the script's reply leasing host: its entry, its robots.txt
// record (none when unreadable: fetched again) and its failures.
func (c *claim) leased(host string, res []any) error {
	c.host = host
	if len(res) > 4 {
		c.fails = toInt(res[4])
	}
	c.e = new(frontier.Entry)
	if err := json.Unmarshal([]byte(res[1].(string)), c.e); err != nil {
		return err
	}
	if r, _ := res[2].(string); r != "" {
		c.robots = new(frontier.RobotsRec)
		if json.Unmarshal([]byte(r), c.robots) != nil {
			c.robots = nil // refetch
		}
	}
	return nil
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
func (f *Frontier) release(ctx context.Context, host string, gap time.Duration, requeue *frontier.Entry) (bool, error) {
	ok, _, err := f.releaseWith(ctx, host, releaseOpts{gap: gap, requeue: requeue, outcome: -1})
	return ok, err
}

// releaseOpts is the outcome a worker reports when it gives a host back.
type releaseOpts struct {
	gap     time.Duration   // politeness gap from now (< 0: no request was made)
	requeue *frontier.Entry // back to the front of the queue
	refund  bool            // the claimed page was not handled: give it back to the budgets
	outcome int             // +1 the host failed (429, 5xx, network), 0 it answered, -1 neither
	later   bool            // the host sits out the rest of the run
}

// releaseWith ends this worker's lease on host with outcome o. It returns
// whether the lease was still held and the host's consecutive failures.
func (f *Frontier) releaseWith(ctx context.Context, host string, o releaseOpts) (bool, int64, error) {
	rq := ""
	if o.requeue != nil {
		b, err := json.Marshal(o.requeue)
		if err != nil {
			return false, 0, fmt.Errorf("encode entry %s: %w", o.requeue.URL, err)
		}
		rq = string(b)
	}
	outcome := ""
	switch {
	case o.outcome > 0:
		outcome = "1"
	case o.outcome == 0:
		outcome = "0"
	}
	res, err := releaseScript.Run(ctx, f.rdb, []string{f.prefix + "lease"}, f.prefix, f.worker, host, gapMillis(o.gap), rq, flag(o.refund), outcome, flag(o.later)).Slice()
	if err != nil {
		return false, 0, fmt.Errorf("frontier %s: release %s: %w", f.ns, host, err)
	}
	if len(res) != 2 {
		return false, 0, fmt.Errorf("frontier %s: release %s: unexpected reply %v", f.ns, host, res)
	}
	return toInt(res[0]) == 1, toInt(res[1]), nil
}

// gapMillis is a politeness gap in whole milliseconds for the scripts,
// rounded up (never down); -1 for none (a negative gap).
func gapMillis(gap time.Duration) int64 {
	if gap < 0 {
		return -1
	}
	ms := gap.Milliseconds()
	if gap%time.Millisecond != 0 {
		ms++
	}
	return ms
}

// flag is a boolean argument of the scripts.
func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// markFetched records in Redis that e, in flight on host under this
// worker's lease, was fetched and archived at e.WARC. It reports whether
// the lease was still held.
func (f *Frontier) markFetched(ctx context.Context, host string, e *frontier.Entry) (bool, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return false, fmt.Errorf("encode entry %s: %w", e.URL, err)
	}
	n, err := fetchedScript.Run(ctx, f.rdb, []string{f.prefix + "lease"}, f.prefix, f.worker, host, string(b)).Int()
	if err != nil {
		return false, fmt.Errorf("frontier %s: record fetch of %s: %w", f.ns, e.URL, err)
	}
	return n == 1, nil
}

// markDenied adds the SURT keys of es to the seen set (robots.txt forbids
// them: they are never queued) and returns those that were not in it.
func (f *Frontier) markDenied(ctx context.Context, es []*frontier.Entry) ([]*frontier.Entry, error) {
	if len(es) == 0 {
		return nil, nil
	}
	p := f.rdb.Pipeline()
	cmds := make([]*goredis.IntCmd, len(es))
	for i, e := range es {
		cmds[i] = p.SAdd(ctx, f.prefix+"seen", e.Key)
	}
	if _, err := p.Exec(ctx); err != nil {
		return nil, fmt.Errorf("frontier %s: record %d robots-denied URLs: %w", f.ns, len(es), err)
	}
	var fresh []*frontier.Entry
	for i, c := range cmds {
		if c.Val() == 1 {
			fresh = append(fresh, es[i])
		}
	}
	return fresh, nil
}

// renew extends this worker's lease on host; false means it was lost.
func (f *Frontier) renew(ctx context.Context, host string) (bool, error) {
	n, err := renewScript.Run(ctx, f.rdb, []string{f.prefix + "lease"}, f.prefix, f.worker, host, f.lease.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("frontier %s: renew %s: %w", f.ns, host, err)
	}
	return n == 1, nil
}

// putRobots caches a host's robots.txt outcome for every worker.
func (f *Frontier) putRobots(ctx context.Context, host string, r *frontier.RobotsRec) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if err := f.rdb.HSet(ctx, f.prefix+"robots", host, b).Err(); err != nil {
		return fmt.Errorf("frontier %s: cache robots.txt of %s: %w", f.ns, host, err)
	}
	return nil
}

// getCond reads the validators (ETag, Last-Modified, payload digest) kept
// for the URL with SURT key; nil when there are none.
func (f *Frontier) getCond(ctx context.Context, key string) (*frontier.CondRec, error) {
	b, err := f.rdb.HGet(ctx, f.prefix+"cond", key).Bytes()
	if errors.Is(err, goredis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("frontier %s: validators of %s: %w", f.ns, key, err)
	}
	r := new(frontier.CondRec)
	if err := json.Unmarshal(b, r); err != nil {
		return nil, fmt.Errorf("frontier %s: decode validators of %s: %w", f.ns, key, err)
	}
	return r, nil
}

// putCond keeps the validators of the URL with SURT key for every worker.
func (f *Frontier) putCond(ctx context.Context, key string, r *frontier.CondRec) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if err := f.rdb.HSet(ctx, f.prefix+"cond", key, b).Err(); err != nil {
		return fmt.Errorf("frontier %s: keep validators of %s: %w", f.ns, r.URL, err)
	}
	return nil
}

// dropQueue empties host's queue while this worker holds its lease and
// returns the entries it held.
func (f *Frontier) dropQueue(ctx context.Context, host string) ([]*frontier.Entry, error) {
	raw, err := dropScript.Run(ctx, f.rdb, []string{f.prefix + "lease"}, f.prefix, f.worker, host).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("frontier %s: give up %s: %w", f.ns, host, err)
	}
	var out []*frontier.Entry
	for _, s := range raw {
		e := new(frontier.Entry)
		if json.Unmarshal([]byte(s), e) == nil {
			out = append(out, e)
		}
	}
	return out, nil
}
