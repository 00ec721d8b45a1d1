package dedup_test

import (
	"testing"

	"github.com/syndex/syndex/dedup"
)

func TestSetSimilarity(t *testing.T) {
	tests := []struct {
		a, b               []uint32
		contained, jaccard float64
	}{
		{nil, nil, 0, 0},
		{[]uint32{1, 2}, nil, 0, 0},
		{[]uint32{1, 2, 3}, []uint32{1, 2, 3}, 1, 1},
		{[]uint32{1, 2}, []uint32{1, 2, 3, 4}, 1, 0.5},
		{[]uint32{1, 2, 3, 4}, []uint32{3, 4, 5}, 0.5, 0.4},
		{[]uint32{1, 3, 5}, []uint32{2, 4, 6}, 0, 0},
	}
	for _, tt := range tests {
		if got := dedup.ContainedIn(tt.a, tt.b); got != tt.contained {
			t.Errorf("ContainedIn(%v, %v) = %g, want %g", tt.a, tt.b, got, tt.contained)
		}
		if got := dedup.Jaccard(tt.a, tt.b); got != tt.jaccard {
			t.Errorf("Jaccard(%v, %v) = %g, want %g", tt.a, tt.b, got, tt.jaccard)
		}
	}
}
