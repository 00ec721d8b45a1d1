package testalloc

import "testing"

var sink []byte

func TestAllocated(t *testing.T) {
	const slack = 1 << 20 // the runtime's own bookkeeping meanwhile
	for _, size := range []int{0, 1 << 20, 16 << 20} {
		got := Allocated(func() { sink = make([]byte, size) })
		if got < uint64(size) || got > uint64(size)+slack {
			t.Errorf("Allocated(make %d bytes) = %d, want %d to %d", size, got, size, size+slack)
		}
	}
}

func TestBound(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want uint64
	}{
		{0, 64 << 20},
		{1 << 10, 65 << 20},
		{1 << 20, 1<<30 + 64<<20},
	} {
		if got := Bound(tc.n); got != tc.want {
			t.Errorf("Bound(%d) = %d, want %d", tc.n, got, tc.want)
		}
	}
}
