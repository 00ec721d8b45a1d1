// Package testalloc is what tests assert of the cost of parsing hostile or
// arbitrary input: the bytes allocated, which do not depend on how fast or
// how loaded the machine is, unlike wall time. It owns the bound and the
// measure; it knows nothing of what is parsed.
package testalloc

import "runtime"

// Bound is the most one pass over n bytes of input may allocate: 64 MiB for
// fixed buffers and small pages, then 1 KiB per input byte. Work linear in
// the input stays well under it (the hostile pages of package extract
// allocate 5 to 220 bytes per input byte); work that grows faster than the
// input (a copy per nesting level, a join per paragraph) passes it on
// inputs of a few hundred kilobytes.
func Bound(n int) uint64 { return 1024*uint64(n) + 64<<20 }

// Allocated runs f and returns the bytes the process allocated meanwhile.
// f should be the only work under way: what other goroutines allocate
// meanwhile is counted too.
func Allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}
