package store

import (
	"fmt"
	"syscall"

	bolt "go.etcd.io/bbolt"
)

// ReleasePages drops the store file's pages from this process's memory
// map (MADV_DONTNEED). The database is mapped read-only and shared, so
// nothing is lost: the pages stay in the kernel's page cache and a later
// read maps them again. After a pass over every article (a rebuild of
// the search index) they would otherwise count in the process's resident
// memory, as much as the store's size, until the process ends.
func (s *Store) ReleasePages() error {
	// A read transaction keeps bbolt from remapping the file meanwhile.
	err := s.db.View(func(tx *bolt.Tx) error {
		data, size := s.db.Info().Data, uintptr(tx.Size())
		if data == 0 || size == 0 {
			return nil
		}
		if _, _, e := syscall.Syscall(syscall.SYS_MADVISE, data, size, syscall.MADV_DONTNEED); e != 0 {
			return e
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store %s: release pages: %w", s.path, err)
	}
	return nil
}
