package memlimit

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
)

func TestLimit(t *testing.T) {
	f := &Follower{floor: 300 << 20}
	for _, tc := range []struct {
		live uint64
		want int64
	}{
		{0, 300 << 20},
		{100 << 20, 300 << 20},
		{200 << 20, 300 << 20},
		{400 << 20, 600 << 20},
		{2 << 30, 3 << 30},
		{math.MaxUint64, math.MaxInt64},
	} {
		if got := f.Limit(tc.live); got != tc.want {
			t.Errorf("Limit(%d) = %d, want %d", tc.live, got, tc.want)
		}
	}
}

// TestFollow holds a live heap larger than the floor and checks that the
// limit rises above it once a collection has seen it, and that Stop puts
// the old limit back.
func TestFollow(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	f := Follow(16 << 20)
	if got := debug.SetMemoryLimit(-1); got < 16<<20 {
		t.Fatalf("limit after Follow = %d, want at least the floor", got)
	}
	big := make([]byte, 64<<20)
	for i := range big {
		big[i] = byte(i)
	}
	runtime.GC()
	f.adjust() // what the cleanup after the collection does, without waiting for it
	if got := debug.SetMemoryLimit(-1); got < 64<<20*3/2 {
		t.Errorf("limit with a 64 MiB live heap = %d MiB, want at least 96", got>>20)
	}
	runtime.KeepAlive(big)
	f.Stop()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("limit after Stop = %d, want %d", got, before)
	}
	f.adjust() // a cleanup that runs after Stop changes nothing
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("limit after a late adjust = %d, want %d", got, before)
	}
	if Follow(0).Stop(); debug.SetMemoryLimit(-1) != before {
		t.Error("Follow(0) changed the limit")
	}
}
