//go:build race

package extract

// slowdown scales time bounds in tests: the race detector makes this code
// 5–10× slower, more on a loaded machine.
const slowdown = 8
