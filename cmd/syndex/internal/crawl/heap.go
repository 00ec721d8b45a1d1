package crawl

import "github.com/syndex/syndex/internal/memlimit"

// crawlMemoryLimit is the floor of the soft limit on the Go heap while
// pages are fetched and extracted (crawl, run, worker, demo). A large
// page is held while it is parsed, and without a limit the collector
// lets the garbage of its parse reach the live heap's size again
// before it runs: the hostile demo's peak fell from 430–513 MiB to
// 295–323 MiB with it, at the same CPU.
const crawlMemoryLimit = 256 << 20

// followHeap keeps the soft limit on the Go heap at crawlMemoryLimit, or
// 1.5 times the live heap when that is more (internal/memlimit), until
// the returned function is called. GOMEMLIMIT in the environment wins.
func followHeap() (stop func()) { return memlimit.Start(crawlMemoryLimit) }
