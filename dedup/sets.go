package dedup

// The one similarity of two texts in syndex: how many members their sorted
// feature sets (Shingles) share, as a share of one side (containment) or of
// their union (Jaccard). Decisions, lookups, shares and the evaluation all
// count with these.

// Shared counts the members two sorted feature sets share (32-bit
// shingles, the 16-bit grams of sentence sketches, or the verifying
// stage's 64-bit word pairs).
func Shared[T ~uint16 | ~uint32 | ~uint64](a, b []T) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

// shareOf is shared/n, 0 for an empty side.
func shareOf(shared, n int) float64 {
	if n == 0 {
		return 0
	}
	return float64(shared) / float64(n)
}

// jaccardOf is the Jaccard similarity of two sets of na and nb members
// sharing shared.
func jaccardOf(shared, na, nb int) float64 { return shareOf(shared, na+nb-shared) }

// ContainedIn returns the share of the sorted feature set a found in b.
func ContainedIn(a, b []uint32) float64 { return shareOf(Shared(a, b), len(a)) }

// Jaccard returns the Jaccard similarity of two sorted feature sets.
func Jaccard(a, b []uint32) float64 { return jaccardOf(Shared(a, b), len(a), len(b)) }
