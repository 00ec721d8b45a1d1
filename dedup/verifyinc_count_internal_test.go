package dedup

import "testing"

// TestVerifyCountSaturates: the stage's word counts are bytes; a word
// seen more than 255 times stays common instead of wrapping back to rare.
func TestVerifyCountSaturates(t *testing.T) {
	iv := newIncVerify()
	const w = 0xdeadbeef
	for i := 1; i <= 1000; i++ {
		n := iv.countWord(w)
		if want := uint32(min(i, 255)); n != want {
			t.Fatalf("occurrence %d: count %d, want %d", i, n, want)
		}
		if i > verifyRare && iv.of(w) <= verifyRare {
			t.Fatalf("occurrence %d: the word reads as rare again", i)
		}
	}
}
