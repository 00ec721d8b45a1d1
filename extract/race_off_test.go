//go:build !race

package extract

// slowdown scales time bounds in tests (see race_on_test.go).
const slowdown = 1
