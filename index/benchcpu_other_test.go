//go:build !unix

package index

import "time"

// processCPU is not measured on this system: the benchmarks report 0.
func processCPU() time.Duration { return 0 }
