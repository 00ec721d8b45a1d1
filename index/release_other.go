//go:build !linux

package index

// dropPages does nothing where MADV_DONTNEED is not used.
func dropPages([]byte) {}
