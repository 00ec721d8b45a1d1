package frontier

import "time"

// Limits are the settings a frontier applies when it hands hosts out:
// the politeness gap and the run's budgets. The local frontier applies
// them with Admits and LeftForNextRun; the shared one must apply them
// atomically across workers, inside its Redis claim script, whose Lua
// functions of the same names are held equal to these by one table of
// cases (crawler/frontier/shared: TestLimitsLua) besides the conformance
// suite run on both.
type Limits struct {
	Delay           time.Duration // the politeness gap without a Crawl-delay; how long a host whose lease expired rests
	MaxWait         time.Duration // a host not ready within this is left for the next run (0: no limit)
	MaxPages        int           // pages claimed per run, all workers together (0: no limit)
	MaxPagesPerHost int           // pages claimed per host per run (0: no limit)
}

// Admits reports whether one more page may be claimed in a run that has
// claimed pages, onHost of them on the page's host. Discovery documents
// (feeds, sitemaps) are not counted.
func (l Limits) Admits(pages, onHost int) bool {
	return (l.MaxPages <= 0 || pages < l.MaxPages) && (l.MaxPagesPerHost <= 0 || onHost < l.MaxPagesPerHost)
}

// LeftForNextRun reports whether a host that will be ready only after
// wait is left for the next run.
func (l Limits) LeftForNextRun(wait time.Duration) bool {
	return l.MaxWait > 0 && wait > l.MaxWait
}
