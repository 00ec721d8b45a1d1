//go:build unix

package index

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user and system) the process has used: a
// benchmark's cost that the load of a shared machine does not inflate as
// it does wall time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
