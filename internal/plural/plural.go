// Package plural writes counted English nouns ("1 copy", "2 copies") for
// the messages and pages syndex prints. It owns nothing else.
package plural

import "strconv"

// N returns n followed by one when n is 1, else by many: N(1, "copy",
// "copies") is "1 copy", N(0, "copy", "copies") is "0 copies".
func N(n int, one, many string) string {
	if n == 1 || n == -1 {
		return strconv.Itoa(n) + " " + one
	}
	return strconv.Itoa(n) + " " + many
}

// S is N for nouns whose plural adds an s: S(1, "page") is "1 page",
// S(3, "page") is "3 pages".
func S(n int, noun string) string { return N(n, noun, noun+"s") }
