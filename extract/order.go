package extract

import (
	"bytes"
	"slices"
	"strings"
)

// inPageOrder puts the names of a "; "-separated list in the order of
// their first appearance in the page's source src, and those src does not
// hold as they are (escaped in a JSON-LD script, cased differently) after
// them, sorted. go-trafilatura's metadata joins the persons and
// organisations it finds in a page's JSON-LD in the order it meets them
// while walking the decoded objects, which follows Go's map iteration: the
// same page gave "A; B" in one run and "B; A" in the next.
func inPageOrder(list string, src []byte) string {
	if !strings.Contains(list, "; ") {
		return list
	}
	names := strings.Split(list, "; ")
	at := make(map[string]int, len(names))
	for _, n := range names {
		if i := bytes.Index(src, []byte(n)); i >= 0 {
			at[n] = i
		} else {
			at[n] = len(src)
		}
	}
	slices.SortStableFunc(names, func(a, b string) int {
		if at[a] != at[b] {
			return at[a] - at[b]
		}
		return strings.Compare(a, b)
	})
	return strings.Join(names, "; ")
}
