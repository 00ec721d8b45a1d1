package index

import (
	"syscall"
	"unsafe"
)

// dropPages lets go of the resident pages of m, a read-only shared file
// map (MADV_DONTNEED): its contents stay in the page cache and are mapped
// again when read. A failure only costs memory.
func dropPages(m []byte) {
	_, _, _ = syscall.Syscall(syscall.SYS_MADVISE, uintptr(unsafe.Pointer(unsafe.SliceData(m))), uintptr(len(m)), syscall.MADV_DONTNEED)
}
